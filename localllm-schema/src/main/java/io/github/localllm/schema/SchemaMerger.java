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
 *
 * <p>Parts keep the schema nodes of the document (copies would lose the base URI their place
 * gives them), and an {@code unevaluatedProperties} is read before its schema joins the others,
 * because it sees only what its own schema evaluates.
 */
final class SchemaMerger {
    /** A synthetic keyword for "no value", carrying the reason; it never leaves the converter. */
    static final String NEVER = "$localllm-never";
    /** Distributing anyOf over allOf multiplies alternatives; beyond this the schema is refused. */
    static final int MAX_ALTERNATIVES = 256;
    /** The keywords that refer to another schema; draft-07 and earlier know only the first. */
    static final List<String> REFERENCES = List.of("$ref", "$dynamicRef", "$recursiveRef");

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

    /** Lists the conjuncts of a schema: its own assertions, then what its allOf and references add. */
    private void collect(JsonNode schema, URI base, String path, List<JsonNode> into) {
        if (schema.isBoolean()) {
            if (!schema.booleanValue()) {
                into.add(never("the schema at " + path + " is false"));
            }
            return;
        }
        URI here = index.baseOf(schema, base);
        if (!legacyRefs && schema.has("unevaluatedProperties")) {
            collectSealed(schema, here, path, into);
            return;
        }
        ObjectNode own = NODES.objectNode();
        for (Map.Entry<String, JsonNode> e : schema.properties()) {
            String k = e.getKey();
            if (!k.equals("allOf") && !REFERENCES.contains(k) && !ANNOTATIONS.contains(k)) {
                // anyOf and oneOf stay in the part: flatten() distributes them over the rest.
                own.set(k, e.getValue());
            }
        }
        boolean legacyRef = legacyRefs && schema.has("$ref");
        if (legacyRef) {
            own.removeAll(); // draft-07 and earlier ignore everything beside $ref
        }
        into.add(normalize(own, path));
        JsonNode allOf = schema.get("allOf");
        if (allOf != null && !legacyRef) {
            for (int i = 0; i < allOf.size(); i++) {
                collect(allOf.get(i), here, path + ".allOf[" + i + "]", into);
            }
        }
        for (String keyword : REFERENCES) {
            JsonNode ref = schema.get(keyword);
            if (ref != null && (!legacyRefs || keyword.equals("$ref"))) {
                collectReference(keyword, ref, here, path, into);
            }
        }
    }

    private void collectReference(String keyword, JsonNode ref, URI base, String path, List<JsonNode> into) {
        if (!ref.isString()) {
            throw new InvalidRequestException("invalid JSON schema at " + path + "." + keyword + ": must be a string"
                    + " such as \"#/$defs/name\"");
        }
        SchemaIndex.Target target = index.resolve(keyword, ref.asString(), base, path + "." + keyword);
        String key = target.path() + "@" + System.identityHashCode(target.node());
        if (inlining.contains(key)) {
            throw new InvalidRequestException("the JSON schema at " + path + " combines " + keyword + " \""
                    + ref.asString() + "\" with other keywords, and the reference leads back to itself through allOf"
                    + " alone; put the recursion inside a property or array item");
        }
        inlining.add(key);
        try {
            collect(target.node(), target.base(), target.path(), into);
        } finally {
            inlining.remove(inlining.size() - 1);
        }
    }

    /**
     * An {@code unevaluatedProperties} sees the names its own schema and that schema's allOf,
     * references and branches evaluate, but no sibling's or parent's. So the schema's parts are
     * collected without it, and it becomes an {@code additionalProperties} of a part of its own that
     * declares those names: merged with the siblings, it then applies to the names only they declare.
     * A name that only an anyOf, oneOf or conditional branch evaluates is allowed (whether that branch
     * matched is for the validator), as is every name once some part has additionalProperties.
     */
    private void collectSealed(JsonNode schema, URI base, String path, List<JsonNode> into) {
        ObjectNode rest = NODES.objectNode();
        schema.properties().forEach(e -> rest.set(e.getKey(), e.getValue()));
        JsonNode unevaluated = rest.remove("unevaluatedProperties");
        List<JsonNode> parts = new ArrayList<>();
        collect(rest, base, path, parts);
        into.addAll(parts);
        Evaluated evaluated = new Evaluated();
        for (JsonNode part : parts) {
            evaluate(part, base, false, evaluated, new ArrayList<>());
        }
        if (evaluated.everything) {
            return; // an additionalProperties left nothing unevaluated
        }
        if (evaluated.maybeEverything || !evaluated.sure.containsAll(evaluated.maybe)) {
            checkedAfter.accept(path + ".unevaluatedProperties");
        }
        if (evaluated.maybeEverything) {
            return;
        }
        ObjectNode seal = NODES.objectNode();
        ObjectNode names = NODES.objectNode();
        evaluated.sure.forEach(n -> names.put(n, true));
        evaluated.maybe.forEach(n -> names.put(n, true));
        seal.set("properties", names);
        if (!evaluated.patterns.isEmpty()) {
            ObjectNode patterns = NODES.objectNode();
            evaluated.patterns.forEach(n -> patterns.put(n, true));
            seal.set("patternProperties", patterns);
        }
        seal.set("additionalProperties", unevaluated);
        into.add(seal);
    }

    /** The property names a schema evaluates in place: those every match evaluates, and those only a branch does. */
    private static final class Evaluated {
        final Set<String> sure = new LinkedHashSet<>();
        final Set<String> maybe = new LinkedHashSet<>();
        /** patternProperties, which the validator checks anyway. */
        final Set<String> patterns = new LinkedHashSet<>();
        /** An additionalProperties (or unevaluatedProperties) evaluates every name. */
        boolean everything;
        boolean maybeEverything;
    }

    /** Follows allOf, references and, as conditional, anyOf, oneOf, if/then/else and dependentSchemas. */
    private void evaluate(JsonNode schema, URI base, boolean conditional, Evaluated into, List<JsonNode> seen) {
        if (!schema.isObject() || seen.stream().anyMatch(s -> s == schema)) {
            return;
        }
        seen.add(schema);
        URI here = index.baseOf(schema, base);
        if (schema.has("additionalProperties") || schema.has("unevaluatedProperties")) {
            if (conditional) {
                into.maybeEverything = true;
            } else {
                into.everything = true;
            }
        }
        JsonNode properties = schema.get("properties");
        if (properties != null && properties.isObject()) {
            properties.propertyNames().forEach((conditional ? into.maybe : into.sure)::add);
        }
        JsonNode patterns = schema.get("patternProperties");
        if (patterns != null && patterns.isObject()) {
            into.patterns.addAll(patterns.propertyNames());
        }
        for (Map.Entry<String, JsonNode> e : schema.properties()) {
            String k = e.getKey();
            JsonNode v = e.getValue();
            boolean branch = k.equals("anyOf") || k.equals("oneOf") || k.equals("if") || k.equals("then")
                    || k.equals("else") || k.equals("dependentSchemas");
            if (k.equals("allOf") || branch) {
                Iterable<JsonNode> subschemas = v.isArray() || k.equals("dependentSchemas") ? v.values() : List.of(v);
                for (JsonNode sub : subschemas) {
                    evaluate(sub, here, conditional || branch, into, seen);
                }
            } else if (REFERENCES.contains(k) && v.isString()) {
                SchemaIndex.Target target = index.resolve(k, v.asString(), here, k);
                evaluate(target.node(), target.base(), conditional, into, seen);
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
        JsonNode properties = merged.get("properties");
        JsonNode prefixItems = merged.get("prefixItems");
        boolean patterns = merged.has("patternProperties") || part.has("patternProperties");
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
                    ObjectNode combined = NODES.objectNode();
                    combined.setAll((ObjectNode) old);
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
        applyOpenEnded(merged, part, properties, patterns, "properties", "additionalProperties");
        applyOpenEnded(merged, part, prefixItems, false, "prefixItems", "items");
    }

    /**
     * An {@code additionalProperties} (or {@code items} after a prefix) constrains what its own part
     * does not declare: the names (or places) only the earlier parts declare, and those only this
     * part adds get the other side's. Beside patternProperties, which decide by name what is
     * additional, neither is applied; the grammar stays wider and the validator checks the patterns.
     *
     * @param before what the earlier parts declared
     * @param patterns whether any part so far has patternProperties
     */
    private static void applyOpenEnded(ObjectNode merged, JsonNode part, JsonNode before, boolean patterns,
                                       String declared, String rest) {
        JsonNode partRest = patterns ? null : part.get(rest);
        JsonNode beforeRest = patterns ? null : merged.get(rest);
        JsonNode partDeclared = part.get(declared);
        JsonNode all = merged.get(declared);
        if (all != null && all.isObject()) {
            ObjectNode props = NODES.objectNode();
            for (Map.Entry<String, JsonNode> p : all.properties()) {
                boolean mine = partDeclared != null && partDeclared.has(p.getKey());
                boolean earlier = before != null && before.has(p.getKey());
                props.set(p.getKey(), constrain(p.getValue(), mine ? null : partRest, earlier ? null : beforeRest));
            }
            merged.set(declared, props);
        } else if (all != null && all.isArray()) {
            ArrayNode items = NODES.arrayNode();
            int own = partDeclared == null ? 0 : partDeclared.size();
            int earlier = before == null ? 0 : before.size();
            for (int i = 0; i < all.size(); i++) {
                items.add(constrain(all.get(i), i < own ? null : partRest, i < earlier ? null : beforeRest));
            }
            merged.set(declared, items);
        }
        if (part.has(rest)) {
            JsonNode mergedRest = merged.get(rest);
            merged.set(rest, mergedRest == null ? part.get(rest) : both(mergedRest, part.get(rest)));
        }
    }

    private static JsonNode constrain(JsonNode schema, JsonNode rest, JsonNode otherRest) {
        JsonNode s = rest == null ? schema : both(schema, rest);
        return otherRest == null ? s : both(s, otherRest);
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
