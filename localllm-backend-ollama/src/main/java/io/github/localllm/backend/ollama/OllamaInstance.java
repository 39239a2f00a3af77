package io.github.localllm.backend.ollama;

import io.github.localllm.Embedding;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelInfo;
import io.github.localllm.ModelInstance;
import io.github.localllm.Tokenizer;
import io.github.localllm.http.HttpCall;
import io.github.localllm.spi.ChunkFeed;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import tools.jackson.databind.JsonNode;

/**
 * A model the Ollama server holds for this engine. Every request carries the load's options and
 * keep-alive, so the server neither reloads the model with other settings nor forgets how long to
 * keep it. Generation and streaming take the same path (a streamed answer, joined for
 * {@code generate}), so both behave alike. Thread-safe.
 */
final class OllamaInstance implements ModelInstance {
    private final OllamaBackend backend;
    private final String name;
    private final ModelInfo info;
    private final ShowInfo show;
    private final RequestBodies bodies;
    private final int contextSize;
    private final ServerVersion version;
    private final OllamaOptions.UnloadOnClose unloadOnClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Answers still being read, cancelled when the model is closed. */
    private final Set<GenerationStream> running = ConcurrentHashMap.newKeySet();

    OllamaInstance(OllamaBackend backend, String name, ModelInfo info, ShowInfo show, RequestBodies bodies,
                   int contextSize, ServerVersion version, OllamaOptions.UnloadOnClose unloadOnClose) {
        this.backend = backend;
        this.name = name;
        this.info = info;
        this.show = show;
        this.bodies = bodies;
        this.contextSize = contextSize;
        this.version = version;
        this.unloadOnClose = unloadOnClose;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    /** @return empty: Ollama's API has no endpoint that counts or splits tokens */
    @Override
    public Optional<Tokenizer> tokenizer() {
        return Optional.empty();
    }

    @Override
    public GenerationResult generate(GenerationRequest request) {
        try (GenerationStream stream = stream(request)) {
            return stream.result();
        }
    }

    @Override
    public GenerationStream stream(GenerationRequest request) {
        checkOpen();
        if (show.embeddingOnly()) {
            throw new InvalidRequestException(name + " is an embedding model, which Ollama cannot generate text"
                    + " with; call embed(...) on it, or load a chat model");
        }
        String missing = info.capabilities().missingFor(request);
        if (missing.equals("log probabilities")) {
            throw new InvalidRequestException(where() + " is version " + version.text() + ", which reports no log"
                    + " probabilities; they came in Ollama " + ServerVersion.REPORTS_LOGPROBS.text() + ": update"
                    + " Ollama, or remove logprobs from the request");
        }
        if (!missing.isEmpty()) {
            throw new InvalidRequestException(name + " on " + where() + " cannot serve " + missing
                    + " (the model's capabilities are " + show.capabilities() + "); remove it from the request"
                    + (missing.contains("grammar") ? " or use a JSON schema, which Ollama enforces" : "")
                    + ", or load a model that has it");
        }
        String path = RequestBodies.isChat(request) ? "/api/chat" : "/api/generate";
        HttpCall call = HttpCall.post(path, bodies.generation(request)).forModel(name, OllamaErrors.pullHint(name));
        AnswerPump pump = new AnswerPump(backend.transport(), call, this);
        ChunkFeed feed = ChunkFeed.builder(name).loadTime(info.loadTime()).timeout(request.timeout())
                .onCancel(pump::cancel).pull(pump).build();
        GenerationStream stream = feed.stream();
        pump.whenDone(() -> running.remove(stream));
        running.add(stream);
        if (feed.isClosed()) {
            // Its timer ended it (a tiny timeout) before it was stored: it holds nothing to cancel.
            running.remove(stream);
        }
        if (closed.get()) {
            // Closed while this request started: it must not outlive the model.
            stream.close();
        }
        return stream;
    }

    @Override
    public EmbeddingResult embed(EmbeddingRequest request) {
        checkOpen();
        if (!info.capabilities().embeddings()) {
            throw new InvalidRequestException(name + " does not embed text (" + where() + " lists its capabilities as "
                    + show.capabilities() + "); load an embedding model, such as nomic-embed-text or all-minilm, for"
                    + " embed(...)");
        }
        try {
            return request.normalize() ? normalized(request.inputs()) : raw(request.inputs());
        } catch (LocalLlmException e) {
            throw OllamaErrors.forRequest(e, where(), contextSize);
        }
    }

    /** {@code /api/embed}: all inputs at once, vectors of unit length. */
    private EmbeddingResult normalized(List<String> inputs) {
        JsonNode answer = backend.transport().json(HttpCall.post("/api/embed", bodies.embed(inputs)).idempotent()
                .forModel(name, OllamaErrors.pullHint(name)));
        JsonNode vectors = answer.path("embeddings");
        if (!vectors.isArray() || vectors.size() != inputs.size()) {
            throw new GenerationException(where() + " answered " + (vectors.isArray() ? vectors.size() : "no")
                    + " embeddings for " + inputs.size() + " inputs; retry, and if it persists check the server's log");
        }
        List<Embedding> out = new ArrayList<>(inputs.size());
        for (JsonNode v : vectors) {
            out.add(new Embedding(floats(v)));
        }
        return new EmbeddingResult(out, answer.path("prompt_eval_count").asInt(0), name);
    }

    /**
     * The legacy {@code /api/embeddings}, one input a request: the only endpoint that returns the
     * model's vector without scaling it to unit length. It takes no {@code truncate} and reports no
     * token count.
     */
    private EmbeddingResult raw(List<String> inputs) {
        List<Embedding> out = new ArrayList<>(inputs.size());
        for (String input : inputs) {
            JsonNode answer = backend.transport().json(HttpCall.post("/api/embeddings", bodies.legacyEmbedding(input))
                    .idempotent().forModel(name, OllamaErrors.pullHint(name)));
            out.add(new Embedding(floats(answer.path("embedding"))));
        }
        return new EmbeddingResult(out, 0, name);
    }

    private float[] floats(JsonNode vector) {
        if (!vector.isArray() || vector.isEmpty()) {
            throw new GenerationException(where() + " answered an empty embedding for " + name + "; check that the"
                    + " model embeds text (its capabilities are " + show.capabilities() + ")");
        }
        float[] v = new float[vector.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode x = vector.get(i);
            if (!x.isNumber()) {
                throw new GenerationException(where() + " answered an embedding with " + x + " at position " + i
                        + ", not a number; the server's version may differ from what this engine supports");
            }
            v[i] = x.floatValue();
        }
        return v;
    }

    /**
     * Cancels the answers still streaming (they end {@code CANCELLED}), then unloads the model as
     * {@link OllamaOptions.UnloadOnClose} says; later requests fail.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (GenerationStream stream : running) {
                stream.close();
            }
            backend.closed(this);
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new LocalLlmException("model " + name + " is closed; load it again");
        }
    }

    String name() {
        return name;
    }

    int contextSize() {
        return contextSize;
    }

    String serverVersion() {
        return version.text();
    }

    OllamaOptions.UnloadOnClose unloadOnClose() {
        return unloadOnClose;
    }

    /** @return "Ollama at http://host:port", for messages */
    String where() {
        return backend.where();
    }

    @Override
    public String toString() {
        return "OllamaInstance[" + name + " at " + where() + (closed.get() ? ", closed]" : "]");
    }
}
