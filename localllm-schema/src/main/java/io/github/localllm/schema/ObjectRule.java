package io.github.localllm.schema;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * The grammar of one object schema: declared properties in their order, each present exactly
 * once if required and at most once if not, then additional properties whose names differ from
 * every declared one. Commas go only between members that are present.
 */
final class ObjectRule {
    /** With more members than this, the tails become rules of their own instead of growing quadratically inline. */
    private static final int INLINE_MEMBERS = 4;
    private static final Expr COMMA = Expr.seq(Expr.lit(","), JsonGrammar.SPACE);
    private static final Expr PLAIN = Expr.chars(JsonGrammar.NEEDS_ESCAPE.complement());

    private record Member(Expr expr, boolean required) {
    }

    private final SchemaConverter converter;
    private final JsonNode schema;
    private final URI base;
    private final String path;
    private final String hint;
    private final List<Member> members = new ArrayList<>();
    private Expr extra;
    private String[] tailRules;
    private String[] headRules;

    ObjectRule(SchemaConverter converter, JsonNode schema, URI base, String path) {
        this.converter = converter;
        this.schema = schema;
        this.base = base;
        this.path = path;
        this.hint = SchemaConverter.hint(path);
    }

    Expr build() {
        JsonNode properties = schema.get("properties");
        Set<String> required = new LinkedHashSet<>();
        if (schema.has("required") && schema.get("required").isArray()) {
            schema.get("required").values().forEach(n -> required.add(n.asString()));
        }
        JsonNode additional = schema.has("additionalProperties") ? schema.get("additionalProperties")
                : schema.get("unevaluatedProperties");
        Set<String> declared = new LinkedHashSet<>();
        if (properties != null) {
            for (Map.Entry<String, JsonNode> p : properties.properties()) {
                String name = p.getKey();
                declared.add(name);
                Expr value = converter.visitChild(p.getValue(), base, path + ".properties." + name);
                if (value instanceof Expr.Never) {
                    if (required.contains(name)) {
                        return new Expr.Never("property \"" + name + "\" is required at " + path + " but "
                                + ((Expr.Never) value).reason());
                    }
                    continue;
                }
                members.add(new Member(member(name, value), required.contains(name)));
            }
        }
        Expr extraValue = extraValue(additional);
        for (String name : required) {
            if (!declared.contains(name)) {
                if (extraValue instanceof Expr.Never) {
                    return new Expr.Never("property \"" + name + "\" is required at " + path + " but not declared,"
                            + " and additionalProperties forbids it");
                }
                declared.add(name);
                members.add(new Member(member(name, extraValue), true));
            }
        }
        if (!(extraValue instanceof Expr.Never)) {
            extra = Expr.seq(JsonGrammar.QUOTE, nameOtherThan(declared), JsonGrammar.QUOTE, JsonGrammar.SPACE,
                    Expr.lit(":"), JsonGrammar.SPACE, extraValue);
        }
        Expr counted = checkCounts();
        if (counted != null) {
            return counted;
        }
        int n = members.size();
        tailRules = new String[n + 1];
        headRules = new String[n + 1];
        Expr body = Expr.seq(Expr.lit("{"), JsonGrammar.SPACE, head(0), Expr.lit("}"), JsonGrammar.SPACE);
        return Expr.ref(converter.addRule(hint + "-object", body, path));
    }

    private Expr extraValue(JsonNode additional) {
        JsonNode patterns = schema.get("patternProperties");
        List<Expr> options = new ArrayList<>();
        if (patterns != null) {
            // Which pattern a name matches is decided by the validator; here any of their values may follow.
            for (Map.Entry<String, JsonNode> p : patterns.properties()) {
                options.add(converter.visitChild(p.getValue(), base, path + ".patternProperties." + p.getKey()));
            }
        }
        if (additional == null) {
            options.add(JsonGrammar.VALUE);
        } else {
            options.add(converter.visitChild(additional, base, path + ".additionalProperties"));
        }
        return Expr.alt(options);
    }

    /** min/maxProperties decide statically when the member count is fixed; otherwise the validator checks them. */
    private Expr checkCounts() {
        Integer min = converter.countKeyword(schema, "minProperties", path);
        Integer max = converter.countKeyword(schema, "maxProperties", path);
        if (min == null && max == null) {
            return null;
        }
        boolean fixed = extra == null && members.stream().allMatch(Member::required);
        if (!fixed) {
            converter.checkedAfter(path + (min != null ? ".minProperties" : ".maxProperties"));
            return null;
        }
        int n = members.size();
        if (min != null && n < min || max != null && n > max) {
            return new Expr.Never("an object at " + path + " has exactly " + n + " properties, outside"
                    + " minProperties/maxProperties");
        }
        return null;
    }

    private static Expr member(String name, Expr value) {
        return Expr.seq(JsonGrammar.QUOTE, JsonGrammar.encode(name), JsonGrammar.QUOTE, JsonGrammar.SPACE,
                Expr.lit(":"), JsonGrammar.SPACE, value);
    }

    /** Members from {@code i} on, when none has been written yet (so no leading comma). */
    private Expr head(int i) {
        if (i == members.size()) {
            return extra == null ? Expr.EMPTY
                    : Expr.optional(Expr.seq(extra, Expr.repeat(Expr.seq(COMMA, extra), 0, Expr.Repeat.UNBOUNDED)));
        }
        Member m = members.get(i);
        Expr present = Expr.seq(m.expr(), tail(i + 1));
        Expr body = m.required() ? present : Expr.alt(present, head(i + 1));
        return named(headRules, i, "-head-", body);
    }

    /** Members from {@code i} on, after at least one was written (so each follows a comma). */
    private Expr tail(int i) {
        if (i == members.size()) {
            return extra == null ? Expr.EMPTY : Expr.repeat(Expr.seq(COMMA, extra), 0, Expr.Repeat.UNBOUNDED);
        }
        Member m = members.get(i);
        Expr next = Expr.seq(COMMA, m.expr());
        Expr body = Expr.seq(m.required() ? next : Expr.optional(next), tail(i + 1));
        return named(tailRules, i, "-tail-", body);
    }

    private Expr named(String[] cache, int i, String kind, Expr body) {
        if (members.size() <= INLINE_MEMBERS || body.equals(Expr.EMPTY) || body instanceof Expr.Never) {
            return body;
        }
        if (cache[i] == null) {
            cache[i] = converter.addRule(hint + kind + i, body, path);
        }
        return Expr.ref(cache[i]);
    }

    /**
     * The JSON text of a name that is none of {@code names}, written without escapes: a trie of
     * the names, where every step may leave the trie for good with a character no name continues with.
     */
    private static Expr nameOtherThan(Set<String> names) {
        return trie(names, "");
    }

    private static Expr trie(Set<String> names, String prefix) {
        List<Expr> options = new ArrayList<>();
        if (!names.contains(prefix)) {
            options.add(Expr.EMPTY);
        }
        TreeMap<Integer, Boolean> next = new TreeMap<>();
        for (String name : names) {
            if (name.length() > prefix.length() && name.startsWith(prefix)) {
                next.put(name.codePointAt(prefix.length()), Boolean.TRUE);
            }
        }
        CodePointSet leaving = JsonGrammar.NEEDS_ESCAPE.complement();
        for (int cp : next.keySet()) {
            leaving = leaving.minus(CodePointSet.of(cp));
            if (!JsonGrammar.NEEDS_ESCAPE.contains(cp)) {
                options.add(Expr.seq(Expr.lit(Character.toString(cp)), trie(names, prefix + Character.toString(cp))));
            }
        }
        options.add(Expr.seq(Expr.chars(leaving), Expr.repeat(PLAIN, 0, Expr.Repeat.UNBOUNDED)));
        return Expr.alt(options);
    }
}
