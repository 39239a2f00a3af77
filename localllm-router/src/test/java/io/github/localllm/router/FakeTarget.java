package io.github.localllm.router;

import io.github.localllm.Embedding;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.LoadOptions;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelInfo;
import io.github.localllm.ModelInstance;
import io.github.localllm.ResponseFormat;
import io.github.localllm.Tokenizer;
import io.github.localllm.ToolCallPiece;
import io.github.localllm.Usage;
import io.github.localllm.spi.ChunkFeed;
import io.github.localllm.spi.EngineCapabilities;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model that does what it is told, request by request ({@link Script}): answers, refuses, fails
 * part way, stalls or slows down. Streams are {@link ChunkFeed}s in pull mode, so that timeouts,
 * close and cancel behave as in the real engines. Counts calls and requests in flight.
 */
final class FakeTarget implements ModelInstance {
    private final String name;
    private final ModelInfo info;
    private final Deque<Script> scripts = new ArrayDeque<>();
    private Script always = Script.answer("Hello", " from", " fake");
    final List<GenerationRequest> requests = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicInteger cancels = new AtomicInteger();

    /** @param name its name; it can do everything */
    private volatile Tokenizer tokenizer;

    FakeTarget(String name) {
        this(name, null, null);
    }

    FakeTarget(String name, EngineCapabilities capabilities, Integer contextSize) {
        this.name = name;
        this.info = ModelInfo.builder(name + "-model", "fake").capabilities(capabilities != null ? capabilities
                        : EngineCapabilities.builder().responseFormats(ResponseFormat.Kind.values())
                                .grammarDialect("fake").tools(true).images(true).thinking(true).logprobs(true)
                                .embeddings(true).build())
                .options(LoadOptions.builder().contextSize(contextSize).build()).build();
    }

    /** @param s what to do with every request not scripted by {@link #then} @return this */
    FakeTarget always(Script s) {
        synchronized (scripts) {
            always = s;
        }
        return this;
    }

    /** @param s what to do with the next request @return this */
    FakeTarget then(Script s) {
        synchronized (scripts) {
            scripts.add(s);
        }
        return this;
    }

    private Script next(GenerationRequest request) {
        calls.incrementAndGet();
        if (request != null) {
            requests.add(request);
        }
        synchronized (scripts) {
            Script s = scripts.poll();
            return s != null ? s : always;
        }
    }

    GenerationRequest lastRequest() {
        synchronized (requests) {
            return requests.get(requests.size() - 1);
        }
    }

    @Override
    public GenerationResult generate(GenerationRequest request) {
        try (GenerationStream stream = stream(request)) {
            return stream.result();
        }
    }

    @Override
    public GenerationStream stream(GenerationRequest request) {
        Script s = next(request);
        if (s.openError() != null) {
            throw s.openError();
        }
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        AtomicBoolean left = new AtomicBoolean();
        Runnable leave = () -> {
            if (left.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        };
        CountDownLatch cancelled = new CountDownLatch(1);
        Iterator<String> pieces = s.pieces().iterator();
        int[] sent = {0};
        ChunkFeed feed = ChunkFeed.builder(info.name()).timeout(request.timeout())
                .onCancel(() -> {
                    cancels.incrementAndGet();
                    cancelled.countDown();
                    leave.run();
                })
                .pull(f -> {
                    if (sent[0] == 0 && !waitBeforeFirst(s, cancelled)) {
                        return false;
                    }
                    if (sent[0] == s.failAfter()) {
                        leave.run();
                        f.fail(s.failure());
                        return false;
                    }
                    if (pieces.hasNext()) {
                        sent[0]++;
                        String piece = pieces.next();
                        // "tool:x" is a piece of a tool call: its name first, then its arguments.
                        return piece.startsWith("tool:")
                                ? f.toolCall(new ToolCallPiece(0, sent[0] == 1 ? "call_1" : null,
                                        sent[0] == 1 ? piece.substring(5) : null, sent[0] == 1 ? "" : piece.substring(5)))
                                : f.text(piece);
                    }
                    leave.run();
                    f.finish(FinishReason.STOP, new Usage(3, sent[0]));
                    return false;
                })
                .build();
        return feed.stream();
    }

    /** @return false when cancelled while waiting */
    private static boolean waitBeforeFirst(Script s, CountDownLatch cancelled) {
        try {
            if (s.gate() != null) {
                s.gate().await();
            }
            if (s.stall()) {
                cancelled.await();
                return false;
            }
            if (s.firstDelay() != null) {
                return !cancelled.await(s.firstDelay().toNanos(), TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public EmbeddingResult embed(EmbeddingRequest request) {
        Script s = next(null);
        if (s.openError() != null) {
            throw s.openError();
        }
        List<Embedding> vectors = new ArrayList<>();
        for (String input : request.inputs()) {
            vectors.add(new Embedding(new float[] {input.length(), 1f}));
        }
        return new EmbeddingResult(vectors, request.inputs().size(), info.name());
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public Optional<Tokenizer> tokenizer() {
        return Optional.ofNullable(tokenizer);
    }

    /** Gives the target a tokenizer, counted in {@link #tokenized}. */
    FakeTarget withTokenizer(Tokenizer t) {
        this.tokenizer = t;
        return this;
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return name;
    }

    /** A failure a test can make retryable and give a {@code Retry-After}. */
    static final class Busy extends LocalLlmException {
        private static final long serialVersionUID = 1L;
        private final transient java.time.Duration retryAfter;

        Busy(String message, java.time.Duration retryAfter) {
            super(message);
            this.retryAfter = retryAfter;
        }

        @Override
        public boolean isRetryable() {
            return true;
        }

        @Override
        public Optional<java.time.Duration> retryAfter() {
            return Optional.ofNullable(retryAfter);
        }
    }
}
