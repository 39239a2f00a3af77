package io.github.localllm.testkit.contract;

import io.github.localllm.Embedding;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelInfo;
import io.github.localllm.ModelInstance;
import io.github.localllm.ResponseFormat;
import io.github.localllm.Tokenizer;
import io.github.localllm.Usage;
import io.github.localllm.schema.StructuredOutput;
import io.github.localllm.spi.BackendInfo;
import io.github.localllm.spi.ChunkFeed;
import io.github.localllm.spi.EngineCapabilities;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.ModelLoadRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An engine pushed its answers the way an HTTP engine is: a reader thread per request feeds a
 * {@link ChunkFeed}. Its answers are words chosen by the prompt, one token each, or a script; it can
 * stall on command, and it can be built with one of the {@link Defect}s the contract must catch.
 */
final class ScriptedEngine implements InferenceBackend {
    static final String ID = "scripted";
    private static final String[] WORDS = {"amber", "birch", "cedar", "dune", "ember", "fjord", "grove", "heath",
        "inlet", "juniper", "kelp", "larch", "moss", "nettle", "oak", "pine"};
    private static final int ANSWER_WORDS = 12;
    private static final int DIMENSIONS = 8;
    private static final EngineCapabilities CAPABILITIES = EngineCapabilities.builder()
            .responseFormats(ResponseFormat.Kind.JSON, ResponseFormat.Kind.JSON_SCHEMA).embeddings(true).build();

    /** Ways to break the contract, one at a time. */
    enum Defect {
        /** Stop sequences stay in the text. */
        LEAKS_STOP_SEQUENCES,
        /** Tools, images and thinking are sent on, not refused. */
        IGNORES_MISSING_CAPABILITIES,
        /** Models are not wrapped with {@code StructuredOutput.enforce}. */
        SKIPS_SCHEMA_CHECK,
        /** The request's timeout is not given to the feed. */
        IGNORES_TIMEOUT,
        /** A thread that keeps the JVM alive outlives the engine. */
        LEAVES_A_THREAD
    }

    private final Set<Defect> defects;
    private final Queue<List<String>> scripted;
    private final AtomicReference<Duration> stall;
    /** Generations that got past the engine's own checks: what a server would have received. */
    private final AtomicLong requests;

    private ScriptedEngine(Set<Defect> defects, Queue<List<String>> scripted, AtomicReference<Duration> stall,
                           AtomicLong requests) {
        this.defects = defects;
        this.scripted = scripted;
        this.stall = stall;
        this.requests = requests;
        if (defects.contains(Defect.LEAVES_A_THREAD)) {
            Thread keeper = new Thread(() -> sleep(Duration.ofSeconds(30)), "scripted-engine-keeper");
            keeper.start();
        }
    }

    /** What a test controls across the engines its contract makes: defects, the script and stalls. */
    static final class Controls {
        private final Set<Defect> defects;
        private final Queue<List<String>> scripted = new ConcurrentLinkedQueue<>();
        private final AtomicReference<Duration> stall = new AtomicReference<>();
        private final AtomicLong requests = new AtomicLong();

        Controls(Defect... defects) {
            this.defects = defects.length == 0 ? Set.of() : EnumSet.of(defects[0], defects);
        }

        ScriptedEngine newEngine() {
            return new ScriptedEngine(defects, scripted, stall, requests);
        }

        void answerNext(List<String> pieces) {
            scripted.add(List.copyOf(pieces));
        }

        void stallNext(Duration pause) {
            stall.set(pause);
        }

        long requests() {
            return requests.get();
        }
    }

    @Override
    public BackendInfo info() {
        return BackendInfo.builder(ID).name("scripted engine").version("1").capabilities(CAPABILITIES).build();
    }

    @Override
    public ModelInstance load(ModelLoadRequest request) {
        ModelInstance model = new Model(request.model().text());
        return defects.contains(Defect.SKIPS_SCHEMA_CHECK) ? model : StructuredOutput.enforce(model);
    }

    @Override
    public void close() {
        // Nothing of its own: each model ends its readers.
    }

    private final class Model implements ModelInstance {
        private final ModelInfo info;
        private final Set<GenerationStream> running = ConcurrentHashMap.newKeySet();
        private volatile boolean closed;

        Model(String name) {
            info = ModelInfo.builder(name, ID).embeddingLength(DIMENSIONS).capabilities(CAPABILITIES).build();
        }

        @Override
        public ModelInfo info() {
            return info;
        }

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
            if (closed) {
                throw new LocalLlmException(info.name() + " is closed; load it again");
            }
            String missing = CAPABILITIES.missingFor(request);
            if (!missing.isEmpty() && !defects.contains(Defect.IGNORES_MISSING_CAPABILITIES)) {
                throw new InvalidRequestException("the scripted engine cannot serve " + missing);
            }
            requests.incrementAndGet();
            List<String> pieces = scripted.poll();
            List<String> answer = pieces != null ? pieces : words(request);
            Duration pause = stall.getAndSet(null);
            CountDownLatch cancelled = new CountDownLatch(1);
            ChunkFeed.Builder builder = ChunkFeed.builder(info.name()).onCancel(cancelled::countDown);
            if (!defects.contains(Defect.IGNORES_TIMEOUT)) {
                builder.timeout(request.timeout());
            }
            ChunkFeed feed = builder.build();
            running.add(feed.stream());
            Thread reader = new Thread(() -> {
                try {
                    feed(feed, request, answer, pause, cancelled);
                } finally {
                    running.remove(feed.stream());
                }
            }, "scripted-engine-reader");
            reader.setDaemon(true);
            reader.start();
            return feed.stream();
        }

        private void feed(ChunkFeed feed, GenerationRequest request, List<String> answer, Duration pause,
                          CountDownLatch cancelled) {
            StringBuilder text = new StringBuilder();
            int sent = 0;
            for (String piece : answer) {
                if (request.maxTokens() != null && sent == request.maxTokens()) {
                    feed.finish(FinishReason.LENGTH, new Usage(5, sent), null);
                    return;
                }
                String out = piece;
                // The contract's stop sequences fall inside one word, so no text before this piece needs holding back.
                int cut = stopAt(request, text + piece);
                if (cut >= 0 && !defects.contains(Defect.LEAKS_STOP_SEQUENCES)) {
                    out = piece.substring(0, Math.max(0, cut - text.length()));
                }
                if (!feed.text(out)) {
                    return;
                }
                text.append(out);
                sent++;
                if (cut >= 0) {
                    feed.finish(FinishReason.STOP, new Usage(5, sent), null);
                    return;
                }
                if (sent == 1 && pause != null && awaitQuietly(cancelled, pause)) {
                    return;
                }
            }
            feed.finish(FinishReason.STOP, new Usage(5, sent), null);
        }

        private int stopAt(GenerationRequest request, String text) {
            return request.stop().stream().mapToInt(text::indexOf).filter(i -> i >= 0).min().orElse(-1);
        }

        private List<String> words(GenerationRequest request) {
            String prompt = request.prompt() != null ? request.prompt() : request.messages().toString();
            SplittableRandom random = new SplittableRandom(prompt.hashCode());
            List<String> out = new ArrayList<>();
            for (int i = 0; i < ANSWER_WORDS; i++) {
                out.add((i == 0 ? "" : " ") + WORDS[random.nextInt(WORDS.length)]);
            }
            return out;
        }

        @Override
        public EmbeddingResult embed(EmbeddingRequest request) {
            if (closed) {
                throw new LocalLlmException(info.name() + " is closed; load it again");
            }
            List<Embedding> vectors = new ArrayList<>();
            for (String input : request.inputs()) {
                SplittableRandom random = new SplittableRandom(input.hashCode());
                float[] v = new float[DIMENSIONS];
                double norm = 0;
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (random.nextDouble() * 2 - 1);
                    norm += v[i] * v[i];
                }
                for (int i = 0; i < v.length && request.normalize(); i++) {
                    v[i] = (float) (v[i] / Math.sqrt(norm));
                }
                vectors.add(new Embedding(v));
            }
            return new EmbeddingResult(vectors, request.inputs().size(), info.name());
        }

        @Override
        public void close() {
            closed = true;
            running.forEach(GenerationStream::close);
        }
    }

    /** @return whether the wait ended because the stream was cancelled */
    private static boolean awaitQuietly(CountDownLatch latch, Duration pause) {
        try {
            return latch.await(pause.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
