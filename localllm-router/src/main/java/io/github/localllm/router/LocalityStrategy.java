package io.github.localllm.router;

import java.util.ArrayList;
import java.util.List;

/** The strategies that go by where a target runs. Not an enum: {@code Enum.name()} is final. */
final class LocalityStrategy implements RoutingStrategy {
    static final LocalityStrategy PREFER_LOCAL = new LocalityStrategy("prefer-local", true, true);
    static final LocalityStrategy PREFER_CLOUD = new LocalityStrategy("prefer-cloud", false, true);
    static final LocalityStrategy LOCAL_ONLY = new LocalityStrategy("local-only", true, false);
    static final LocalityStrategy CLOUD_ONLY = new LocalityStrategy("cloud-only", false, false);

    private final String name;
    private final boolean localFirst;
    private final boolean others;

    private LocalityStrategy(String name, boolean localFirst, boolean others) {
        this.name = name;
        this.localFirst = localFirst;
        this.others = others;
    }

    @Override
    public String name() {
        return name;
    }

    /** Within each locality, targets whose model is loaded go first: loading one costs seconds to minutes. */
    @Override
    public List<Candidate> rank(RoutingContext context, List<Candidate> candidates) {
        List<Candidate> ranked = new ArrayList<>(candidates.size());
        add(candidates, localFirst, true, ranked);
        add(candidates, localFirst, false, ranked);
        if (others) {
            add(candidates, !localFirst, true, ranked);
            add(candidates, !localFirst, false, ranked);
        }
        return ranked;
    }

    private static void add(List<Candidate> candidates, boolean local, boolean loaded, List<Candidate> into) {
        for (Candidate c : candidates) {
            if (c.isLocal() == local && c.loaded() == loaded) {
                into.add(c);
            }
        }
    }

    /**
     * @param strategy a strategy
     * @return the locality it restricts every request to, or {@code null} when it ranks both
     */
    static Locality restriction(RoutingStrategy strategy) {
        if (strategy == LOCAL_ONLY) {
            return Locality.LOCAL;
        }
        return strategy == CLOUD_ONLY ? Locality.CLOUD : null;
    }

    @Override
    public String toString() {
        return name;
    }
}
