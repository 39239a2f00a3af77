package io.github.localllm.schema;

import io.github.localllm.InvalidRequestException;
import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Rewrites {@code allOf} as one schema, so that the grammar can enforce the intersection: types
 * and enums intersect, bounds tighten, properties and required names combine (with each part's
 * {@code additionalProperties} applied to the properties only the other parts declare), and an
 * {@code anyOf} or {@code oneOf} inside is distributed over the rest. What two parts say that no
 * single keyword can hold (two different patterns, two {@code not}s) keeps the first in the
 * grammar and is reported as checked after generation.
 */
final class SchemaMerger {
    /** A synthetic keyword for "no value", carrying the reason; it never leaves the converter. */
    static final String NEVER = "$localllm-never";
    /** Distributing anyOf over allOf multiplies alternatives; beyond this the schema is refused. */
    static final int MAX_ALTERNATIVES = 256;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "default", "examples", "$comment",
            "$schema", "$id", "id", "$anchor", "$dynamicAnchor", "$defs", "definitions", "deprecated", "readOnly",
            "writeOnly", "$vocabulary");
    private static final Set<String> MINIMA = Set.of("minLength", "minItems", "minProperties", "minContains",
            "minimum", "exclusiveMinimum");
    private static final Set<String> MAXIMA = Set.of("maxLength", "maxItems", "maxProperties", "maxContains",
            "maximum", "exclusiveMaximum");

    private final SchemaIndex index;
    private final boolean legacyRefs;
    private final Consumer<String> checkedAfter;
    private final List<String> inlining = new ArrayList<>();

    SchemaMerger(SchemaIndex index, boolean legacyRefs, Consumer<String> checkedAfter) {
        this.index = index;
        this.legacyRefs = legacyRefs;
        this.checkedAfter = checkedAfter;
    }

    static boolean isAnnotation(String keyword) {
        return ANNOTATIONS.contains(keyword);
    }

    /**
     * @param schema a schema with {@code allOf}, or with {@code $ref}, {@code anyOf} or {@code oneOf}
     *     beside other assertions
     * @return an equivalent schema with none of those at its top level but possibly one {@code anyOf}
     */
    JsonNode flatten(JsonNode schema, URI base, String path) {
        List<JsonNode> parts = new ArrayList<>();
        collect(schema, base, path, parts);
        ObjectNode merged = NODES.objectNode();
        List<JsonNode> alternatives = null;
        String alternativesKeyword = null;
        for (JsonNode part : parts) {
            if (part.has(NEVER)) {
                return part;
            }
            for (String combinator : new String[] {"anyOf", "oneOf"}) {
                JsonNode options = part.get(combinator);
                if (options == null) {
                    continue;
                }
                if (alternatives == null) {
                    alternatives = new ArrayList<>();
                    options.values().forEach(alternatives::add);
                    alternativesKeyword = combinator;
                } else {
                    List<JsonNode> crossed = new ArrayList<>();
                    for (JsonNode a : alternatives) {
                        for (JsonNode b : options.values()) {
                            crossed.add(NODES.objectNode().set("allOf", NODES.arrayNode().add(a).add(b)));
                        }
                    }
                    alternatives = crossed;
                }
                if ("oneOf".equals(combinator)) {
                    checkedAfter.accept(path + ".oneOf");
                }
                if (alternatives.size() > MAX_ALTERNATIVES) {
                    throw new InvalidRequestException("the JSON schema at " + path + " combines allOf with anyOf/oneOf"
                            + " into more than " + MAX_ALTERNATIVES + " alternatives; simplify the combination");
                }
            }
            mergeInto(merged, part, path);
            if (merged.has(NEVER)) {
                return merged;
            }
        }
        if (alternatives == null) {
            return merged;
        }
        ArrayNode distributed = NODES.arrayNode();
        for (JsonNode alternative : alternatives) {
            distributed.add(NODES.objectNode().set("allOf", NODES.arrayNode().add(merged).add(alternative)));
        }
        ObjectNode result = NODES.objectNode();
        result.set(alternativesKeyword.equals("oneOf") ? "anyOf" : alternativesKeyword, distributed);
        return result;
    }

    /** Lists the conjuncts of a schema: its own assertions, then what its allOf and $ref add. */
    private void collect(JsonNode schema, URI base, String path, List<JsonNode> into) {
        if (schema.isBoolean()) {
            if (!schema.booleanValue()) {
                into.add(never("the schema at " + path + " is false"));
            }
            return;
        }
        ObjectNode own = NODES.objectNode();
        for (Map.Entry<String, JsonNode> e : schema.properties()) {
            String k = e.getKey();
            if (!k.equals("allOf") && !k.equals("$ref") && !ANNOTATIONS.contains(k)) {
                // anyOf and oneOf stay in the part: flatten() distributes them over the rest.
                own.set(k, e.getValue());
            }
        }
        JsonNode ref = schema.get("$ref");
        if (ref != null && legacyRefs) {
            own.removeAll(); // draft-07 and earlier ignore everything beside $ref
        }
        into.add(normalize(own, path));
        JsonNode allOf = schema.get("allOf");
        if (allOf != null && (!legacyRefs || ref == null)) {
            for (int i = 0; i < allOf.size(); i++) {
                collect(allOf.get(i), base, path + ".allOf[" + i + "]", into);
            }
        }
        if (ref != null) {
            if (!ref.isString()) {
                throw new InvalidRequestException("invalid JSON schema at " + path + ".$ref: must be a string such as"
                        + " \"#/$defs/name\"");
            }
            SchemaIndex.Target target = index.resolve(ref.asString(), base, path + ".$ref");
            String key = target.path() + "@" + System.identityHashCode(target.node());
            if (inlining.contains(key)) {
                throw new InvalidRequestException("the JSON schema at " + path + " combines $ref \"" + ref.asString()
                        + "\" with other keywords, and the reference leads back to itself through allOf alone;"
                        + " put the recursion inside a property or array item");
            }
            inlining.add(key);
            try {
                collect(target.node(), target.base(), target.path(), into);
            } finally {
                inlining.remove(inlining.size() - 1);
            }
        }
    }

    /** Puts a schema's keywords in one form: const as enum, draft-04 exclusive bounds, tuple items as prefixItems. */
    private static ObjectNode normalize(ObjectNode s, String path) {
        if (s.has("const")) {
            JsonNode c = s.remove("const");
            ArrayNode values = NODES.arrayNode().add(c);
            s.set("enum", s.has("enum") ? intersect(values, s.get("enum")) : values);
        }
        for (String[] pair : new String[][] {{"exclusiveMinimum", "minimum"}, {"exclusiveMaximum", "maximum"}}) {
            JsonNode flag = s.get(pair[0]);
            if (flag != null && flag.isBoolean()) {
                s.remove(pair[0]);
                if (flag.booleanValue() && s.has(pair[1])) {
                    s.set(pair[0], s.remove(pair[1]));
                }
            }
        }
        JsonNode items = s.get("items");
        if (items != null && items.isArray()) {
            s.set("prefixItems", items);
            s.remove("items");
            JsonNode additional = s.remove("additionalItems");
            if (additional != null) {
                s.set("items", additional);
            }
        }
        return s;
    }

    private void mergeInto(ObjectNode merged, JsonNode part, String path) {
        for (Map.Entry<String, JsonNode> e : part.properties()) {
            String k = e.getKey();
            if (k.equals("anyOf") || k.equals("oneOf")) {
                continue;
            }
            JsonNode v = e.getValue();
            JsonNode old = merged.get(k);
            if (old == null) {
                if (!k.equals("additionalProperties") && !k.equals("items")) {
                    merged.set(k, v);
                }
                continue;
            }
            switch (k) {
                case "type" -> {
                    Set<String> types = types(old);
                    types.retainAll(types(v));
                    Set<String> numbers = types(v);
                    if (types(old).contains("integer") && numbers.contains("number")
                            || types(old).contains("number") && numbers.contains("integer")) {
                        types.add("integer");
                    }
                    if (types.isEmpty()) {
                        merged.set(NEVER, NODES.stringNode("allOf at " + path + " asks for types " + old + " and "
                                + v + " at once"));
                        return;
                    }
                    ArrayNode list = NODES.arrayNode();
                    types.forEach(list::add);
                    merged.set("type", list);
                }
                case "enum" -> {
                    ArrayNode both = intersect(old, v);
                    if (both.isEmpty()) {
                        merged.set(NEVER, NODES.stringNode("allOf at " + path + " allows no value in common between"
                                + " its enum/const lists"));
                        return;
                    }
                    merged.set("enum", both);
                }
                case "required" -> {
                    Set<String> names = new LinkedHashSet<>();
                    old.values().forEach(n -> names.add(n.asString()));
                    v.values().forEach(n -> names.add(n.asString()));
                    ArrayNode list = NODES.arrayNode();
                    names.forEach(list::add);
                    merged.set("required", list);
                }
                case "properties", "patternProperties", "dependentSchemas" -> {
                    ObjectNode combined = ((ObjectNode) old).deepCopy();
                    for (Map.Entry<String, JsonNode> p : v.properties()) {
                        JsonNode mine = combined.get(p.getKey());
                        combined.set(p.getKey(), mine == null ? p.getValue() : both(mine, p.getValue()));
                    }
                    merged.set(k, combined);
                }
                case "prefixItems" -> {
                    ArrayNode combined = NODES.arrayNode();
                    for (int i = 0; i < Math.max(old.size(), v.size()); i++) {
                        combined.add(i < old.size() && i < v.size() ? both(old.get(i), v.get(i))
                                : i < old.size() ? old.get(i) : v.get(i));
                    }
                    merged.set(k, combined);
                }
                case "uniqueItems" -> merged.put(k, old.asBoolean() || v.asBoolean());
                case "additionalProperties", "items" -> {
                }
                default -> {
                    if (MINIMA.contains(k) && old.isNumber() && v.isNumber()) {
                        merged.set(k, old.decimalValue().compareTo(v.decimalValue()) >= 0 ? old : v);
                    } else if (MAXIMA.contains(k) && old.isNumber() && v.isNumber()) {
                        merged.set(k, old.decimalValue().compareTo(v.decimalValue()) <= 0 ? old : v);
                    } else if (!sameValue(old, v)) {
                        // Two patterns, formats, nots...: no single keyword holds both; the validator checks the second.
                        checkedAfter.accept(path + ".allOf." + k);
                    }
                }
            }
        }
        applyOpenEnded(merged, part, "properties", "additionalProperties");
        applyOpenEnded(merged, part, "prefixItems", "items");
    }

    /**
     * An {@code additionalProperties} (or {@code items} after a prefix) constrains what its own part
     * does not declare, including what the other parts declare; both directions are applied here.
     */
    private static void applyOpenEnded(ObjectNode merged, JsonNode part, String declared, String rest) {
        JsonNode partRest = part.get(rest);
        JsonNode mergedRest = merged.get(rest);
        JsonNode partDeclared = part.get(declared);
        JsonNode mergedDeclared = merged.get(declared);
        if (mergedDeclared != null && partRest != null) {
            if (mergedDeclared.isObject()) {
                ObjectNode props = ((ObjectNode) mergedDeclared).deepCopy();
                for (String name : mergedDeclared.propertyNames()) {
                    if (partDeclared == null || !partDeclared.has(name)) {
                        props.set(name, both(props.get(name), partRest));
                    }
                }
                merged.set(declared, props);
            } else if (mergedDeclared.isArray()) {
                ArrayNode items = NODES.arrayNode();
                int own = partDeclared == null ? 0 : partDeclared.size();
                for (int i = 0; i < mergedDeclared.size(); i++) {
                    items.add(i < own ? mergedDeclared.get(i) : both(mergedDeclared.get(i), partRest));
                }
                merged.set(declared, items);
            }
        }
        if (partRest != null) {
            merged.set(rest, mergedRest == null ? partRest : both(mergedRest, partRest));
        }
    }

    private static JsonNode both(JsonNode a, JsonNode b) {
        if (a.isBoolean() && a.booleanValue()) {
            return b;
        }
        if (b.isBoolean() && b.booleanValue()) {
            return a;
        }
        return NODES.objectNode().set("allOf", NODES.arrayNode().add(a).add(b));
    }

    static Set<String> types(JsonNode type) {
        Set<String> out = new LinkedHashSet<>();
        if (type.isString()) {
            out.add(type.asString());
        } else {
            type.values().forEach(t -> out.add(t.asString()));
        }
        return out;
    }

    private static ArrayNode intersect(JsonNode a, JsonNode b) {
        ArrayNode out = NODES.arrayNode();
        for (JsonNode x : a.values()) {
            for (JsonNode y : b.values()) {
                if (sameValue(x, y)) {
                    out.add(x);
                    break;
                }
            }
        }
        return out;
    }

    /** JSON equality, where 1 and 1.0 are the same number. */
    static boolean sameValue(JsonNode x, JsonNode y) {
        if (x.isNumber() && y.isNumber()) {
            BigDecimal a = x.decimalValue();
            BigDecimal b = y.decimalValue();
            return a.compareTo(b) == 0;
        }
        return x.equals(y);
    }

    static ObjectNode never(String reason) {
        return NODES.objectNode().put(NEVER, reason);
    }
}
