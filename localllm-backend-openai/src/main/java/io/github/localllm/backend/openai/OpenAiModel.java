package io.github.localllm.backend.openai;

import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelInfo;
import io.github.localllm.ModelInstance;
import io.github.localllm.Tokenizer;
import io.github.localllm.http.HttpCall;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import tools.jackson.databind.node.ObjectNode;

/**
 * A model an OpenAI-compatible server serves. {@link #stream} asks for a streamed answer;
 * {@link #generate} reads the same stream to its end, or asks for a whole answer when the backend is
 * set to ({@link OpenAiBackend.Builder#completeAnswers}); both run through one {@link Exchange}, so
 * they fail, time out and cancel alike. Closing the model cancels the requests still running.
 */
final class OpenAiModel implements ModelInstance {
    private final OpenAiBackend backend;
    private final ModelInfo info;
    private final ServerDialect dialect;
    private final RequestBodies bodies;
    private final Embeddings embeddings;
    /** llama.cpp's own routes; {@code null} for other servers, or when the server's root is not known. */
    private final ServerTokenizer tokenizer;
    private final LlamaServerRoutes routes;
    private final Runnable onClose;
    private final Set<Exchange> running = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    OpenAiModel(OpenAiBackend backend, ModelInfo info, ServerDialect dialect, Runnable onClose) {
        this.backend = backend;
        this.info = info;
        this.dialect = dialect;
        this.bodies = new RequestBodies(backend.transport().mapper(), dialect,
                info.capabilities().grammarDialect().isEmpty() ? RequestBodies.GRAMMAR_DIALECT
                        : info.capabilities().grammarDialect());
        this.embeddings = new Embeddings(backend, info);
        boolean llamaCpp = dialect == ServerDialect.LLAMA_CPP && backend.endpoints().hasRoot();
        this.tokenizer = llamaCpp ? new ServerTokenizer(backend, info.name(), this::checkOpen) : null;
        this.routes = llamaCpp ? new LlamaServerRoutes(backend, this::checkOpen) : null;
        this.onClose = onClose;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    /** @return llama-server's {@code /tokenize} and {@code /detokenize}; none from other servers */
    @Override
    public Optional<Tokenizer> tokenizer() {
        return Optional.ofNullable(tokenizer);
    }

    /** @return {@link LlamaServerModel} from a llama-server */
    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        if (type.isInstance(this)) {
            return Optional.of(type.cast(this));
        }
        return routes != null && type.isInstance(routes) ? Optional.of(type.cast(routes)) : Optional.empty();
    }

    @Override
    public GenerationResult generate(GenerationRequest request) {
        try (GenerationStream stream = open(request, backend.completeChatPath() == null)) {
            return stream.result();
        }
    }

    @Override
    public GenerationStream stream(GenerationRequest request) {
        return open(request, true);
    }

    private GenerationStream open(GenerationRequest request, boolean streamed) {
        checkOpen();
        String missing = info.capabilities().missingFor(request);
        if (!missing.isEmpty()) {
            throw new InvalidRequestException(info.name() + " on " + dialect.displayName() + " cannot serve "
                    + missing + "; remove it from the request, or use a model or server that has it");
        }
        Integer context = info.options().contextSize();
        if (tokenizer != null && context != null) {
            PromptLength.check(request, tokenizer, context);
        }
        boolean completion = RequestBodies.isCompletion(request);
        ObjectNode body = bodies.body(request, info.name(), streamed);
        String path = !streamed && !completion ? backend.completeChatPath()
                : backend.endpoints().api(completion ? "/completions" : "/chat/completions");
        HttpCall call = HttpCall.post(path, body).forModel(info.name(), backend.modelHint());
        if (dialect == ServerDialect.LLAMA_CPP) {
            // llama-server closes a connection after a streamed answer although its headers offer
            // keep-alive, and the JDK may have pooled it by then: a request that goes out on it gets no
            // byte back. A local llama-server keeps no state between requests and bills nothing, so
            // sending the request again on a new connection is safe there, unlike on a cloud API.
            call = call.resendIfUnanswered();
        }
        int alternatives = request.logprobs() == null ? -1 : request.logprobs();
        Exchange.Reader reader = streamed ? new StreamedAnswer(alternatives)
                : new WholeAnswer(backend.transport().mapper(), backend.answerMetrics(), alternatives);
        Exchange[] self = new Exchange[1];
        // llama-server (b10470) closes the connection after a streamed answer although its headers offer
        // keep-alive; pooled, the next request would go out on the closed connection and fail at once.
        boolean pool = !streamed || dialect != ServerDialect.LLAMA_CPP;
        Exchange exchange = new Exchange(backend.transport(), call, reader, info.name(), info.loadTime(),
                request.timeout(), pool, () -> {
                    // The timer may cancel a tiny timeout before the exchange is stored.
                    Exchange e = self[0];
                    if (e != null) {
                        running.remove(e);
                    }
                });
        self[0] = exchange;
        running.add(exchange);
        if (closed.get()) {
            running.remove(exchange);
            checkOpen();
        }
        return exchange.start();
    }

    @Override
    public EmbeddingResult embed(EmbeddingRequest request) {
        checkOpen();
        return embeddings.embed(request);
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new InvalidRequestException(info.name() + " was closed; load it again to use it");
        }
    }

    /** Cancels the requests still running, then runs the backend's close action once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Exchange exchange : running) {
            exchange.stream().close();
        }
        onClose.run();
    }

    @Override
    public String toString() {
        return "OpenAiModel[" + info.name() + " on " + backend.endpoints().base() + "]";
    }
}
