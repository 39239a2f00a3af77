package io.github.localllm.schema;

import io.github.localllm.InvalidRequestException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Named rules under construction, and the checks that make the finished grammar safe for every
 * llama.cpp build: rules that can never finish are removed (or, at the root, refused), and left
 * recursion, which llama.cpp rejects, is refused naming where the schema loops.
 */
final class GrammarBuilder {
    /** Far beyond real schemas (a tsconfig-sized one makes about 300 rules); bounds memory and engine load time. */
    static final int MAX_RULES = 20_000;
    static final int MAX_GRAMMAR_CHARS = 4 * 1024 * 1024;

    private final Map<String, Expr> rules = new LinkedHashMap<>();
    private final Map<Expr, String> named = new HashMap<>();
    /** Where in the schema each rule came from, for messages. */
    private final Map<String, String> origins = new HashMap<>();

    /** Defines a rule for {@code body}, or returns the name of an identical one. */
    String add(String hint, Expr body, String origin) {
        String existing = named.get(body);
        if (existing != null) {
            return existing;
        }
        String name = reserve(hint, origin);
        define(name, body);
        return name;
    }

    /** Reserves a name for a rule whose body is built later (a recursive reference). */
    String reserve(String hint, String origin) {
        String base = hint.replaceAll("[^a-zA-Z0-9-]+", "-").replaceAll("-{2,}", "-").replaceAll("^-|-$", "");
        if (base.isEmpty() || !Character.isLetter(base.charAt(0))) {
            base = "r-" + base;
        }
        if (base.length() > 40) {
            base = base.substring(0, 40).replaceAll("-$", "");
        }
        String name = base;
        for (int i = 1; rules.containsKey(name); i++) {
            name = base + "-" + i;
        }
        if (rules.size() >= MAX_RULES) {
            throw new InvalidRequestException("the JSON schema needs more than " + MAX_RULES + " grammar rules"
                    + " (at " + origin + "); split it into smaller requests or simplify it");
        }
        rules.put(name, null);
        origins.put(name, origin);
        return name;
    }

    void define(String name, Expr body) {
        rules.put(name, body);
        named.putIfAbsent(body, name);
    }

    boolean defines(String name) {
        return rules.get(name) != null;
    }

    /**
     * @return the grammar text, root first
     * @throws InvalidRequestException if no finite JSON text satisfies the root, or the schema
     *     refers to itself before any text (left recursion)
     */
    String finish(String rootName) {
        Set<String> productive = productive();
        Map<String, Expr> clean = new LinkedHashMap<>();
        for (Map.Entry<String, Expr> e : rules.entrySet()) {
            clean.put(e.getKey(), prune(e.getValue(), productive));
        }
        Expr root = clean.get(rootName);
        if (root instanceof Expr.Never) {
            throw new InvalidRequestException("no JSON value can satisfy this schema, so no answer could: "
                    + ((Expr.Never) root).reason() + "; fix the schema");
        }
        Map<String, Expr> reachable = reachable(clean, rootName);
        checkLeftRecursion(reachable);
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Expr> e : reachable.entrySet()) {
            out.append(e.getKey()).append(" ::= ").append(GbnfText.render(e.getValue())).append('\n');
            if (out.length() > MAX_GRAMMAR_CHARS) {
                throw new InvalidRequestException("the JSON schema makes a grammar larger than "
                        + MAX_GRAMMAR_CHARS / (1024 * 1024) + " MiB; split it into smaller requests or simplify"
                        + " it (large enums and long length limits cost the most)");
            }
        }
        return out.toString();
    }

    private Set<String> productive() {
        Set<String> done = new HashSet<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Map.Entry<String, Expr> e : rules.entrySet()) {
                if (!done.contains(e.getKey()) && productive(e.getValue(), done)) {
                    done.add(e.getKey());
                    changed = true;
                }
            }
        }
        return done;
    }

    private static boolean productive(Expr e, Set<String> done) {
        if (e instanceof Expr.Lit || e instanceof Expr.Chars) {
            return true;
        }
        if (e instanceof Expr.Ref) {
            return done.contains(((Expr.Ref) e).rule());
        }
        if (e instanceof Expr.Seq) {
            return ((Expr.Seq) e).parts().stream().allMatch(p -> productive(p, done));
        }
        if (e instanceof Expr.Alt) {
            return ((Expr.Alt) e).options().stream().anyMatch(p -> productive(p, done));
        }
        if (e instanceof Expr.Repeat) {
            Expr.Repeat r = (Expr.Repeat) e;
            return r.min() == 0 || productive(r.item(), done);
        }
        return false;
    }

    /** Rebuilds an expression with references to rules that can never finish replaced by {@link Expr.Never}. */
    private Expr prune(Expr e, Set<String> productive) {
        if (e == null) {
            return new Expr.Never("an undefined reference");
        }
        if (e instanceof Expr.Ref) {
            String rule = ((Expr.Ref) e).rule();
            if (rules.get(rule) instanceof Expr.Never) {
                return rules.get(rule); // impossible in itself: its own reason says why
            }
            return productive.contains(rule) ? e : new Expr.Never(origins.get(rule) + " refers to itself without"
                    + " end: every value it allows must contain another such value; make the recursion optional");
        }
        if (e instanceof Expr.Seq) {
            return Expr.seq(((Expr.Seq) e).parts().stream().map(p -> prune(p, productive)).toList());
        }
        if (e instanceof Expr.Alt) {
            return Expr.alt(((Expr.Alt) e).options().stream().map(p -> prune(p, productive)).toList());
        }
        if (e instanceof Expr.Repeat) {
            Expr.Repeat r = (Expr.Repeat) e;
            return Expr.repeat(prune(r.item(), productive), r.min(), r.max());
        }
        return e;
    }

    private static Map<String, Expr> reachable(Map<String, Expr> all, String root) {
        Map<String, Expr> out = new LinkedHashMap<>();
        Deque<String> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (out.containsKey(name)) {
                continue;
            }
            Expr body = all.get(name);
            out.put(name, body);
            List<String> refs = new ArrayList<>();
            collectRefs(body, refs);
            for (int i = refs.size() - 1; i >= 0; i--) {
                todo.push(refs.get(i));
            }
        }
        return out;
    }

    private static void collectRefs(Expr e, List<String> into) {
        if (e instanceof Expr.Ref) {
            into.add(((Expr.Ref) e).rule());
        } else if (e instanceof Expr.Seq) {
            ((Expr.Seq) e).parts().forEach(p -> collectRefs(p, into));
        } else if (e instanceof Expr.Alt) {
            ((Expr.Alt) e).options().forEach(p -> collectRefs(p, into));
        } else if (e instanceof Expr.Repeat) {
            collectRefs(((Expr.Repeat) e).item(), into);
        }
    }

    private void checkLeftRecursion(Map<String, Expr> grammar) {
        Set<String> nullable = new HashSet<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Map.Entry<String, Expr> e : grammar.entrySet()) {
                if (!nullable.contains(e.getKey()) && nullable(e.getValue(), nullable)) {
                    nullable.add(e.getKey());
                    changed = true;
                }
            }
        }
        Map<String, List<String>> leftEdges = new HashMap<>();
        for (Map.Entry<String, Expr> e : grammar.entrySet()) {
            List<String> firsts = new ArrayList<>();
            leftRefs(e.getValue(), nullable, firsts);
            leftEdges.put(e.getKey(), firsts);
        }
        Set<String> finished = new HashSet<>();
        for (String start : grammar.keySet()) {
            findCycle(start, leftEdges, new LinkedHashMap<>(), finished);
        }
    }

    private void findCycle(String rule, Map<String, List<String>> edges, Map<String, Boolean> path,
                           Set<String> finished) {
        if (finished.contains(rule)) {
            return;
        }
        if (path.containsKey(rule)) {
            throw new InvalidRequestException("the JSON schema at " + origins.get(rule) + " refers to itself"
                    + " before any JSON text is produced (for example through anyOf or allOf alone), which no"
                    + " grammar engine can follow; put the recursion inside a property or array item");
        }
        path.put(rule, Boolean.TRUE);
        for (String next : edges.getOrDefault(rule, List.of())) {
            findCycle(next, edges, path, finished);
        }
        path.remove(rule);
        finished.add(rule);
    }

    private static boolean nullable(Expr e, Set<String> nullable) {
        if (e instanceof Expr.Lit || e instanceof Expr.Chars || e instanceof Expr.Never) {
            return false;
        }
        if (e instanceof Expr.Ref) {
            return nullable.contains(((Expr.Ref) e).rule());
        }
        if (e instanceof Expr.Seq) {
            return ((Expr.Seq) e).parts().stream().allMatch(p -> nullable(p, nullable));
        }
        if (e instanceof Expr.Alt) {
            return ((Expr.Alt) e).options().stream().anyMatch(p -> nullable(p, nullable));
        }
        Expr.Repeat r = (Expr.Repeat) e;
        return r.min() == 0 || nullable(r.item(), nullable);
    }

    /** Collects the rules that can be entered before any text of {@code e} is matched. */
    private static void leftRefs(Expr e, Set<String> nullable, List<String> into) {
        if (e instanceof Expr.Ref) {
            into.add(((Expr.Ref) e).rule());
        } else if (e instanceof Expr.Seq) {
            for (Expr p : ((Expr.Seq) e).parts()) {
                leftRefs(p, nullable, into);
                if (!nullable(p, nullable)) {
                    return;
                }
            }
        } else if (e instanceof Expr.Alt) {
            ((Expr.Alt) e).options().forEach(p -> leftRefs(p, nullable, into));
        } else if (e instanceof Expr.Repeat) {
            leftRefs(((Expr.Repeat) e).item(), nullable, into);
        }
    }
}
