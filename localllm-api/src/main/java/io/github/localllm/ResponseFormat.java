package io.github.localllm;

import io.github.localllm.internal.Json;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The shape the answer must take. Engines enforce JSON, JSON-schema and grammar
 * formats while sampling, so the output parses even from a weak model.
 *
 * <p>A JSON or JSON-schema answer is also checked against its schema before it is
 * returned: one that does not match (a keyword no grammar can enforce, such as
 * {@code uniqueItems}) or that the token limit cut off is a {@link StructuredOutputException},
 * never a success. {@link GenerationRequest.Builder#outputRetries(int)} asks for new answers
 * first.
 */
public sealed interface ResponseFormat {

    /** The kinds of format, for engines to say which they enforce. */
    enum Kind {
        /** {@link ResponseFormat#text()}. */
        TEXT,
        /** {@link ResponseFormat#json()}. */
        JSON,
        /** {@link ResponseFormat#jsonSchema(String)}. */
        JSON_SCHEMA,
        /** {@link ResponseFormat#grammar(String)}. */
        GRAMMAR
    }

    /** @return which kind of format this is */
    Kind kind();

    /** @return free text */
    static ResponseFormat text() {
        return Text.INSTANCE;
    }

    /** @return any JSON object */
    static ResponseFormat json() {
        return JsonObject.INSTANCE;
    }

    /**
     * @param schema a JSON Schema document
     * @return JSON that matches the schema
     * @throws InvalidRequestException if the schema is not valid JSON or not a usable schema
     */
    static ResponseFormat jsonSchema(String schema) {
        return new JsonSchema(schema);
    }

    /**
     * @param gbnf a grammar in llama.cpp's GBNF notation, with a {@code root} rule
     * @return text the grammar accepts
     * @throws InvalidRequestException if it is empty or has no {@code root} rule; each engine checks the
     *         grammar in its own dialect ({@code EngineCapabilities.grammarDialect()}) before it generates
     */
    static ResponseFormat grammar(String gbnf) {
        return new Grammar(gbnf);
    }

    /** Free text. */
    final class Text implements ResponseFormat {
        private static final Text INSTANCE = new Text();

        private Text() {
        }

        @Override
        public Kind kind() {
            return Kind.TEXT;
        }

        @Override
        public String toString() {
            return "text";
        }
    }

    /** Any JSON object. */
    final class JsonObject implements ResponseFormat {
        private static final JsonObject INSTANCE = new JsonObject();

        private JsonObject() {
        }

        @Override
        public Kind kind() {
            return Kind.JSON;
        }

        @Override
        public String toString() {
            return "json";
        }
    }

    /**
     * JSON matching a schema.
     *
     * @param schema the JSON Schema document, already checked
     */
    record JsonSchema(String schema) implements ResponseFormat {
        private static final Set<String> TYPES =
                Set.of("object", "array", "string", "number", "integer", "boolean", "null");

        /** Checks the schema parses and its {@code type}, {@code properties}, {@code items} and {@code required} are well formed. */
        public JsonSchema {
            if (schema == null || schema.isBlank()) {
                throw new InvalidRequestException("the JSON schema is empty; pass a JSON Schema object such as "
                        + "{\"type\":\"object\",\"properties\":{...}}");
            }
            Object parsed;
            try {
                parsed = Json.parse(schema);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("the JSON schema is not valid JSON (" + e.getMessage()
                        + "); fix the schema text");
            }
            check(parsed, "$");
            checkReferences(parsed, parsed, "$");
        }

        @Override
        public Kind kind() {
            return Kind.JSON_SCHEMA;
        }

        /** Keywords whose value is an object of schemas. */
        private static final Set<String> SCHEMA_MAPS = Set.of("properties", "patternProperties", "$defs",
                "definitions", "dependentSchemas", "dependencies");
        /** Keywords whose value is a list of schemas. */
        private static final Set<String> SCHEMA_LISTS = Set.of("allOf", "anyOf", "oneOf", "prefixItems");
        /** Keywords whose value is one schema ({@code items} may also be a list). */
        private static final Set<String> SCHEMA_VALUES = Set.of("items", "additionalItems", "additionalProperties",
                "unevaluatedItems", "unevaluatedProperties", "contains", "propertyNames", "not", "if", "then", "else");

        /**
         * Every {@code $ref} that is a JSON pointer into this document ({@code "#/..."}) must
         * point to something, so a dangling one is refused here, naming its place. Only schema
         * positions are walked: a property named {@code $ref}, or an {@code enum} or {@code const}
         * value with a {@code $ref} member, is data, not a reference. References through an
         * {@code $id} or an anchor are left to the engine's converter, which resolves them or
         * refuses them the same way.
         */
        private static void checkReferences(Object root, Object node, String path) {
            if (!(node instanceof Map)) {
                return;
            }
            for (Map.Entry<?, ?> e : ((Map<?, ?>) node).entrySet()) {
                String key = String.valueOf(e.getKey());
                Object value = e.getValue();
                String at = path + "." + key;
                if (key.equals("$ref")) {
                    resolve(root, value, at);
                } else if (SCHEMA_MAPS.contains(key) && value instanceof Map) {
                    for (Map.Entry<?, ?> member : ((Map<?, ?>) value).entrySet()) {
                        checkReferences(root, member.getValue(), at + "." + member.getKey());
                    }
                } else if ((SCHEMA_LISTS.contains(key) || key.equals("items")) && value instanceof List) {
                    List<?> list = (List<?>) value;
                    for (int i = 0; i < list.size(); i++) {
                        checkReferences(root, list.get(i), at + "[" + i + "]");
                    }
                } else if (SCHEMA_VALUES.contains(key)) {
                    checkReferences(root, value, at);
                }
            }
        }

        private static void resolve(Object root, Object ref, String path) {
            if (!(ref instanceof String)) {
                throw invalid(path, "a reference must be a string such as \"#/$defs/name\", not " + ref);
            }
            String text = (String) ref;
            if (!text.equals("#") && !text.startsWith("#/")) {
                return; // an $id-based URI or an anchor: the converter resolves it
            }
            Object node = root;
            if (text.length() > 1) {
                for (String token : text.substring(2).split("/", -1)) {
                    // A pointer in a URI fragment is percent-encoded; JSON Pointer escapes come after.
                    String name;
                    try {
                        name = java.net.URLDecoder.decode(token.replace("+", "%2B"),
                                java.nio.charset.StandardCharsets.UTF_8).replace("~1", "/").replace("~0", "~");
                    } catch (IllegalArgumentException e) {
                        throw invalid(path, "reference " + ref + " is not a valid URI fragment (" + e.getMessage()
                                + "); percent-encode characters such as '%' as %25");
                    }
                    if (node instanceof Map && ((Map<?, ?>) node).containsKey(name)) {
                        node = ((Map<?, ?>) node).get(name);
                    } else if (node instanceof List && name.matches("0|[1-9]\\d{0,8}")
                            && Integer.parseInt(name) < ((List<?>) node).size()) {
                        node = ((List<?>) node).get(Integer.parseInt(name));
                    } else {
                        throw invalid(path, "reference " + ref + " points to nothing in the schema;"
                                + " add the definition or fix the reference");
                    }
                }
            }
        }

        private static void check(Object node, String path) {
            if (node instanceof Boolean) {
                return;
            }
            if (!(node instanceof Map)) {
                throw invalid(path, "a schema must be a JSON object");
            }
            Map<?, ?> map = (Map<?, ?>) node;
            Object type = map.get("type");
            if (type != null) {
                List<?> types = type instanceof List ? (List<?>) type : List.of(type);
                for (Object t : types) {
                    if (!(t instanceof String) || !TYPES.contains(t)) {
                        throw invalid(path + ".type", "'" + t + "' is not a JSON Schema type; use one of " + TYPES);
                    }
                }
            }
            Object properties = map.get("properties");
            if (properties != null) {
                if (!(properties instanceof Map)) {
                    throw invalid(path + ".properties", "must be an object of schemas");
                }
                for (Map.Entry<?, ?> e : ((Map<?, ?>) properties).entrySet()) {
                    check(e.getValue(), path + ".properties." + e.getKey());
                }
            }
            Object required = map.get("required");
            if (required != null) {
                if (!(required instanceof List) || !((List<?>) required).stream().allMatch(String.class::isInstance)) {
                    throw invalid(path + ".required", "must be an array of property names");
                }
            }
            Object items = map.get("items");
            if (items instanceof List) {
                // Drafts 4 to 2019-09 write a tuple as a list of schemas, one per position.
                List<?> tuple = (List<?>) items;
                for (int i = 0; i < tuple.size(); i++) {
                    check(tuple.get(i), path + ".items[" + i + "]");
                }
            } else if (items != null) {
                check(items, path + ".items");
            }
        }

        private static InvalidRequestException invalid(String path, String problem) {
            return new InvalidRequestException("invalid JSON schema at " + path + ": " + problem);
        }
    }

    /**
     * Text accepted by a GBNF grammar. GBNF has dialects (llama.cpp added syntax over the years), so
     * the engine that runs the request checks the grammar against its own and names the line and
     * column of anything it cannot use.
     *
     * @param gbnf the grammar
     */
    record Grammar(String gbnf) implements ResponseFormat {
        /** Checks the grammar is present and defines {@code root}. */
        public Grammar {
            if (gbnf == null || gbnf.isBlank()) {
                throw new InvalidRequestException("the grammar is empty; give GBNF rules starting with root ::= ...");
            }
            if (!java.util.regex.Pattern.compile("(?m)^\\s*root\\s*::=").matcher(gbnf).find()) {
                throw new InvalidRequestException("the grammar has no root rule; generation starts at root, so add"
                        + " a line such as root ::= ...");
            }
        }

        @Override
        public Kind kind() {
            return Kind.GRAMMAR;
        }
    }
}
