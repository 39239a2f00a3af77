package io.github.localllm.registry;

/** The order of search results, each best (largest, newest) first. */
public enum ModelSort {
    /** Downloads in the last 30 days. */
    DOWNLOADS,
    /** Likes. */
    LIKES,
    /** The registry's trending score (recent likes and downloads). */
    TRENDING,
    /** The last change to the repository. */
    LAST_MODIFIED,
    /** The repository's creation. */
    CREATED
}
