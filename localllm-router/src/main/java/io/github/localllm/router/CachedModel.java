package io.github.localllm.router;

import io.github.localllm.ChatMessage;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.GenerationMetrics;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.LanguageModel;
import io.github.localllm.Role;
import io.github.localllm.RoutingDecision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A model behind a {@link ResponseCache}. */
final class CachedModel implements LanguageModel {
    private static final Logger LOG = LoggerFactory.getLogger(CachedModel.class);
    /** Stands for the text that varies between semantically equal requests; never sent anywhere. */
    private static final String VARYING_TEXT = "[the text compared by meaning]";

    /** A request as the exact level knows it: which model, and everything that shapes the answer. */
    private record ExactKey(CachedModel owner, GenerationRequest request) {
    }

    /** A request without its last user text, as the semantic level compares it. */
    private record ShapeKey(CachedModel owner, GenerationRequest request) {
    }

    /** What a lookup needs to store the answer on a miss. */
    private record Lookup(ExactKey exact, ShapeKey shape, float[] vector) {
    }

    private final LanguageModel model;
    private final ResponseCache cache;

    CachedModel(LanguageModel model, ResponseCache cache) {
        this.model = model;
        this.cache = cache;
    }

    @Override
    public GenerationResult generate(GenerationRequest request) {
        long start = System.nanoTime();
        Lookup lookup = new Lookup(exactKey(request), null, null);
        Optional<GenerationResult> hit = exactHit(lookup, start);
        if (hit.isPresent()) {
            return hit.get();
        }
        lookup = withSemantic(lookup, request);
        hit = semanticHit(lookup, start);
        if (hit.isPresent()) {
            return hit.get();
        }
        cache.entries().miss();
        GenerationResult result = model.generate(request);
        store(lookup, result);
        return result;
    }

    @Override
    public GenerationStream stream(GenerationRequest request) {
        long start = System.nanoTime();
        Lookup lookup = new Lookup(exactKey(request), null, null);
        Optional<GenerationResult> hit = exactHit(lookup, start);
        if (hit.isEmpty()) {
            lookup = withSemantic(lookup, request);
            hit = semanticHit(lookup, start);
        }
        if (hit.isPresent()) {
            return new ReplayedStream(hit.get());
        }
        cache.entries().miss();
        Lookup toStore = lookup;
        return WatchedStream.onResult(model.stream(request), result -> store(toStore, result));
    }

    /** Embeddings are not cached: they are cheap and callers often batch them. */
    @Override
    public EmbeddingResult embed(EmbeddingRequest request) {
        return model.embed(request);
    }

    private ExactKey exactKey(GenerationRequest request) {
        return ResponseCache.deterministic(request)
                ? new ExactKey(this, request.toBuilder().timeout(null).build()) : null;
    }

    private Optional<GenerationResult> exactHit(Lookup lookup, long start) {
        if (lookup.exact() == null) {
            return Optional.empty();
        }
        return cache.entries().exact(lookup.exact()).map(e -> answer(e, "an identical request", start));
    }

    private Lookup withSemantic(Lookup lookup, GenerationRequest request) {
        Optional<LanguageModel> embedder = cache.embedder();
        if (embedder.isEmpty()) {
            return lookup;
        }
        Optional<Split> split = split(request);
        if (split.isEmpty()) {
            return lookup;
        }
        try {
            EmbeddingResult e = embedder.get().embed(EmbeddingRequest.of(split.get().text()));
            return new Lookup(lookup.exact(), new ShapeKey(this, split.get().shape()),
                    e.embeddings().get(0).vector());
        } catch (RuntimeException e) {
            // The cache is an optimisation: a failing embedding model must not fail the request.
            LOG.debug("semantic cache skipped: the embedding model failed: {}", e.toString());
            return lookup;
        }
    }

    private Optional<GenerationResult> semanticHit(Lookup lookup, long start) {
        if (lookup.vector() == null) {
            return Optional.empty();
        }
        return cache.entries().nearest(lookup.shape(), lookup.vector(), cache.threshold())
                .map(h -> answer(h.entry(), String.format(java.util.Locale.ROOT,
                        "a similar request (similarity %.3f)", h.similarity()), start));
    }

    private void store(Lookup lookup, GenerationResult result) {
        if (ResponseCache.complete(result)) {
            cache.entries().put(lookup.exact(), lookup.shape(), lookup.vector(), result);
        }
    }

    private GenerationResult answer(CacheEntries.Entry entry, String matched, long start) {
        GenerationResult kept = entry.result();
        Duration lookup = Duration.ofNanos(System.nanoTime() - start);
        Duration age = Duration.between(entry.stored(), cache.clock().instant());
        String by = kept.routing().map(r -> r.target() + " (" + kept.model() + ")").orElse(kept.model());
        RoutingDecision decision = new RoutingDecision("cache", kept.model(), "cache",
                "the answer " + by + " gave " + age.toSeconds() + " s ago to " + matched, List.of(), false);
        return kept.toBuilder().routing(decision)
                .metrics(new GenerationMetrics(Duration.ZERO, lookup, lookup, 0, 0)).build();
    }

    /** A request's last user text, and the request with that text replaced. */
    private record Split(String text, GenerationRequest shape) {
    }

    private static Optional<Split> split(GenerationRequest request) {
        if (request.prompt() != null) {
            return Optional.of(new Split(request.prompt(), shape(request, VARYING_TEXT, request.messages())));
        }
        List<ChatMessage> messages = new ArrayList<>(request.messages());
        for (int i = messages.size() - 1; i >= 0; i--) {
            ChatMessage m = messages.get(i);
            if (m.role() == Role.USER) {
                if (m.content().isBlank()) {
                    return Optional.empty();
                }
                messages.set(i, new ChatMessage(Role.USER, VARYING_TEXT, m.images(), m.toolCalls(), m.toolCallId(),
                        m.thinking()));
                return Optional.of(new Split(m.content(), shape(request, null, messages)));
            }
        }
        return Optional.empty();
    }

    private static GenerationRequest shape(GenerationRequest r, String prompt, List<ChatMessage> messages) {
        return new GenerationRequest(prompt, messages, r.raw(), r.sampling(), r.stop(), r.maxTokens(),
                r.responseFormat(), r.outputRetries(), r.tools(), r.think(), null, r.logprobs());
    }

    @Override
    public String toString() {
        return "cached " + model;
    }
}
