package io.github.localllm.schema;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A grammar expression over output code points. The factories simplify as they build, so an
 * impossible part ({@link Never}) removes an alternative, or a whole sequence, rather than
 * reaching the engine.
 */
sealed interface Expr {
    Expr EMPTY = new Seq(List.of());

    /** A fixed text, as it appears in the output. */
    record Lit(String text) implements Expr {
    }

    /** One code point from a set. */
    record Chars(CodePointSet set) implements Expr {
    }

    /** A named rule. */
    record Ref(String rule) implements Expr {
    }

    /** Parts one after another; the empty sequence matches the empty text. */
    record Seq(List<Expr> parts) implements Expr {
    }

    /** Any one of at least two alternatives. */
    record Alt(List<Expr> options) implements Expr {
    }

    /** {@code min} to {@code max} copies; {@code max} is {@link #UNBOUNDED} for no limit. */
    record Repeat(Expr item, int min, int max) implements Expr {
        static final int UNBOUNDED = -1;
    }

    /** Matches nothing at all, with the reason, so that a schema no value satisfies can say why. */
    record Never(String reason) implements Expr {
    }

    static Expr lit(String text) {
        return text.isEmpty() ? EMPTY : new Lit(text);
    }

    static Expr chars(CodePointSet set) {
        return set.isEmpty() ? new Never("no character allowed") : new Chars(set);
    }

    static Expr ref(String rule) {
        return new Ref(rule);
    }

    static Expr seq(Expr... parts) {
        return seq(List.of(parts));
    }

    static Expr seq(List<Expr> parts) {
        List<Expr> flat = new ArrayList<>();
        for (Expr p : parts) {
            if (p instanceof Never) {
                return p;
            }
            if (p instanceof Seq) {
                flat.addAll(((Seq) p).parts());
            } else {
                flat.add(p);
            }
        }
        // Adjacent literals become one, which keeps the grammar short and readable.
        List<Expr> joined = new ArrayList<>();
        for (Expr p : flat) {
            int last = joined.size() - 1;
            if (p instanceof Lit && last >= 0 && joined.get(last) instanceof Lit) {
                joined.set(last, new Lit(((Lit) joined.get(last)).text() + ((Lit) p).text()));
            } else {
                joined.add(p);
            }
        }
        return joined.size() == 1 ? joined.get(0) : new Seq(List.copyOf(joined));
    }

    static Expr alt(Expr... options) {
        return alt(List.of(options));
    }

    static Expr alt(List<Expr> options) {
        Set<Expr> kept = new LinkedHashSet<>();
        List<String> reasons = new ArrayList<>();
        for (Expr o : options) {
            if (o instanceof Never) {
                reasons.add(((Never) o).reason());
            } else if (o instanceof Alt) {
                kept.addAll(((Alt) o).options());
            } else {
                kept.add(o);
            }
        }
        if (kept.isEmpty()) {
            return new Never(reasons.isEmpty() ? "no alternative" : String.join("; and ", new LinkedHashSet<>(reasons)));
        }
        return kept.size() == 1 ? kept.iterator().next() : new Alt(List.copyOf(kept));
    }

    static Expr optional(Expr item) {
        return repeat(item, 0, 1);
    }

    static Expr repeat(Expr item, int min, int max) {
        if (max != Repeat.UNBOUNDED && max < min) {
            return new Never("at least " + min + " but at most " + max);
        }
        if (max == 0 || item.equals(EMPTY)) {
            return EMPTY;
        }
        if (item instanceof Never) {
            return min == 0 ? EMPTY : item;
        }
        if (min == 1 && max == 1) {
            return item;
        }
        if (nullable(item)) {
            // A repeated part that can match nothing is left recursion to llama.cpp, which b4916 does
            // not detect and crashes on. Copies that match nothing add nothing: repeat the non-empty part.
            return repeat(nonEmpty(item), 0, max);
        }
        return new Repeat(item, min, max);
    }

    /**
     * @return whether the expression can match the empty text; references count as non-empty, since
     *     every rule the converter refers to inside a repetition consumes text except {@code space}
     */
    static boolean nullable(Expr e) {
        if (e instanceof Seq) {
            return ((Seq) e).parts().stream().allMatch(Expr::nullable);
        }
        if (e instanceof Alt) {
            return ((Alt) e).options().stream().anyMatch(Expr::nullable);
        }
        if (e instanceof Repeat) {
            return ((Repeat) e).min() == 0 || nullable(((Repeat) e).item());
        }
        return e instanceof Ref && ((Ref) e).rule().equals("space");
    }

    /** @return what the expression matches, minus the empty text */
    static Expr nonEmpty(Expr e) {
        if (!nullable(e)) {
            return e;
        }
        if (e instanceof Alt) {
            return alt(((Alt) e).options().stream().filter(o -> !o.equals(EMPTY)).map(Expr::nonEmpty).toList());
        }
        if (e instanceof Repeat) {
            Repeat r = (Repeat) e;
            Expr item = nonEmpty(r.item());
            return r.max() == 0 ? new Never("nothing") : repeat(item, 1, r.max());
        }
        if (e instanceof Seq) {
            // Some part is the first to match text: the ones before it match nothing, the rest anything.
            List<Expr> parts = ((Seq) e).parts();
            List<Expr> options = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                List<Expr> rest = new ArrayList<>();
                rest.add(nonEmpty(parts.get(i)));
                rest.addAll(parts.subList(i + 1, parts.size()));
                options.add(seq(rest));
            }
            return alt(options);
        }
        return new Never("only the empty text");
    }
}
