package io.github.localllm.router;

import io.github.localllm.ConfigurationException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.LanguageModel;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A bounded cache of answers, put in front of any {@link LanguageModel} with {@link #wrap}: a router,
 * an engine's model, a cloud model. Two levels:
 * <ul>
 *   <li><b>Exact match</b>, always on: a request asked again gets the same answer without a model.
 *       Only deterministic requests are kept: greedy ({@code temperature(0)}) or with a fixed seed,
 *       since any other answer would differ on the next run. The request's timeout is not part of
 *       its identity; everything else is (messages, images, tools, format, sampling, limits).</li>
 *   <li><b>Semantic</b>, opt-in ({@link Builder#semantic}): a request whose last user text means
 *       nearly the same as one answered before (cosine similarity of their embeddings at or above the
 *       threshold) gets that answer, when everything else about the two requests is equal. Whatever
 *       the sampling, since the user chose to accept a similar question's answer.</li>
 * </ul>
 * Only complete answers are kept (finish reason stop, length or tool calls); failures and cancelled
 * streams never are. A cached answer comes back with a {@link io.github.localllm.RoutingDecision}
 * whose target is {@code "cache"} and whose reason says which level matched, and with metrics of the
 * lookup, not of the original generation. A cache never fails a request: if the embedding model
 * fails, the request goes to the model. Thread-safe.
 *
 * <pre>{@code
 * ResponseCache cache = ResponseCache.builder().maxEntries(10_000).ttl(Duration.ofHours(1)).build();
 * LanguageModel model = cache.wrap(router);
 * }</pre>
 */
public final class ResponseCache {
    private final int maxEntries;
    private final Duration ttl;
    private final Clock clock;
    private final LanguageModel embedder;
    private final double threshold;
    private final CacheEntries entries;

    private ResponseCache(Builder b) {
        this.maxEntries = b.maxEntries;
        this.ttl = b.ttl;
        this.clock = b.clock;
        this.embedder = b.embedder;
        this.threshold = b.threshold;
        this.entries = new CacheEntries(maxEntries, ttl, clock);
    }

    /** @return a builder: 1,000 entries for one hour, exact match only */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param model the model to answer what the cache does not hold
     * @return a model that answers from this cache first; several models may share one cache, each
     *         with entries of its own
     */
    public LanguageModel wrap(LanguageModel model) {
        return new CachedModel(Objects.requireNonNull(model, "model"), this);
    }

    /** @return hits, misses and size so far */
    public CacheStats stats() {
        return entries.stats();
    }

    /** Drops every entry. */
    public void clear() {
        entries.clear();
    }

    CacheEntries entries() {
        return entries;
    }

    Optional<LanguageModel> embedder() {
        return Optional.ofNullable(embedder);
    }

    double threshold() {
        return threshold;
    }

    Clock clock() {
        return clock;
    }

    /**
     * @param request a request
     * @return whether the same request always gets the same answer: greedy, or a fixed seed
     */
    static boolean deterministic(GenerationRequest request) {
        Double t = request.sampling().temperature();
        return (t != null && t == 0.0) || request.sampling().seed() != null;
    }

    /** @param result an answer @return whether it is whole, so worth keeping */
    static boolean complete(GenerationResult result) {
        return switch (result.finishReason()) {
            case STOP, LENGTH, TOOL_CALLS -> true;
            default -> false;
        };
    }

    @Override
    public String toString() {
        return "ResponseCache[" + maxEntries + " entries, ttl " + ttl
                + (embedder != null ? ", semantic at " + threshold : "") + "]";
    }

    /** Settings of a {@link ResponseCache}. */
    public static final class Builder {
        private int maxEntries = 1_000;
        private Duration ttl = Duration.ofHours(1);
        private Clock clock = Clock.systemUTC();
        private LanguageModel embedder;
        private double threshold;

        private Builder() {
        }

        /**
         * @param v the most answers kept; the least recently used goes first
         * @return this builder
         * @throws ConfigurationException if not positive
         */
        public Builder maxEntries(int v) {
            if (v <= 0) {
                throw new ConfigurationException("a response cache must hold at least one entry, was " + v
                        + "; to cache nothing, do not wrap the model");
            }
            this.maxEntries = v;
            return this;
        }

        /**
         * @param v how long an answer stays valid
         * @return this builder
         * @throws ConfigurationException if not positive
         */
        public Builder ttl(Duration v) {
            if (v == null || v.isZero() || v.isNegative()) {
                throw new ConfigurationException("a response cache's ttl must be positive, was " + v);
            }
            this.ttl = v;
            return this;
        }

        /**
         * Turns on the semantic level.
         *
         * @param embeddingModel a model that embeds, such as a small embedding GGUF on the in-process engine
         * @param similarity the least cosine similarity that counts as the same question, above 0 and at most
         *        1; 0.95 is a cautious start, as paraphrases of one question usually score above 0.9 and
         *        different questions on one topic below
         * @return this builder
         * @throws ConfigurationException if the similarity is out of range
         */
        public Builder semantic(LanguageModel embeddingModel, double similarity) {
            if (!(similarity > 0 && similarity <= 1)) {
                throw new ConfigurationException("a semantic cache's similarity threshold must be above 0 and at"
                        + " most 1, was " + similarity + "; 0.95 is a cautious start");
            }
            this.embedder = Objects.requireNonNull(embeddingModel, "embeddingModel");
            this.threshold = similarity;
            return this;
        }

        /**
         * @param v the clock expiry is measured with, for tests
         * @return this builder
         */
        public Builder clock(Clock v) {
            this.clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /** @return the cache */
        public ResponseCache build() {
            return new ResponseCache(this);
        }
    }
}
