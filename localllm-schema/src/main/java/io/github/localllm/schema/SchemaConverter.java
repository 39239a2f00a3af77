package io.github.localllm.schema;

import io.github.localllm.InvalidRequestException;
import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Converts a JSON Schema into a GBNF grammar whose language is the JSON texts that match it.
 *
 * <p>Choices a grammar forces, and how this converter makes them:
 * <ul>
 * <li>Properties come in the order the schema declares them, required or not, then any
 *     additional ones; the grammar picks one order because a model writes one.</li>
 * <li>A schema without {@code type} whose keywords all belong to one kind of value (say
 *     {@code properties}) produces that kind only, as users mean; one without such keywords
 *     allows any value.</li>
 * <li>Numbers are written plainly: integers up to 18 digits (every one fits a {@code long}), up to 16 fraction digits, and an
 *     exponent only where no bound applies. Strings escape only what JSON requires.</li>
 * <li>The formats date, time, date-time, uuid and ipv4 are written in one form: times without
 *     leap seconds, with fractions of a second of three digits and upper-case {@code T} and
 *     {@code Z} (see {@link Formats}).</li>
 * <li>Remote schemas are never fetched, metaschemas included: a {@code $schema} naming a custom
 *     metaschema is read as 2020-12 with every vocabulary, as the validator reads it.</li>
 * <li>What no grammar can hold (uniqueness, {@code multipleOf}, {@code not}, bounds on
 *     fractional numbers, overlapping {@code oneOf} branches...) is left to the validator and
 *     reported by {@link Conversion#checkedAfterGeneration()}.</li>
 * </ul>
 */
final class SchemaConverter {
    /** @param gbnf the grammar @param checkedAfterGeneration keyword paths the grammar does not enforce */
    record Conversion(String gbnf, List<String> checkedAfterGeneration) {
    }

    /** Schema visits before a schema counts as too complex (allOf distribution multiplies them). */
    static final int MAX_VISITS = 100_000;
    /**
     * Merges nested in merges without a property or item in between; only a schema whose
     * references loop back through allOf or sibling keywords alone gets this deep.
     */
    static final int MAX_MERGE_DEPTH = 32;
    /** Longer length and count limits are loosened to "or more" and left to the validator. */
    static final int MAX_REPEAT = RegexConverter.MAX_REPEAT;

    private static final Set<String> OBJECT_KEYWORDS = Set.of("properties", "required", "additionalProperties",
            "patternProperties", "minProperties", "maxProperties", "propertyNames", "dependentRequired",
            "dependentSchemas", "dependencies", "unevaluatedProperties");
    private static final Set<String> ARRAY_KEYWORDS = Set.of("items", "prefixItems", "additionalItems", "minItems",
            "maxItems", "uniqueItems", "contains", "minContains", "maxContains", "unevaluatedItems");
    private static final Set<String> STRING_KEYWORDS = Set.of("minLength", "maxLength", "pattern", "format");
    private static final Set<String> NUMBER_KEYWORDS = Set.of("minimum", "maximum", "exclusiveMinimum",
            "exclusiveMaximum", "multipleOf");
    /** Assertions no grammar expresses; the validator alone enforces them. */
    private static final Set<String> VALIDATOR_ONLY = Set.of("contains", "minContains", "maxContains", "not", "if",
            "then", "else", "dependentRequired", "dependentSchemas", "dependencies", "propertyNames",
            "unevaluatedItems", "patternProperties", "multipleOf");

    private final SchemaIndex index;
    private final SchemaMerger merger;
    private final boolean legacyRefs;
    private final GrammarBuilder rules = new GrammarBuilder();
    private final Set<String> checkedAfter = new LinkedHashSet<>();
    /** The rule made for a schema of the document, by identity, so that recursion becomes recursive rules. */
    private final Map<JsonNode, String> refRules = new IdentityHashMap<>();
    private int visits;
    private final ScalarRules scalars = new ScalarRules(this);
    private int mergeDepth;
    /** Where the current chain of merges began, for a message that names the schema, not the loop's path. */
    private String mergeOrigin;

    private SchemaConverter(JsonNode root, String dialect) {
        this.legacyRefs = dialect.contains("draft-04") || dialect.contains("draft-06") || dialect.contains("draft-07");
        this.index = new SchemaIndex(root, dialect.contains("draft-04"), legacyRefs);
        this.merger = new SchemaMerger(index, legacyRefs, checkedAfter::add);
    }

    /**
     * @param root a parsed schema
     * @return its grammar
     * @throws InvalidRequestException naming the keyword and its place, if the schema is malformed,
     *     refers outside itself, can match no value, loops without end, or cannot be enforced
     */
    static Conversion convert(JsonNode root) {
        SchemaShapes.check(root, "$");
        JsonNode dialect = root.isObject() ? root.get("$schema") : null;
        SchemaConverter c = new SchemaConverter(root, dialect != null && dialect.isString() ? dialect.asString() : "");
        new JsonGrammar(c.rules).defineShared();
        String rootRule = c.rules.reserve("root", "$");
        c.rules.define(rootRule, c.visit(root, c.index.baseOf(root), "$"));
        return new Conversion(c.rules.finish(rootRule), List.copyOf(c.checkedAfter));
    }

    private Expr visit(JsonNode schema, URI base, String path) {
        if (++visits > MAX_VISITS) {
            throw new InvalidRequestException("the JSON schema is too complex to convert (more than " + MAX_VISITS
                    + " subschemas after expanding allOf and $ref, near " + path + "); simplify it");
        }
        String memo = refRules.get(schema);
        return memo != null ? Expr.ref(memo) : visitUncached(schema, base, path);
    }

    private Expr visitUncached(JsonNode schema, URI base, String path) {
        if (schema.isBoolean()) {
            return schema.booleanValue() ? JsonGrammar.VALUE : new Expr.Never("the schema at " + path + " is false");
        }
        if (schema.has(SchemaMerger.NEVER)) {
            return new Expr.Never(schema.get(SchemaMerger.NEVER).asString());
        }
        URI here = index.baseOf(schema, base);
        List<Reference> refs = references(schema);
        boolean assertions = false;
        boolean combinators = false;
        for (String k : schema.propertyNames()) {
            if (k.equals("anyOf") || k.equals("oneOf")) {
                combinators = true;
            } else if (!SchemaMerger.isAnnotation(k) && !SchemaMerger.REFERENCES.contains(k)) {
                assertions = true;
            }
        }
        if (refs.size() == 1 && (legacyRefs || !assertions && !combinators)) {
            return reference(refs.get(0), here, path);
        }
        // unevaluatedProperties depends on what the in-place applicators beside it evaluate; flatten() reads it.
        boolean unevaluated = !legacyRefs && schema.has("unevaluatedProperties");
        if (schema.has("allOf") || !refs.isEmpty() || combinators && assertions || unevaluated) {
            if (index.inDocument(schema)) {
                // What this merges may refer back here through a property: give it a rule to return to.
                String name = rules.reserve(hint(path) + "-ref", "the schema at " + path);
                refRules.put(schema, name);
                rules.define(name, merged(schema, here, path));
                return Expr.ref(name);
            }
            return merged(schema, here, path);
        }
        if (combinators) {
            return alternatives(schema, here, path);
        }
        return typed(schema, here, path);
    }

    private Expr merged(JsonNode schema, URI here, String path) {
        if (mergeDepth == 0) {
            mergeOrigin = path;
        }
        if (++mergeDepth > MAX_MERGE_DEPTH) {
            throw new InvalidRequestException("the JSON schema at " + mergeOrigin + " refers back to itself through allOf,"
                    + " anyOf or keywords beside $ref alone, with no property or array item in between, so it never"
                    + " describes a value; put the recursion inside a property or array item");
        }
        try {
            return visit(merger.flatten(schema, here, path), here, path);
        } finally {
            mergeDepth--;
        }
    }

    /** Visits a property's or item's schema: a new level of the value, so merges above it no longer count. */
    Expr visitChild(JsonNode schema, URI base, String path) {
        int depth = mergeDepth;
        String origin = mergeOrigin;
        mergeDepth = 0;
        try {
            return visit(schema, base, path);
        } finally {
            mergeDepth = depth;
            mergeOrigin = origin;
        }
    }

    /** @param keyword {@code $ref}, {@code $dynamicRef} or {@code $recursiveRef} @param uri what it refers to */
    private record Reference(String keyword, String uri) {
    }

    /** The references a schema makes; draft-07 and earlier know only {@code $ref}. */
    private List<Reference> references(JsonNode schema) {
        List<Reference> refs = new ArrayList<>();
        for (String k : SchemaMerger.REFERENCES) {
            JsonNode ref = schema.get(k);
            if (ref != null && ref.isString() && (!legacyRefs || k.equals("$ref"))) {
                refs.add(new Reference(k, ref.asString()));
            }
        }
        return refs;
    }

    /** A rule per referenced schema, so that recursive schemas become recursive rules. */
    private Expr reference(Reference ref, URI base, String path) {
        SchemaIndex.Target target = index.resolve(ref.keyword(), ref.uri(), base, path + "." + ref.keyword());
        String name = refRules.get(target.node());
        if (name != null) {
            return Expr.ref(name);
        }
        String hint = ref.uri().substring(ref.uri().lastIndexOf('/') + 1);
        name = rules.reserve("ref-" + hint, ref.keyword() + " \"" + ref.uri() + "\" (at " + path + ")");
        refRules.put(target.node(), name);
        rules.define(name, visitUncached(target.node(), target.base(), target.path()));
        return Expr.ref(name);
    }

    private Expr alternatives(JsonNode schema, URI base, String path) {
        String keyword = schema.has("anyOf") ? "anyOf" : "oneOf";
        JsonNode branches = schema.get(keyword);
        List<Expr> options = new ArrayList<>();
        for (int i = 0; i < branches.size(); i++) {
            options.add(visit(branches.get(i), base, path + "." + keyword + "[" + i + "]"));
        }
        if (keyword.equals("oneOf") && !disjoint(branches, base)) {
            checkedAfter.add(path + ".oneOf");
        }
        if (schema.has("anyOf") && schema.has("oneOf")) {
            checkedAfter.add(path + ".oneOf");
        }
        Expr result = Expr.alt(options);
        return result instanceof Expr.Never ? new Expr.Never("no branch of " + keyword + " at " + path
                + " allows a value (" + ((Expr.Never) result).reason() + ")") : result;
    }

    /** True when the branches admit different kinds of value, so "exactly one" equals "at least one". */
    private boolean disjoint(JsonNode branches, URI base) {
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < branches.size(); i++) {
            JsonNode b = branches.get(i);
            List<Reference> refs = b.isObject() ? references(b) : List.of();
            if (refs.size() == 1 && b.size() == 1) {
                b = index.resolve(refs.get(0).keyword(), refs.get(0).uri(), index.baseOf(b, base), "oneOf").node();
            }
            JsonNode type = b.isObject() ? b.get("type") : null;
            if (type == null) {
                return false;
            }
            for (String t : SchemaMerger.types(type)) {
                String kind = t.equals("integer") ? "number" : t;
                if (!seen.add(kind)) {
                    return false;
                }
            }
        }
        return true;
    }

    private Expr typed(JsonNode schema, URI base, String path) {
        for (String k : schema.propertyNames()) {
            if (VALIDATOR_ONLY.contains(k)) {
                checkedAfter.add(path + "." + k);
            }
        }
        JsonNode uniqueItems = schema.get("uniqueItems");
        if (uniqueItems != null && uniqueItems.booleanValue()) {
            checkedAfter.add(path + ".uniqueItems");
        }
        Set<String> types = types(schema);
        if (schema.has("enum") || schema.has("const")) {
            return enumeration(schema, types, path);
        }
        if (types.size() == 7 && schema.propertyNames().stream().noneMatch(this::typeSpecific)) {
            return JsonGrammar.VALUE;
        }
        List<Expr> options = new ArrayList<>();
        for (String type : types) {
            switch (type) {
                case "null" -> options.add(Expr.ref("null"));
                case "boolean" -> options.add(Expr.ref("boolean"));
                case "integer" -> {
                    if (!types.contains("number")) {
                        options.add(scalars.integer(schema, path));
                    }
                }
                case "number" -> options.add(scalars.number(schema, path));
                case "string" -> options.add(scalars.string(schema, path));
                case "array" -> options.add(array(schema, base, path));
                case "object" -> options.add(object(schema, base, path));
                default -> throw new IllegalStateException("unchecked type " + type);
            }
        }
        return Expr.alt(options);
    }

    private boolean typeSpecific(String keyword) {
        return OBJECT_KEYWORDS.contains(keyword) || ARRAY_KEYWORDS.contains(keyword)
                || STRING_KEYWORDS.contains(keyword) || NUMBER_KEYWORDS.contains(keyword);
    }

    /** The declared types, or those the keywords imply, or all of them. */
    private Set<String> types(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type != null) {
            return SchemaMerger.types(type);
        }
        Set<String> implied = new LinkedHashSet<>();
        for (String k : schema.propertyNames()) {
            if (OBJECT_KEYWORDS.contains(k)) {
                implied.add("object");
            } else if (ARRAY_KEYWORDS.contains(k)) {
                implied.add("array");
            } else if (STRING_KEYWORDS.contains(k)) {
                implied.add("string");
            } else if (NUMBER_KEYWORDS.contains(k)) {
                implied.add("number");
            }
        }
        return implied.isEmpty() ? new LinkedHashSet<>(List.of("object", "array", "string", "number", "integer",
                "boolean", "null")) : implied;
    }

    private Expr enumeration(JsonNode schema, Set<String> types, String path) {
        List<JsonNode> values = new ArrayList<>();
        if (schema.has("enum")) {
            schema.get("enum").values().forEach(values::add);
        }
        if (schema.has("const")) {
            JsonNode c = schema.get("const");
            values = schema.has("enum") ? values.stream().filter(v -> SchemaMerger.sameValue(v, c)).toList()
                    : List.of(c);
        }
        for (String k : schema.propertyNames()) {
            if (typeSpecific(k)) {
                checkedAfter.add(path + (schema.has("enum") ? ".enum" : ".const"));
                break;
            }
        }
        List<Expr> options = new ArrayList<>();
        for (JsonNode v : values) {
            if (types.contains(kind(v)) || kind(v).equals("integer") && types.contains("number")) {
                options.add(Expr.seq(Expr.lit(SchemaDocument.MAPPER.writeValueAsString(v)), JsonGrammar.SPACE));
            }
        }
        return options.isEmpty() ? new Expr.Never("enum/const at " + path + " lists no value of the allowed types")
                : Expr.alt(options);
    }

    private static String kind(JsonNode v) {
        if (v.isNull()) {
            return "null";
        }
        if (v.isBoolean()) {
            return "boolean";
        }
        if (v.isNumber()) {
            return v.canConvertToExactIntegral() ? "integer" : "number";
        }
        return v.isString() ? "string" : v.isArray() ? "array" : "object";
    }

    /** A length or count keyword, loosened beyond {@link #MAX_REPEAT}. */
    private Integer count(JsonNode schema, String keyword, String path) {
        JsonNode v = schema.get(keyword);
        if (v == null) {
            return null;
        }
        BigDecimal n = v.decimalValue();
        if (n.compareTo(BigDecimal.valueOf(MAX_REPEAT)) > 0) {
            checkedAfter.add(path + "." + keyword);
            return keyword.startsWith("min") ? MAX_REPEAT : null;
        }
        return n.intValueExact();
    }

    private Expr array(JsonNode schema, URI base, String path) {
        List<Expr> prefix = new ArrayList<>();
        JsonNode items = schema.get("items");
        JsonNode rest;
        String restPath;
        if (schema.has("prefixItems") || items != null && items.isArray()) {
            String key = schema.has("prefixItems") ? "prefixItems" : "items";
            JsonNode list = schema.get(key);
            for (int i = 0; i < list.size(); i++) {
                prefix.add(visitChild(list.get(i), base, path + "." + key + "[" + i + "]"));
            }
            rest = key.equals("items") ? schema.get("additionalItems") : items;
            restPath = path + (key.equals("items") ? ".additionalItems" : ".items");
        } else {
            rest = items;
            restPath = path + ".items";
        }
        Expr item = rest == null ? JsonGrammar.VALUE : visitChild(rest, base, restPath);
        Integer minItems = count(schema, "minItems", path);
        Integer maxItems = count(schema, "maxItems", path);
        int min = minItems == null ? 0 : minItems;
        int max = maxItems == null ? Expr.Repeat.UNBOUNDED : maxItems;
        if (maxItems != null && max < min) {
            return new Expr.Never("an array at " + path + " of minItems " + min + " and maxItems " + max);
        }
        Expr first = prefix.isEmpty() ? item : prefix.get(0);
        Expr elements = Expr.seq(first, tail(1, prefix, item, min, max));
        if (min == 0 && max != 0) {
            elements = Expr.optional(elements);
        } else if (max == 0) {
            elements = Expr.EMPTY;
        }
        Expr body = Expr.seq(Expr.lit("["), JsonGrammar.SPACE, elements, Expr.lit("]"), JsonGrammar.SPACE);
        if (body instanceof Expr.Never) {
            return new Expr.Never("an array at " + path + " needs " + min + " items but "
                    + ((Expr.Never) body).reason());
        }
        return Expr.ref(rules.add(hint(path) + "-array", body, path));
    }

    /** Elements from index {@code i} on, each after a comma. */
    private static Expr tail(int i, List<Expr> prefix, Expr item, int min, int max) {
        if (max != Expr.Repeat.UNBOUNDED && i >= max) {
            return Expr.EMPTY;
        }
        Expr comma = Expr.seq(Expr.lit(","), JsonGrammar.SPACE);
        if (i >= prefix.size()) {
            return Expr.repeat(Expr.seq(comma, item), Math.max(0, min - i),
                    max == Expr.Repeat.UNBOUNDED ? Expr.Repeat.UNBOUNDED : max - i);
        }
        Expr next = Expr.seq(comma, prefix.get(i), tail(i + 1, prefix, item, min, max));
        return i < min ? next : Expr.optional(next);
    }

    private Expr object(JsonNode schema, URI base, String path) {
        return new ObjectRule(this, schema, base, path).build();
    }

    // Package-private helpers for ObjectRule, which shares the converter's state.

    void checkedAfter(String where) {
        checkedAfter.add(where);
    }

    /** Takes back a keyword listed as checked after generation that the grammar turned out to enforce. */
    void uncheck(String where) {
        checkedAfter.remove(where);
    }

    String addRule(String hint, Expr body, String origin) {
        return rules.add(hint, body, origin);
    }

    Integer countKeyword(JsonNode schema, String keyword, String path) {
        return count(schema, keyword, path);
    }

    /** A short rule name from a schema path: {@code $.properties.address.items} gives {@code address-items}. */
    static String hint(String path) {
        String h = path.replace("$defs.", "").replace("definitions.", "").replace("properties.", "")
                .replaceAll("\\[\\d+]", "").replace('.', '-').replace("$", "");
        h = h.replaceAll("^-+", "");
        if (h.length() > 30) {
            h = h.substring(h.length() - 30);
        }
        return h.isEmpty() ? "root" : h;
    }
}
