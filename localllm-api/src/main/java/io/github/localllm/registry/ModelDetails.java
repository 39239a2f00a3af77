package io.github.localllm.registry;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One model in full at one revision: what a search lists, plus its licence, what it was made from, its
 * files and its GGUF variants.
 *
 * @param listing what a search lists of it (downloads, tags, gating, ...)
 * @param revision the commit the details were read at (40 hex digits on the Hugging Face Hub)
 * @param license the licence id from the model card, e.g. {@code apache-2.0} or {@code gemma}, if stated
 * @param baseModels the models it was made from, e.g. {@code google/gemma-3-12b-it}
 * @param architecture the GGUF {@code general.architecture} the registry reports, e.g. {@code qwen2}, if any
 * @param contextLength the trained context in tokens the registry reports, if any
 * @param parameterCount the number of weights the registry reports, if any
 * @param files every file of the repository at the revision
 * @param variants the GGUF models, smallest first; projectors are not variants but attached to them
 * @param projectors the multimodal projector files ({@code mmproj-...gguf})
 */
public record ModelDetails(ModelListing listing, String revision, Optional<String> license, List<String> baseModels,
                           Optional<String> architecture, Optional<Integer> contextLength,
                           Optional<Long> parameterCount, List<RepoFile> files, List<GgufVariant> variants,
                           List<RepoFile> projectors) {

    /** Copies the lists and checks no part is missing. */
    public ModelDetails {
        Objects.requireNonNull(listing, "listing");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(license, "license");
        baseModels = List.copyOf(baseModels);
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(contextLength, "contextLength");
        Objects.requireNonNull(parameterCount, "parameterCount");
        files = List.copyOf(files);
        variants = List.copyOf(variants);
        projectors = List.copyOf(projectors);
    }

    /** @return the repository id */
    public String id() {
        return listing.id();
    }

    /** @return whether its files need accepted terms */
    public Gating gating() {
        return listing.gating();
    }

    /**
     * @param quantization e.g. {@code Q4_K_M} (any case)
     * @return the variant at that quantization, if the repository has one
     */
    public Optional<GgufVariant> variant(String quantization) {
        return variants.stream().filter(v -> v.quantization().filter(quantization::equalsIgnoreCase).isPresent())
                .findFirst();
    }

    /** @param listing the listing @param revision the commit @return a builder */
    public static Builder builder(ModelListing listing, String revision) {
        return new Builder(listing, revision);
    }

    /** Builds {@link ModelDetails}. */
    public static final class Builder {
        private final ModelListing listing;
        private final String revision;
        private String license;
        private List<String> baseModels = List.of();
        private String architecture;
        private Integer contextLength;
        private Long parameterCount;
        private List<RepoFile> files = List.of();
        private List<GgufVariant> variants = List.of();
        private List<RepoFile> projectors = List.of();

        private Builder(ModelListing listing, String revision) {
            this.listing = listing;
            this.revision = revision;
        }

        /** @param license the licence id @return this builder */
        public Builder license(String license) {
            this.license = license;
            return this;
        }

        /** @param baseModels the models it was made from @return this builder */
        public Builder baseModels(List<String> baseModels) {
            this.baseModels = baseModels;
            return this;
        }

        /** @param architecture the GGUF architecture @return this builder */
        public Builder architecture(String architecture) {
            this.architecture = architecture;
            return this;
        }

        /** @param tokens the trained context @return this builder */
        public Builder contextLength(Integer tokens) {
            this.contextLength = tokens;
            return this;
        }

        /** @param count the number of weights @return this builder */
        public Builder parameterCount(Long count) {
            this.parameterCount = count;
            return this;
        }

        /** @param files every file @return this builder */
        public Builder files(List<RepoFile> files) {
            this.files = files;
            return this;
        }

        /** @param variants the GGUF models @return this builder */
        public Builder variants(List<GgufVariant> variants) {
            this.variants = variants;
            return this;
        }

        /** @param projectors the projector files @return this builder */
        public Builder projectors(List<RepoFile> projectors) {
            this.projectors = projectors;
            return this;
        }

        /** @return the details */
        public ModelDetails build() {
            return new ModelDetails(listing, revision, Optional.ofNullable(license), baseModels,
                    Optional.ofNullable(architecture), Optional.ofNullable(contextLength),
                    Optional.ofNullable(parameterCount), files, variants, projectors);
        }
    }
}
