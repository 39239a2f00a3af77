package io.github.localllm.schema;

import io.github.localllm.Embedding;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationMetrics;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInfo;
import io.github.localllm.ModelInstance;
import io.github.localllm.Tokenizer;
import io.github.localllm.Usage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model that gives canned answers, one per call, in order, and records every request. Each
 * answer uses {@code 10 + call} prompt tokens and one completion token per character, so sums
 * over attempts are easy to check. Streams deliver an answer two characters per chunk.
 */
final class ScriptedModel implements ModelInstance {
    static final String NAME = "scripted";

    private final Deque<Object> script = new ArrayDeque<>();
    final List<GenerationRequest> requests = new CopyOnWriteArrayList<>();
    final List<GenerationResult> results = new CopyOnWriteArrayList<>();
    final List<Stream> streams = new CopyOnWriteArrayList<>();
    final AtomicInteger embedCalls = new AtomicInteger();
    final AtomicInteger closeCalls = new AtomicInteger();
    final Tokenizer tokenizer = new Tokenizer() {
        @Override
        public int[] tokenize(String text) {
            return text.chars().toArray();
        }

        @Override
        public String detokenize(int[] tokens) {
            return new String(tokens, 0, tokens.length);
        }
    };
    final ModelInfo info = new ModelInfo(NAME, "test", "none", -1, "unknown", -1, 1, LoadOptions.defaults(),
            Duration.ofMillis(1));

    /** @param texts answers that end with {@link FinishReason#STOP} @return a model giving them */
    static ScriptedModel answering(String... texts) {
        ScriptedModel model = new ScriptedModel();
        for (String text : texts) {
            model.then(text, FinishReason.STOP);
        }
        return model;
    }

    /** @param text the next answer @param finish why it ends @return this */
    ScriptedModel then(String text, FinishReason finish) {
        script.add(new Object[] {text, finish});
        return this;
    }

    /** @param failure what the next call throws @return this */
    ScriptedModel thenThrow(RuntimeException failure) {
        script.add(failure);
        return this;
    }

    private synchronized GenerationResult next(GenerationRequest request) {
        requests.add(request);
        Object step = script.poll();
        if (step == null) {
            throw new AssertionError("the script has no answer for call " + requests.size());
        }
        if (step instanceof RuntimeException) {
            throw (RuntimeException) step;
        }
        Object[] answer = (Object[]) step;
        String text = (String) answer[0];
        GenerationResult result = new GenerationResult(text, (FinishReason) answer[1],
                new Usage(10 + requests.size(), text.length()),
                new GenerationMetrics(info.loadTime(), Duration.ZERO, Duration.ZERO, 0, 0), NAME);
        results.add(result);
        return result;
    }

    @Override
    public GenerationResult generate(GenerationRequest request) {
        return next(request);
    }

    @Override
    public GenerationStream stream(GenerationRequest request) {
        Stream stream = new Stream(next(request));
        streams.add(stream);
        return stream;
    }

    @Override
    public EmbeddingResult embed(EmbeddingRequest request) {
        embedCalls.incrementAndGet();
        return new EmbeddingResult(List.of(new Embedding(new float[] {1f})), 1, NAME);
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public Optional<Tokenizer> tokenizer() {
        return Optional.of(tokenizer);
    }

    @Override
    public void close() {
        closeCalls.incrementAndGet();
    }

    /** A finished answer replayed as chunks; iterable once, like an engine's stream. */
    static final class Stream implements GenerationStream {
        private final GenerationResult result;
        private boolean iterated;
        volatile boolean closed;

        Stream(GenerationResult result) {
            this.result = result;
        }

        @Override
        public synchronized Iterator<GenerationChunk> iterator() {
            if (iterated) {
                throw new IllegalStateException("a stream can be iterated once");
            }
            iterated = true;
            List<GenerationChunk> chunks = new ArrayList<>();
            String text = result.text();
            for (int i = 0; i < text.length(); i += 2) {
                chunks.add(new GenerationChunk(text.substring(i, Math.min(text.length(), i + 2)), chunks.size()));
            }
            return chunks.iterator();
        }

        @Override
        public GenerationResult result() {
            return result;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
