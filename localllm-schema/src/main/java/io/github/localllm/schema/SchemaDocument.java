package io.github.localllm.schema;

import io.github.localllm.InvalidRequestException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Reads schema texts with bounds, so a hostile or runaway schema is a clear error, not an exhausted JVM. */
final class SchemaDocument {
    /** Ten times a tsconfig-sized schema; larger ones make grammars no engine samples at a usable speed. */
    static final int MAX_CHARS = 1024 * 1024;
    /** Real schemas nest a few dozen levels at most. */
    static final int MAX_DEPTH = 128;

    static final String DRAFT_04 = "http://json-schema.org/draft-04/schema#";
    static final String DRAFT_07 = "http://json-schema.org/draft-07/schema#";

    static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                            .maxDocumentLength(MAX_CHARS).build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private SchemaDocument() {
    }

    /**
     * @param schema the schema text
     * @return the schema: an object or a boolean
     * @throws InvalidRequestException if it is too large, too deep, not JSON, or not a schema
     */
    static JsonNode parse(String schema) {
        if (schema.isBlank()) {
            throw new InvalidRequestException("the JSON schema is empty; pass a JSON Schema object such as "
                    + "{\"type\":\"object\",\"properties\":{...}}");
        }
        if (schema.length() > MAX_CHARS) {
            throw new InvalidRequestException("the JSON schema is " + schema.length() + " characters long; the limit"
                    + " is " + MAX_CHARS + "; split the request or move repeated parts into $defs");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(schema);
        } catch (JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            String problem = e.getOriginalMessage();
            if (problem != null && problem.contains("nesting depth")) {
                throw new InvalidRequestException("the JSON schema nests deeper than " + MAX_DEPTH + " levels" + where
                        + "; flatten it with $defs and $ref");
            }
            throw new InvalidRequestException("the JSON schema is not valid JSON" + where + ": "
                    + firstLine(problem) + "; fix the schema text");
        }
        if (!root.isObject() && !root.isBoolean()) {
            throw new InvalidRequestException("the JSON schema must be a JSON object (or true/false), not "
                    + root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
                    + "; wrap it as {\"type\":...}");
        }
        return root;
    }

    /**
     * Names the draft a schema without {@code $schema} is evidently written in. Users still send
     * draft-04 and draft-07 forms (tuple {@code items} arrays, boolean {@code exclusiveMinimum})
     * without saying so; read as 2020-12 they would be invalid, so the draft they need is named.
     *
     * @return the schema, with {@code $schema} added where its keywords imply an older draft
     */
    static JsonNode withImpliedDialect(JsonNode root) {
        if (!root.isObject() || root.has("$schema")) {
            return root;
        }
        String implied = uses(root, true) ? DRAFT_04 : uses(root, false) ? DRAFT_07 : null;
        if (implied == null) {
            return root;
        }
        ObjectNode named = ((ObjectNode) root).deepCopy();
        named.put("$schema", implied);
        return named;
    }

    /** @return whether any subschema uses boolean exclusive bounds (draft-04), or else tuple items (draft-07) */
    private static boolean uses(JsonNode node, boolean booleanBounds) {
        if (node.isObject()) {
            if (booleanBounds) {
                JsonNode min = node.get("exclusiveMinimum");
                JsonNode max = node.get("exclusiveMaximum");
                if (min != null && min.isBoolean() || max != null && max.isBoolean()) {
                    return true;
                }
            } else {
                JsonNode items = node.get("items");
                if (items != null && items.isArray() || node.has("additionalItems")) {
                    return true;
                }
            }
        }
        for (JsonNode child : node.values()) {
            if (child.isContainer() && uses(child, booleanBounds)) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 197) + "..." : line;
    }
}
