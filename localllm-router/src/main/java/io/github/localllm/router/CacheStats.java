package io.github.localllm.router;

/**
 * What a {@link ResponseCache} has done.
 *
 * @param exactHits answers given from an identical request
 * @param semanticHits answers given from a similar request
 * @param misses requests that went to the model (including those that could not be cached)
 * @param evictions entries dropped for room or age
 * @param size entries held now
 */
public record CacheStats(long exactHits, long semanticHits, long misses, long evictions, int size) {

    /** @return the share of requests answered from the cache, 0 when there were none */
    public double hitRate() {
        long all = exactHits + semanticHits + misses;
        return all == 0 ? 0 : (double) (exactHits + semanticHits) / all;
    }
}
