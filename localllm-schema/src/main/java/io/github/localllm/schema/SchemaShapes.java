package io.github.localllm.schema;

import io.github.localllm.InvalidRequestException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Checks, once for the whole document, that every keyword the converter reads has the shape the
 * specification gives it, so a typo such as {@code "minimum": "3"} is an error naming its place
 * rather than a keyword silently ignored.
 */
final class SchemaShapes {
    static final Set<String> TYPES = Set.of("object", "array", "string", "number", "integer", "boolean", "null");

    private static final Set<String> SCHEMA_MAPS = Set.of("properties", "patternProperties", "$defs", "definitions",
            "dependentSchemas");
    private static final Set<String> SCHEMA_LISTS = Set.of("allOf", "anyOf", "oneOf", "prefixItems");
    private static final Set<String> SCHEMAS = Set.of("additionalItems", "additionalProperties", "unevaluatedItems",
            "unevaluatedProperties", "contains", "propertyNames", "not", "if", "then", "else");
    private static final Set<String> COUNTS = Set.of("minLength", "maxLength", "minItems", "maxItems", "minProperties",
            "maxProperties", "minContains", "maxContains");
    private static final Set<String> NUMBERS = Set.of("minimum", "maximum", "multipleOf");

    private SchemaShapes() {
    }

    static void check(JsonNode schema, String path) {
        if (schema.isBoolean()) {
            return;
        }
        if (!schema.isObject()) {
            throw invalid(path, "a schema must be a JSON object (or true/false), not " + describe(schema));
        }
        for (Map.Entry<String, JsonNode> e : schema.properties()) {
            String k = e.getKey();
            JsonNode v = e.getValue();
            String at = path + "." + k;
            if (SCHEMA_MAPS.contains(k)) {
                if (!v.isObject()) {
                    throw invalid(at, "must be an object whose values are schemas, not " + describe(v));
                }
                for (Map.Entry<String, JsonNode> p : v.properties()) {
                    check(p.getValue(), at + "." + p.getKey());
                }
            } else if (SCHEMA_LISTS.contains(k)) {
                if (!v.isArray() || v.isEmpty() && !k.equals("prefixItems")) {
                    throw invalid(at, "must be a non-empty array of schemas, not " + describe(v));
                }
                for (int i = 0; i < v.size(); i++) {
                    check(v.get(i), at + "[" + i + "]");
                }
            } else if (SCHEMAS.contains(k)) {
                check(v, at);
            } else if (k.equals("items")) {
                if (v.isArray()) {
                    for (int i = 0; i < v.size(); i++) {
                        check(v.get(i), at + "[" + i + "]");
                    }
                } else {
                    check(v, at);
                }
            } else if (COUNTS.contains(k)) {
                if (!v.isNumber() || !v.canConvertToExactIntegral() || v.decimalValue().signum() < 0) {
                    throw invalid(at, "must be a whole number of at least 0, not " + describe(v));
                }
            } else if (NUMBERS.contains(k)) {
                if (!v.isNumber() || k.equals("multipleOf") && v.decimalValue().signum() <= 0) {
                    throw invalid(at, "must be a" + (k.equals("multipleOf") ? " positive" : "") + " number, not "
                            + describe(v));
                }
            } else if (k.equals("exclusiveMinimum") || k.equals("exclusiveMaximum")) {
                if (!v.isNumber() && !v.isBoolean()) {
                    throw invalid(at, "must be a number (or, in draft-04, a boolean), not " + describe(v));
                }
            } else if (k.equals("type")) {
                checkType(v, at);
            } else if (k.equals("required")) {
                if (v.isBoolean()) {
                    continue; // draft-03 style inside properties; the validator decides
                }
                if (!v.isArray() || !v.valueStream().allMatch(JsonNode::isString)) {
                    throw invalid(at, "must be an array of property names, not " + describe(v));
                }
            } else if (k.equals("enum")) {
                if (!v.isArray()) {
                    throw invalid(at, "must be an array of the allowed values, not " + describe(v));
                }
            } else if (k.equals("pattern") || k.equals("format") || k.equals("$ref")) {
                if (!v.isString()) {
                    throw invalid(at, "must be a string, not " + describe(v));
                }
            } else if (k.equals("uniqueItems")) {
                if (!v.isBoolean()) {
                    throw invalid(at, "must be true or false, not " + describe(v));
                }
            }
        }
    }

    private static void checkType(JsonNode v, String at) {
        Set<String> seen = new HashSet<>();
        for (JsonNode t : v.isArray() ? v.values() : java.util.List.of(v)) {
            if (!t.isString() || !TYPES.contains(t.asString())) {
                throw invalid(at, describe(t) + " is not a JSON Schema type; use one of " + new java.util.TreeSet<>(TYPES));
            }
            if (!seen.add(t.asString())) {
                throw invalid(at, "names \"" + t.asString() + "\" twice; list each type once");
            }
        }
        if (v.isArray() && v.isEmpty()) {
            throw invalid(at, "is an empty list of types; name at least one type");
        }
    }

    private static String describe(JsonNode v) {
        String text = v.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    static InvalidRequestException invalid(String path, String problem) {
        return new InvalidRequestException("invalid JSON schema at " + path + ": " + problem);
    }
}
