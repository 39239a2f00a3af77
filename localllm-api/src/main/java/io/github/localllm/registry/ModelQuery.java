package io.github.localllm.registry;

import io.github.localllm.InvalidRequestException;
import java.util.Optional;

/**
 * A search: free text, an author, GGUF files only, a task, an order and how many results.
 *
 * @param text words the model's id must contain, if any
 * @param author the owner of the repositories, e.g. {@code ggml-org}, if any
 * @param ggufOnly whether only repositories holding GGUF files are wanted
 * @param pipelineTag the task, as the registry names it ({@code text-generation}, {@code image-text-to-text},
 *        {@code feature-extraction}, ...), if any
 * @param sort the order
 * @param limit at most this many results on a page, 1 to 1000
 * @param page the {@link ModelPage#nextPage()} token of an earlier search to continue, if any; the other
 *        fields of the query are then ignored, as the token carries them
 */
public record ModelQuery(Optional<String> text, Optional<String> author, boolean ggufOnly,
                         Optional<String> pipelineTag, ModelSort sort, int limit, Optional<String> page) {
    /** The number of results when none is given. */
    public static final int DEFAULT_LIMIT = 20;
    /** The most results a page may hold. */
    public static final int MAX_LIMIT = 1000;

    /** Checks the values. */
    public ModelQuery {
        text = clean(text, "search text");
        author = clean(author, "author");
        pipelineTag = clean(pipelineTag, "pipeline tag");
        page = clean(page, "page token");
        if (sort == null) {
            throw new InvalidRequestException("a search needs an order; use ModelSort.DOWNLOADS");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException("a search returns 1 to " + MAX_LIMIT + " results a page, not " + limit);
        }
    }

    private static Optional<String> clean(Optional<String> value, String what) {
        Optional<String> v = value == null ? Optional.empty() : value.map(String::strip).filter(s -> !s.isEmpty());
        if (v.isPresent() && v.get().chars().anyMatch(Character::isISOControl)) {
            throw new InvalidRequestException("the " + what + " contains control characters; check where it came from");
        }
        return v;
    }

    /** @return a builder: GGUF only, by downloads, {@value #DEFAULT_LIMIT} results */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this query's values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.text = text.orElse(null);
        b.author = author.orElse(null);
        b.ggufOnly = ggufOnly;
        b.pipelineTag = pipelineTag.orElse(null);
        b.sort = sort;
        b.limit = limit;
        b.page = page.orElse(null);
        return b;
    }

    /** Builds a {@link ModelQuery}. */
    public static final class Builder {
        private String text;
        private String author;
        private boolean ggufOnly = true;
        private String pipelineTag;
        private ModelSort sort = ModelSort.DOWNLOADS;
        private int limit = DEFAULT_LIMIT;
        private String page;

        private Builder() {
        }

        /** @param text words the model's id must contain @return this builder */
        public Builder text(String text) {
            this.text = text;
            return this;
        }

        /** @param author the repositories' owner @return this builder */
        public Builder author(String author) {
            this.author = author;
            return this;
        }

        /** @param ggufOnly whether only GGUF repositories are wanted (the default) @return this builder */
        public Builder ggufOnly(boolean ggufOnly) {
            this.ggufOnly = ggufOnly;
            return this;
        }

        /** @param tag the task, e.g. {@code text-generation} @return this builder */
        public Builder pipelineTag(String tag) {
            this.pipelineTag = tag;
            return this;
        }

        /** @param sort the order @return this builder */
        public Builder sort(ModelSort sort) {
            this.sort = sort;
            return this;
        }

        /** @param limit results a page, 1 to 1000 @return this builder */
        public Builder limit(int limit) {
            this.limit = limit;
            return this;
        }

        /** @param token a {@link ModelPage#nextPage()} to continue from @return this builder */
        public Builder page(String token) {
            this.page = token;
            return this;
        }

        /** @return the query */
        public ModelQuery build() {
            return new ModelQuery(Optional.ofNullable(text), Optional.ofNullable(author), ggufOnly,
                    Optional.ofNullable(pipelineTag), sort, limit, Optional.ofNullable(page));
        }
    }
}
