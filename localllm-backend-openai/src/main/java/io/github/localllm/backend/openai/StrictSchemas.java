package io.github.localllm.backend.openai;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Whether a schema fits the OpenAI API's strict structured outputs: every object closed
 * ({@code additionalProperties: false}) with all its properties required. The API refuses a strict
 * schema outside that subset, so others are sent without {@code strict}; the answer is checked
 * against the schema either way.
 */
final class StrictSchemas {
    private StrictSchemas() {
    }

    static boolean qualifies(JsonNode schema) {
        if (schema.isArray()) {
            for (JsonNode item : schema) {
                if (!qualifies(item)) {
                    return false;
                }
            }
            return true;
        }
        if (!schema.isObject()) {
            return true;
        }
        JsonNode properties = schema.get("properties");
        boolean object = properties != null || "object".equals(schema.path("type").asString(""));
        if (object) {
            if (!schema.path("additionalProperties").isBoolean() || schema.path("additionalProperties").booleanValue()) {
                return false;
            }
            Set<String> required = new HashSet<>();
            schema.path("required").forEach(r -> required.add(r.asString("")));
            if (properties != null) {
                for (Map.Entry<String, JsonNode> p : properties.properties()) {
                    if (!required.contains(p.getKey())) {
                        return false;
                    }
                }
            }
        }
        for (Map.Entry<String, JsonNode> member : schema.properties()) {
            if (!qualifies(member.getValue())) {
                return false;
            }
        }
        return true;
    }
}
