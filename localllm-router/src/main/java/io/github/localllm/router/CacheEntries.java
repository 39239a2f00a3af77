package io.github.localllm.router;

import io.github.localllm.GenerationResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The entries of a {@link ResponseCache}: least recently used first, each findable by its exact
 * request and, when it has an embedding, by similarity among requests of the same shape. One lock:
 * a lookup is a map access or a scan of one shape's vectors, short next to any generation.
 */
final class CacheEntries {
    /**
     * A kept answer, equal only to itself. {@code exact} or {@code shape} is null when that level does
     * not apply.
     */
    static final class Entry {
        private final Object exact;
        private final Object shape;
        private final float[] vector;
        private final GenerationResult result;
        private final Instant stored;

        Entry(Object exact, Object shape, float[] vector, GenerationResult result, Instant stored) {
            this.exact = exact;
            this.shape = shape;
            this.vector = vector;
            this.result = result;
            this.stored = stored;
        }

        Object exact() {
            return exact;
        }

        Object shape() {
            return shape;
        }

        float[] vector() {
            return vector;
        }

        GenerationResult result() {
            return result;
        }

        Instant stored() {
            return stored;
        }
    }

    /** What a lookup found. */
    record Hit(Entry entry, double similarity) {
    }

    private final int maxEntries;
    private final Duration ttl;
    private final Clock clock;
    private final Object lock = new Object();
    /** Every entry by identity, in access order. Guarded by {@link #lock}. */
    private final LinkedHashMap<Entry, Boolean> lru = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Object, Entry> byExact = new HashMap<>();
    private final Map<Object, List<Entry>> byShape = new HashMap<>();
    private long exactHits;
    private long semanticHits;
    private long misses;
    private long evictions;

    CacheEntries(int maxEntries, Duration ttl, Clock clock) {
        this.maxEntries = maxEntries;
        this.ttl = ttl;
        this.clock = clock;
    }

    Optional<Entry> exact(Object key) {
        synchronized (lock) {
            Entry e = byExact.get(key);
            if (e == null || expired(e)) {
                if (e != null) {
                    drop(e);
                }
                return Optional.empty();
            }
            lru.get(e);
            exactHits++;
            return Optional.of(e);
        }
    }

    Optional<Hit> nearest(Object shape, float[] vector, double threshold) {
        synchronized (lock) {
            List<Entry> same = byShape.get(shape);
            if (same == null) {
                return Optional.empty();
            }
            Entry best = null;
            double bestScore = -2;
            for (Entry e : new ArrayList<>(same)) {
                if (expired(e)) {
                    drop(e);
                    continue;
                }
                double s = cosine(vector, e.vector());
                if (s > bestScore) {
                    bestScore = s;
                    best = e;
                }
            }
            if (best == null || bestScore < threshold) {
                return Optional.empty();
            }
            lru.get(best);
            semanticHits++;
            return Optional.of(new Hit(best, bestScore));
        }
    }

    void miss() {
        synchronized (lock) {
            misses++;
        }
    }

    void put(Object exact, Object shape, float[] vector, GenerationResult result) {
        if (exact == null && (shape == null || vector == null)) {
            return;
        }
        Entry entry = new Entry(exact, vector == null ? null : shape, vector, result, clock.instant());
        synchronized (lock) {
            if (exact != null) {
                Entry old = byExact.get(exact);
                if (old != null) {
                    drop(old);
                }
                byExact.put(exact, entry);
            }
            if (entry.shape() != null) {
                byShape.computeIfAbsent(entry.shape(), k -> new ArrayList<>()).add(entry);
            }
            lru.put(entry, Boolean.TRUE);
            Iterator<Entry> oldest = lru.keySet().iterator();
            while (lru.size() > maxEntries && oldest.hasNext()) {
                Entry e = oldest.next();
                oldest.remove();
                unindex(e);
                evictions++;
            }
        }
    }

    CacheStats stats() {
        synchronized (lock) {
            return new CacheStats(exactHits, semanticHits, misses, evictions, lru.size());
        }
    }

    void clear() {
        synchronized (lock) {
            lru.clear();
            byExact.clear();
            byShape.clear();
        }
    }

    private boolean expired(Entry e) {
        return !clock.instant().isBefore(e.stored().plus(ttl));
    }

    private void drop(Entry e) {
        if (lru.remove(e) != null) {
            evictions++;
        }
        unindex(e);
    }

    private void unindex(Entry e) {
        if (e.exact() != null) {
            byExact.remove(e.exact(), e);
        }
        if (e.shape() != null) {
            List<Entry> same = byShape.get(e.shape());
            if (same != null) {
                same.remove(e);
                if (same.isEmpty()) {
                    byShape.remove(e.shape());
                }
            }
        }
    }

    /** Cosine similarity; vectors of different lengths (another embedding model) never match. */
    static double cosine(float[] a, float[] b) {
        if (a.length != b.length || a.length == 0) {
            return -1;
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? -1 : dot / Math.sqrt(na * nb);
    }
}
