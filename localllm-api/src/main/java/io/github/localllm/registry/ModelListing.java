package io.github.localllm.registry;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One model as a search lists it.
 *
 * @param id the repository, e.g. {@code Qwen/Qwen2.5-0.5B-Instruct-GGUF}
 * @param author its owner
 * @param downloads downloads in the last 30 days
 * @param likes likes
 * @param trendingScore the registry's trending score, 0 when not given
 * @param tags the repository's tags ({@code gguf}, {@code license:apache-2.0}, {@code base_model:...})
 * @param pipelineTag its task, e.g. {@code text-generation}, if stated
 * @param library the library it is meant for, e.g. {@code gguf} or {@code transformers}, if stated
 * @param createdAt when the repository was created, if known
 * @param lastModified its last change, if known
 * @param gating whether its files need accepted terms
 * @param privateRepo whether it is private (visible only with its owner's token)
 */
public record ModelListing(String id, String author, long downloads, long likes, long trendingScore, List<String> tags,
                           Optional<String> pipelineTag, Optional<String> library, Optional<Instant> createdAt,
                           Optional<Instant> lastModified, Gating gating, boolean privateRepo) {

    /** Copies the tags and checks no part is missing. */
    public ModelListing {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(author, "author");
        tags = List.copyOf(tags);
        Objects.requireNonNull(pipelineTag, "pipelineTag");
        Objects.requireNonNull(library, "library");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastModified, "lastModified");
        Objects.requireNonNull(gating, "gating");
    }

    /** @param id the repository @return a builder; the author is the id's owner until set */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** Builds a {@link ModelListing}. */
    public static final class Builder {
        private final String id;
        private String author;
        private long downloads;
        private long likes;
        private long trendingScore;
        private List<String> tags = List.of();
        private String pipelineTag;
        private String library;
        private Instant createdAt;
        private Instant lastModified;
        private Gating gating = Gating.NONE;
        private boolean privateRepo;

        private Builder(String id) {
            this.id = Objects.requireNonNull(id, "id");
        }

        /** @param author the owner @return this builder */
        public Builder author(String author) {
            this.author = author;
            return this;
        }

        /** @param downloads downloads in the last 30 days @return this builder */
        public Builder downloads(long downloads) {
            this.downloads = downloads;
            return this;
        }

        /** @param likes likes @return this builder */
        public Builder likes(long likes) {
            this.likes = likes;
            return this;
        }

        /** @param score the trending score @return this builder */
        public Builder trendingScore(long score) {
            this.trendingScore = score;
            return this;
        }

        /** @param tags the tags @return this builder */
        public Builder tags(List<String> tags) {
            this.tags = tags;
            return this;
        }

        /** @param tag the task @return this builder */
        public Builder pipelineTag(String tag) {
            this.pipelineTag = tag;
            return this;
        }

        /** @param library the library @return this builder */
        public Builder library(String library) {
            this.library = library;
            return this;
        }

        /** @param createdAt the creation time @return this builder */
        public Builder createdAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        /** @param lastModified the last change @return this builder */
        public Builder lastModified(Instant lastModified) {
            this.lastModified = lastModified;
            return this;
        }

        /** @param gating the gating @return this builder */
        public Builder gating(Gating gating) {
            this.gating = gating;
            return this;
        }

        /** @param privateRepo whether it is private @return this builder */
        public Builder privateRepo(boolean privateRepo) {
            this.privateRepo = privateRepo;
            return this;
        }

        /** @return the listing */
        public ModelListing build() {
            String owner = author != null ? author : id.contains("/") ? id.substring(0, id.indexOf('/')) : "";
            return new ModelListing(id, owner, downloads, likes, trendingScore, tags, Optional.ofNullable(pipelineTag),
                    Optional.ofNullable(library), Optional.ofNullable(createdAt), Optional.ofNullable(lastModified),
                    gating, privateRepo);
        }
    }
}
