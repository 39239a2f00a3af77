package io.github.localllm.spi;

import io.github.localllm.GenerationRequest;
import io.github.localllm.LoadOptions;
import io.github.localllm.ResponseFormat;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What an engine can do, so that callers and routers send each request where it can be served and
 * planners know what an engine runs. Engines build it with {@link #builder()}; a field added later
 * defaults to "cannot" and breaks nobody.
 *
 * @param responseFormats the response formats the engine enforces
 * @param grammarDialect the GBNF dialect its grammars are checked against, e.g. {@code llama.cpp b4916};
 *        empty when it takes no grammars
 * @param embeddings whether it embeds text
 * @param tools whether it passes tool definitions to the model and returns tool calls
 * @param images whether it passes images to models that see
 * @param thinking whether it separates a thinking model's reasoning from its answer
 * @param loadOptions the portable load settings it honours
 * @param architectures the model architectures ({@code general.architecture}) it can load; empty
 *        when it does not say (a server decides by its own version)
 * @param gpuBackends the GPU backends it can offload to, lower case: {@code cuda}, {@code rocm},
 *        {@code metal}, {@code vulkan}, {@code sycl}
 * @param requiredCpuFeatures CPU features its native code needs unconditionally, lower case
 *        ({@code avx2}); empty for none
 * @param windowedAttentionCache whether it sizes a sliding-window layer's cache to the window
 *        (rather than to the whole context), which changes how much memory a model needs
 * @param logprobs whether it reports the log probabilities of generated tokens and their alternatives
 */
public record EngineCapabilities(Set<ResponseFormat.Kind> responseFormats, String grammarDialect, boolean embeddings,
                                 boolean tools, boolean images, boolean thinking, Set<LoadOptions.Field> loadOptions,
                                 Set<String> architectures, Set<String> gpuBackends, Set<String> requiredCpuFeatures,
                                 boolean windowedAttentionCache, boolean logprobs) {

    private static final EngineCapabilities UNKNOWN = builder().build();

    /** Copies the sets. */
    public EngineCapabilities {
        responseFormats = responseFormats == null || responseFormats.isEmpty()
                ? Set.of(ResponseFormat.Kind.TEXT) : Set.copyOf(responseFormats);
        grammarDialect = grammarDialect == null ? "" : grammarDialect;
        loadOptions = loadOptions == null ? Set.of() : Set.copyOf(loadOptions);
        architectures = architectures == null ? Set.of() : Set.copyOf(architectures);
        gpuBackends = lower(gpuBackends);
        requiredCpuFeatures = lower(requiredCpuFeatures);
    }

    private static Set<String> lower(Set<String> values) {
        return values == null ? Set.of() : values.stream().map(v -> v.toLowerCase(Locale.ROOT))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** @return an engine that says nothing about itself: text only */
    public static EngineCapabilities unknown() {
        return UNKNOWN;
    }

    /** @return an empty builder: text only, nothing else */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param architecture a {@code general.architecture}, e.g. {@code qwen3}
     * @return whether the engine can load it: when it lists no architectures, it is not known to refuse any
     */
    public boolean runs(String architecture) {
        return architectures.isEmpty() || architectures.contains(architecture);
    }

    /**
     * @param request a request
     * @return the first thing in it this engine cannot serve, e.g. {@code "tools"}, or empty if it serves all
     */
    public String missingFor(GenerationRequest request) {
        if (!responseFormats.contains(request.responseFormat().kind())) {
            return "the " + request.responseFormat().kind().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                    + " response format";
        }
        if (!request.tools().isEmpty() && !tools) {
            return "tools";
        }
        if (!images && request.messages().stream().anyMatch(m -> !m.images().isEmpty())) {
            return "images";
        }
        if (Boolean.TRUE.equals(request.think()) && !thinking) {
            return "thinking";
        }
        if (request.logprobs() != null && !logprobs) {
            return "log probabilities";
        }
        return "";
    }

    /** @return a builder holding these values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.responseFormats = EnumSet.copyOf(responseFormats);
        b.grammarDialect = grammarDialect;
        b.embeddings = embeddings;
        b.tools = tools;
        b.images = images;
        b.thinking = thinking;
        b.loadOptions = loadOptions.isEmpty() ? EnumSet.noneOf(LoadOptions.Field.class) : EnumSet.copyOf(loadOptions);
        b.architectures = architectures;
        b.gpuBackends = gpuBackends;
        b.requiredCpuFeatures = requiredCpuFeatures;
        b.windowedAttentionCache = windowedAttentionCache;
        b.logprobs = logprobs;
        return b;
    }

    /** Builds {@link EngineCapabilities}. */
    public static final class Builder {
        private Set<ResponseFormat.Kind> responseFormats = EnumSet.of(ResponseFormat.Kind.TEXT);
        private String grammarDialect = "";
        private boolean embeddings;
        private boolean tools;
        private boolean images;
        private boolean thinking;
        private Set<LoadOptions.Field> loadOptions = EnumSet.noneOf(LoadOptions.Field.class);
        private Set<String> architectures = Set.of();
        private Set<String> gpuBackends = Set.of();
        private Set<String> requiredCpuFeatures = Set.of();
        private boolean windowedAttentionCache;
        private boolean logprobs;

        private Builder() {
        }

        /** @param kinds the formats it enforces, besides text @return this */
        public Builder responseFormats(ResponseFormat.Kind... kinds) {
            responseFormats = EnumSet.of(ResponseFormat.Kind.TEXT, kinds);
            return this;
        }

        /** @param dialect the GBNF dialect it checks grammars against; also adds the grammar format @return this */
        public Builder grammarDialect(String dialect) {
            grammarDialect = Objects.requireNonNull(dialect, "dialect");
            responseFormats.add(ResponseFormat.Kind.GRAMMAR);
            return this;
        }

        /** @param v embeds text @return this */
        public Builder embeddings(boolean v) {
            embeddings = v;
            return this;
        }

        /** @param v takes tools @return this */
        public Builder tools(boolean v) {
            tools = v;
            return this;
        }

        /** @param v takes images @return this */
        public Builder images(boolean v) {
            images = v;
            return this;
        }

        /** @param v separates thinking @return this */
        public Builder thinking(boolean v) {
            thinking = v;
            return this;
        }

        /** @param fields the portable load settings it honours @return this */
        public Builder loadOptions(LoadOptions.Field... fields) {
            loadOptions = fields.length == 0 ? EnumSet.noneOf(LoadOptions.Field.class) : EnumSet.of(fields[0], fields);
            return this;
        }

        /** @param v the architectures it loads; empty for "not known to refuse any" @return this */
        public Builder architectures(Set<String> v) {
            architectures = v;
            return this;
        }

        /** @param v GPU backends it offloads to @return this */
        public Builder gpuBackends(Set<String> v) {
            gpuBackends = v;
            return this;
        }

        /** @param v CPU features its native code needs @return this */
        public Builder requiredCpuFeatures(Set<String> v) {
            requiredCpuFeatures = v;
            return this;
        }

        /** @param v sizes sliding-window caches to the window @return this */
        public Builder windowedAttentionCache(boolean v) {
            windowedAttentionCache = v;
            return this;
        }

        /** @param v reports log probabilities @return this */
        public Builder logprobs(boolean v) {
            logprobs = v;
            return this;
        }

        /** @return the capabilities */
        public EngineCapabilities build() {
            if (!grammarDialect.isEmpty()) {
                responseFormats.add(ResponseFormat.Kind.GRAMMAR);
            }
            return new EngineCapabilities(responseFormats, grammarDialect, embeddings, tools, images, thinking,
                    loadOptions, architectures, gpuBackends, requiredCpuFeatures, windowedAttentionCache, logprobs);
        }
    }
}
