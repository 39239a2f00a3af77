package io.github.localllm.backend.llamacpp;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Random but valid JSON Schemas, the same sequence for the same seed: nested objects and arrays,
 * anyOf/oneOf/allOf, {@code $defs} (or {@code definitions}) with {@code $ref}s to them, into
 * arrays ({@code #/$defs/d0/anyOf/1}) and back to an enclosing schema (recursion), enum and const
 * values with escapes and non-ASCII text, patterns from a generator of regular expressions a grammar
 * can express (and a few it cannot), length, count and numeric bounds including 0, formats,
 * boolean schemas, additionalProperties variants and tuples in each draft's spelling.
 *
 * <p>"Valid" means each document is a well-formed schema of its draft; whether any value matches
 * it is left to chance, since refusing an impossible schema is part of what the converter must do.
 */
final class SchemaGenerator {
    enum Dialect {
        NONE(null), DRAFT_2020_12("https://json-schema.org/draft/2020-12/schema"),
        DRAFT_2019_09("https://json-schema.org/draft/2019-09/schema"),
        DRAFT_07("http://json-schema.org/draft-07/schema#"), DRAFT_04("http://json-schema.org/draft-04/schema#");

        final String uri;

        Dialect(String uri) {
            this.uri = uri;
        }

        boolean legacy() {
            return this == DRAFT_07 || this == DRAFT_04;
        }
    }

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final String[] NAMES = {"id", "name", "age", "tags", "items", "value", "a", "b", "c", "kind",
        "x y", "naïve", "日本", "quote\"d", "back\\slash", "sl/ash", "til~de", "emoji😀", "", "$ref", "type",
        "properties", "%enc", "new\nline"};
    private static final String[] STRINGS = {"plain", "", "a\"b", "back\\slash", "line\nbreak", "tab\there",
        "\u0000nul", "\u001fus", "é", "日本語", "😀", "\u2028sep", "</script>", "\\u0041", "%20", "x y", "yes", "no",
        "null", "123", "a\"b\\c\n", "\ud7ff\ue000", "Ω≈ç√"};
    private static final String[] FORMATS = {"date", "time", "date-time", "uuid", "ipv4", "email", "uri",
        "hostname", "ipv6", "duration"};
    private static final String[] LITERALS = {"a", "b", "z", "A", "Q", "0", "7", "_", "-", " ", "é", "日", "😀",
        "\"", "\\\\", "\\.", "\\-", "\\/", "\\(", "\\[", "\\{", "\\+", "\\*", "\\?", "\\|", "\\$", "\\^", "\\n",
        "\\t", "@", ":", ",", "#", "'", "<", "~"};
    private static final String[] CLASSES = {"[a-z]", "[A-Z0-9_]", "[^\"\\\\]", "[^a-z]", "\\d", "\\w", "\\s",
        "\\D", "\\W", "\\S", ".", "[0-9a-fA-F]", "[-+]", "[.]", "[\\]\\\\]", "[é-ö]", "[一-龥]", "[\\u0041-\\u0046]",
        "\\x41", "\\u00e9", "[\\d\\s]", "[^\\d]"};
    private static final String[] UNSUPPORTED_REGEX = {"(?=a)", "(?!b)", "(?<=c)", "(a)\\1", "\\bword\\b", "a{2,1}",
        "(", "[z-a]", "\\p{L}", "(?<n>x)\\k<n>"};

    private final Random random;
    private Dialect dialect;
    private String defsKey;
    private String base;
    /** Pointers (unescaped tokens joined by '/', "" for the root) of finished subschemas. */
    private final List<String> finished = new ArrayList<>();
    /** Pointers of the subschemas being built, outermost first. */
    private final Deque<String> open = new ArrayDeque<>();
    private int budget;

    SchemaGenerator(long seed) {
        this.random = new Random(seed);
    }

    /** @return the text of the next schema */
    String next() {
        dialect = pick(Dialect.values());
        defsKey = dialect.legacy() && chance(0.8) ? "definitions" : "$defs";
        base = chance(0.1) ? "https://example.com/schemas/s" + random.nextInt(1000) + ".json" : null;
        finished.clear();
        open.clear();
        budget = 4 + random.nextInt(chance(0.2) ? 60 : 20);
        if (chance(0.03)) {
            return chance(0.8) ? "true" : "false";
        }
        ObjectNode defs = null;
        if (chance(0.35)) {
            defs = NODES.objectNode();
            int n = 1 + random.nextInt(3);
            for (int i = 0; i < n; i++) {
                String name = chance(0.85) ? "d" + i : pick(NAMES) + i;
                String ptr = child(child("", defsKey), name);
                defs.set(name, schema(ptr, 1, true));
            }
        }
        JsonNode body = schema("", 0, false);
        ObjectNode root = NODES.objectNode();
        if (dialect.uri != null) {
            root.put("$schema", dialect.uri);
        }
        if (base != null) {
            root.put(dialect == Dialect.DRAFT_04 ? "id" : "$id", base);
        }
        if (defs != null) {
            root.set(defsKey, defs);
        }
        if (body.isObject()) {
            // The root's own keywords come after $defs; a name clash ($defs in the body) is avoided below.
            ((ObjectNode) body).properties().forEach(e -> {
                if (!root.has(e.getKey())) {
                    root.set(e.getKey(), e.getValue());
                }
            });
        } else if (!body.booleanValue()) {
            root.set("not", NODES.objectNode()); // the root is false: "not": {} is its object spelling
        }
        return JSON.writeValueAsString(root);
    }

    /**
     * @param ptr where this subschema sits, as an unescaped JSON pointer
     * @param depth how deep it is
     * @param optional whether a value may be left out here, so recursion through it can end
     */
    private JsonNode schema(String ptr, int depth, boolean optional) {
        open.addLast(ptr);
        try {
            JsonNode s = build(ptr, depth, optional);
            finished.add(ptr);
            return s;
        } finally {
            open.removeLast();
        }
    }

    private JsonNode build(String ptr, int depth, boolean optional) {
        budget--;
        boolean leaf = budget <= 0 || depth >= 6;
        int roll = random.nextInt(100);
        if (!leaf && roll < 18) {
            return object(ptr, depth);
        }
        if (!leaf && roll < 32) {
            return array(ptr, depth);
        }
        if (!leaf && roll < 42) {
            return combinator(ptr, depth, optional);
        }
        if (roll < 52 && (!finished.isEmpty() || optional && open.size() > 1)) {
            return reference(optional);
        }
        if (roll < 55) {
            boolean anything = chance(0.85);
            if (dialect == Dialect.DRAFT_04) { // no boolean schemas before draft-06
                ObjectNode s = NODES.objectNode();
                return anything ? s : s.set("not", NODES.objectNode());
            }
            return NODES.booleanNode(anything);
        }
        if (roll < 57) {
            ObjectNode any = NODES.objectNode();
            if (chance(0.6)) {
                any.put("description", "anything " + pick(STRINGS));
            }
            return any;
        }
        return scalar();
    }

    private ObjectNode object(String ptr, int depth) {
        ObjectNode s = NODES.objectNode();
        if (chance(0.85)) {
            s.put("type", "object");
        }
        if (chance(0.2)) {
            s.put("title", pick(STRINGS));
        }
        Set<String> names = new LinkedHashSet<>();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            names.add(chance(0.6) ? NAMES[random.nextInt(10)] : pick(NAMES));
        }
        List<String> required = new ArrayList<>();
        for (String name : names) {
            if (chance(0.55)) {
                required.add(name);
            }
        }
        if (chance(0.05)) {
            required.add("undeclared"); // required without a schema: any value
        }
        if (!names.isEmpty() || chance(0.3)) {
            ObjectNode props = s.putObject("properties");
            for (String name : names) {
                props.set(name, schema(child(child(ptr, "properties"), name), depth + 1, !required.contains(name)));
            }
        }
        if (!required.isEmpty()) { // draft-04 forbids an empty list
            ArrayNode r = s.putArray("required");
            required.forEach(r::add);
        }
        int ap = random.nextInt(10);
        if (ap < 3) {
            s.put("additionalProperties", false);
        } else if (ap < 4) {
            s.put("additionalProperties", true);
        } else if (ap < 5) {
            s.set("additionalProperties", schema(ptr + "/additionalProperties", depth + 1, true));
        }
        if (chance(0.08)) {
            s.put("minProperties", random.nextInt(3));
        }
        if (chance(0.08)) {
            s.put("maxProperties", random.nextInt(4));
        }
        if (chance(0.03)) {
            s.putObject("patternProperties").set("^x-", scalar());
        }
        if (chance(0.03)) {
            s.putObject("propertyNames").put("maxLength", 8);
        }
        return s;
    }

    private ObjectNode array(String ptr, int depth) {
        ObjectNode s = NODES.objectNode();
        if (chance(0.85)) {
            s.put("type", "array");
        }
        int min = chance(0.4) ? random.nextInt(4) : -1;
        boolean tuple = chance(0.3);
        if (tuple) {
            int n = 1 + random.nextInt(3);
            boolean oldTuple = dialect.legacy() || dialect == Dialect.DRAFT_2019_09;
            String key = oldTuple ? "items" : "prefixItems";
            ArrayNode list = s.putArray(key);
            for (int i = 0; i < n; i++) {
                list.add(schema(child(child(ptr, key), Integer.toString(i)), depth + 1, i >= Math.max(min, 0)));
            }
            String restKey = oldTuple ? "additionalItems" : "items";
            int rest = random.nextInt(3);
            if (rest == 0) {
                s.put(restKey, false);
            } else if (rest == 1) {
                s.set(restKey, schema(ptr + "/" + restKey, depth + 1, true));
            }
        } else if (chance(0.9)) {
            s.set("items", schema(ptr + "/items", depth + 1, min <= 0));
        }
        if (min >= 0) {
            s.put("minItems", min);
        }
        if (chance(0.35)) {
            s.put("maxItems", chance(0.25) ? 0 : Math.max(min, 0) + random.nextInt(4));
        }
        if (chance(0.08)) {
            s.put("uniqueItems", chance(0.7));
        }
        if (chance(0.03)) {
            s.set("contains", scalar());
        }
        if (chance(0.01)) {
            s.put("minItems", 5000); // above the grammar's repeat limit: loosened, left to the validator
        }
        return s;
    }

    private JsonNode combinator(String ptr, int depth, boolean optional) {
        String keyword = pick(new String[] {"anyOf", "anyOf", "oneOf", "allOf", "allOf"});
        ObjectNode s = NODES.objectNode();
        if (chance(0.15)) {
            s.put("description", "one of several");
        }
        int n = 1 + random.nextInt(3);
        ArrayNode list = s.putArray(keyword);
        for (int i = 0; i < n; i++) {
            list.add(schema(child(child(ptr, keyword), Integer.toString(i)), depth + 1, optional || !keyword.equals("allOf") && i > 0));
        }
        if (chance(0.15)) {
            // Keywords beside a combinator apply too: a type or a bound the branches must share.
            s.put("type", pick(new String[] {"object", "string", "integer", "array"}));
        }
        if (chance(0.03)) {
            s.set("not", scalar());
        }
        return s;
    }

    private JsonNode reference(boolean optional) {
        String target;
        List<String> ancestors = new ArrayList<>(open);
        ancestors.remove(ancestors.size() - 1); // the schema being built is this reference itself
        if (optional && !ancestors.isEmpty() && (finished.isEmpty() || chance(0.3))) {
            target = ancestors.get(random.nextInt(ancestors.size())); // recursion through an optional place
        } else if (!finished.isEmpty()) {
            target = finished.get(random.nextInt(finished.size()));
        } else {
            return scalar();
        }
        ObjectNode s = NODES.objectNode();
        String encoded = encodePointer(target);
        if (base != null && chance(0.5)) {
            s.put("$ref", base + "#" + encoded);
        } else {
            s.put("$ref", "#" + encoded);
        }
        if (chance(0.1)) {
            s.put("description", "a reference");
        }
        if (!dialect.legacy() && chance(0.05)) {
            s.put("type", pick(new String[] {"string", "object", "integer"}));
        }
        return s;
    }

    /** @return the pointer to a member of the schema at {@code ptr}, the name escaped as JSON Pointer requires */
    private static String child(String ptr, String name) {
        return ptr + "/" + name.replace("~", "~0").replace("/", "~1");
    }

    /** A JSON pointer (its tokens already escaped) as a URI fragment: anything unsafe percent-encoded. */
    static String encodePointer(String ptr) {
        if (ptr.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (String token : ptr.substring(1).split("/", -1)) {
            b.append('/').append(URLEncoder.encode(token, StandardCharsets.UTF_8).replace("+", "%20")
                    .replace("%24", "$").replace("%7E", "~"));
        }
        return b.toString();
    }

    private JsonNode scalar() {
        int roll = random.nextInt(100);
        if (roll < 28) {
            return string();
        }
        if (roll < 44) {
            return integer();
        }
        if (roll < 56) {
            return number();
        }
        if (roll < 62) {
            return NODES.objectNode().put("type", "boolean");
        }
        if (roll < 66) {
            return NODES.objectNode().put("type", "null");
        }
        if (roll < 78) {
            ObjectNode s = NODES.objectNode();
            ArrayNode values = s.putArray("enum");
            int n = 1 + random.nextInt(5);
            Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < n; i++) {
                JsonNode v = value(0);
                // enum values must differ, and 3 equals 3.0 in JSON Schema
                if (seen.add(v.isNumber() ? v.decimalValue().stripTrailingZeros().toPlainString() : v.toString())) {
                    values.add(v);
                }
            }
            if (chance(0.3)) {
                s.put("type", "string");
            }
            return s;
        }
        if (roll < 86) {
            ObjectNode s = NODES.objectNode();
            if (dialect == Dialect.DRAFT_04) {
                s.putArray("enum").add(value(0)); // draft-04 has no const
            } else {
                s.set("const", value(0));
            }
            return s;
        }
        ObjectNode s = chance(0.5) ? string() : integer();
        ArrayNode types = NODES.arrayNode().add(s.get("type").asString());
        types.add(pick(new String[] {"null", "boolean", "number", "array"}));
        s.set("type", types);
        return s;
    }

    private ObjectNode string() {
        ObjectNode s = NODES.objectNode().put("type", "string");
        if (chance(0.3)) {
            s.put("minLength", random.nextInt(5));
        }
        if (chance(0.3)) {
            s.put("maxLength", random.nextInt(8));
        }
        if (chance(0.3)) {
            s.put("pattern", chance(0.04) ? pick(UNSUPPORTED_REGEX) : regex());
        }
        if (chance(0.15)) {
            s.put("format", pick(FORMATS));
        }
        return s;
    }

    private ObjectNode integer() {
        ObjectNode s = NODES.objectNode().put("type", "integer");
        long[] bounds = {0, 1, -1, 5, 10, -10, 99, 100, 255, 1000, -1000, 65535, 1_000_000_007L, -2_147_483_648L,
            999_999_999_999_999_999L, Long.MAX_VALUE};
        if (chance(0.5)) {
            long min = bounds[random.nextInt(bounds.length)];
            s.put("minimum", min);
            if (chance(0.25)) {
                exclusive(s, "Minimum", min);
            }
        }
        if (chance(0.5)) {
            long max = bounds[random.nextInt(bounds.length)];
            if (s.has("minimum") && chance(0.8)) {
                max = Math.max(max, s.get("minimum").longValue());
            }
            s.put("maximum", max);
            if (chance(0.25)) {
                exclusive(s, "Maximum", max);
            }
        }
        if (chance(0.05)) {
            s.put("minimum", new BigDecimal("1e25"));
        }
        if (chance(0.08)) {
            s.put("multipleOf", pick(new int[] {1, 2, 5}));
        }
        return s;
    }

    private void exclusive(ObjectNode s, String which, long bound) {
        if (dialect == Dialect.DRAFT_04) {
            s.put("exclusive" + which, true);
        } else {
            s.remove(which.toLowerCase(java.util.Locale.ROOT));
            s.put("exclusive" + which, bound);
        }
    }

    private ObjectNode number() {
        ObjectNode s = NODES.objectNode().put("type", "number");
        String[] bounds = {"0", "1", "-1", "0.5", "-2.25", "100", "1e3", "0.001", "-0.5", "3.14159", "1e-7", "42"};
        BigDecimal min = null;
        if (chance(0.5)) {
            min = new BigDecimal(pick(bounds));
            s.put("minimum", min);
            if (chance(0.25)) {
                if (dialect == Dialect.DRAFT_04) {
                    s.put("exclusiveMinimum", true);
                } else {
                    s.remove("minimum");
                    s.put("exclusiveMinimum", min);
                }
            }
        }
        if (chance(0.5)) {
            BigDecimal max = new BigDecimal(pick(bounds));
            if (min != null && chance(0.8)) {
                max = max.max(min);
            }
            s.put("maximum", max);
            if (chance(0.25)) {
                if (dialect == Dialect.DRAFT_04) {
                    s.put("exclusiveMaximum", true);
                } else {
                    s.remove("maximum");
                    s.put("exclusiveMaximum", max);
                }
            }
        }
        if (chance(0.05)) {
            s.put("multipleOf", new BigDecimal("0.25"));
        }
        return s;
    }

    private JsonNode value(int depth) {
        int roll = random.nextInt(100);
        if (roll < 50) {
            return NODES.stringNode(pick(STRINGS));
        }
        if (roll < 62) {
            return NODES.numberNode(random.nextInt(2001) - 1000);
        }
        if (roll < 70) {
            return NODES.numberNode(new BigDecimal(pick(new String[] {"0.5", "-1.25", "3.0", "1e2", "1E-3", "123.456"})));
        }
        if (roll < 76) {
            return NODES.booleanNode(chance(0.5));
        }
        if (roll < 82) {
            return NODES.nullNode();
        }
        if (roll < 91 && depth < 2) {
            ArrayNode a = NODES.arrayNode();
            int n = random.nextInt(3);
            for (int i = 0; i < n; i++) {
                a.add(value(depth + 1));
            }
            return a;
        }
        if (depth < 2) {
            ObjectNode o = NODES.objectNode();
            int n = random.nextInt(3);
            for (int i = 0; i < n; i++) {
                o.set(pick(NAMES), value(depth + 1));
            }
            return o;
        }
        return NODES.stringNode(pick(STRINGS));
    }

    /** A regular expression of the kinds a grammar can express: literals, classes, groups, alternation, counts. */
    String regex() {
        StringBuilder b = new StringBuilder();
        if (chance(0.7)) {
            b.append('^');
        }
        alternation(b, 0);
        if (chance(0.7)) {
            b.append('$');
        }
        return b.toString();
    }

    private void alternation(StringBuilder b, int depth) {
        int branches = chance(0.25) ? 2 + random.nextInt(2) : 1;
        for (int i = 0; i < branches; i++) {
            if (i > 0) {
                b.append('|');
            }
            int terms = 1 + random.nextInt(4);
            for (int t = 0; t < terms; t++) {
                int roll = random.nextInt(100);
                if (roll < 40) {
                    b.append(pick(LITERALS));
                } else if (roll < 80 || depth >= 2) {
                    b.append(pick(CLASSES));
                } else {
                    b.append(chance(0.5) ? "(" : "(?:");
                    alternation(b, depth + 1);
                    b.append(')');
                }
                quantifier(b);
            }
        }
    }

    private void quantifier(StringBuilder b) {
        int roll = random.nextInt(100);
        if (roll < 55) {
            return;
        }
        if (roll < 65) {
            b.append('?');
        } else if (roll < 73) {
            b.append('*');
        } else if (roll < 81) {
            b.append('+');
        } else if (roll < 89) {
            b.append('{').append(random.nextInt(4)).append('}');
        } else if (roll < 96) {
            int lo = random.nextInt(3);
            b.append('{').append(lo).append(',').append(lo + random.nextInt(5)).append('}');
        } else {
            b.append('{').append(random.nextInt(3)).append(",}");
        }
        if (chance(0.1)) {
            b.append('?'); // lazy: same language
        }
    }

    private boolean chance(double p) {
        return random.nextDouble() < p;
    }

    private <T> T pick(T[] options) {
        return options[random.nextInt(options.length)];
    }

    private int pick(int[] options) {
        return options[random.nextInt(options.length)];
    }
}
