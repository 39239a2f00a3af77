package io.github.localllm.schema;

import java.util.ArrayList;
import java.util.List;

/** An immutable set of Unicode code points, kept as sorted, disjoint, non-adjacent ranges. */
final class CodePointSet {
    static final int MAX = Character.MAX_CODE_POINT;
    static final CodePointSet EMPTY = new CodePointSet(new int[0]);
    static final CodePointSet ALL = range(0, MAX);

    /** Pairs of inclusive bounds: from0, to0, from1, to1, ... */
    private final int[] bounds;

    private CodePointSet(int[] bounds) {
        this.bounds = bounds;
    }

    static CodePointSet of(int codePoint) {
        return range(codePoint, codePoint);
    }

    static CodePointSet range(int from, int to) {
        return from > to ? EMPTY : new CodePointSet(new int[] {from, to});
    }

    static CodePointSet of(String chars) {
        CodePointSet set = EMPTY;
        for (int cp : chars.codePoints().toArray()) {
            set = set.union(of(cp));
        }
        return set;
    }

    boolean isEmpty() {
        return bounds.length == 0;
    }

    boolean contains(int cp) {
        for (int i = 0; i < bounds.length; i += 2) {
            if (cp >= bounds[i] && cp <= bounds[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /** @return the number of ranges */
    int ranges() {
        return bounds.length / 2;
    }

    int from(int range) {
        return bounds[2 * range];
    }

    int to(int range) {
        return bounds[2 * range + 1];
    }

    /** @return the only code point, or -1 if the set holds other than exactly one */
    int single() {
        return bounds.length == 2 && bounds[0] == bounds[1] ? bounds[0] : -1;
    }

    CodePointSet union(CodePointSet other) {
        List<int[]> all = new ArrayList<>();
        for (int i = 0; i < bounds.length; i += 2) {
            all.add(new int[] {bounds[i], bounds[i + 1]});
        }
        for (int i = 0; i < other.bounds.length; i += 2) {
            all.add(new int[] {other.bounds[i], other.bounds[i + 1]});
        }
        all.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<Integer> merged = new ArrayList<>();
        for (int[] r : all) {
            int n = merged.size();
            if (n > 0 && r[0] <= merged.get(n - 1) + 1L) {
                merged.set(n - 1, Math.max(merged.get(n - 1), r[1]));
            } else {
                merged.add(r[0]);
                merged.add(r[1]);
            }
        }
        return new CodePointSet(merged.stream().mapToInt(Integer::intValue).toArray());
    }

    CodePointSet complement() {
        List<Integer> out = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < bounds.length; i += 2) {
            if (bounds[i] > next) {
                out.add(next);
                out.add(bounds[i] - 1);
            }
            next = bounds[i + 1] + 1;
        }
        if (next <= MAX) {
            out.add(next);
            out.add(MAX);
        }
        return new CodePointSet(out.stream().mapToInt(Integer::intValue).toArray());
    }

    CodePointSet intersect(CodePointSet other) {
        return complement().union(other.complement()).complement();
    }

    CodePointSet minus(CodePointSet other) {
        return intersect(other.complement());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CodePointSet && java.util.Arrays.equals(bounds, ((CodePointSet) o).bounds);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(bounds);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < bounds.length; i += 2) {
            s.append(Integer.toHexString(bounds[i])).append('-').append(Integer.toHexString(bounds[i + 1])).append(' ');
        }
        return s.append(']').toString();
    }
}
