package io.github.localllm.fake;

import io.github.localllm.Embedding;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationMetrics;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.ModelInfo;
import io.github.localllm.ModelInstance;
import io.github.localllm.Tokenizer;
import io.github.localllm.Usage;
import io.github.localllm.spi.ModelLoadRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic model: it answers with its input reversed, one character per chunk.
 * The input {@value #FAIL} fails at once; {@value #FAIL_LATER} fails after the first chunk.
 */
public final class FakeModel implements ModelInstance {
    /** Input that makes generate() and stream() fail before any output. */
    public static final String FAIL = "please fail";
    /** Input whose stream fails after one chunk. */
    public static final String FAIL_LATER = "fail later";

    private final ModelInfo info;
    private final AtomicInteger closeCalls = new AtomicInteger();
    private final List<FakeStream> streams = new ArrayList<>();

    FakeModel(String backend, ModelLoadRequest request) {
        this.info = new ModelInfo(request.model().text(), backend, "fake", -1, "unknown", -1, 2,
                request.options(), Duration.ofMillis(1));
    }

    /** @param request a request @return the text this model answers it with */
    public static String answer(GenerationRequest request) {
        return new StringBuilder(input(request)).reverse().toString();
    }

    /** The prompt, or the last chat message. */
    private static String input(GenerationRequest request) {
        return request.prompt() != null ? request.prompt()
                : request.messages().get(request.messages().size() - 1).content();
    }

    @Override
    public GenerationResult generate(GenerationRequest request) {
        if (input(request).equals(FAIL)) {
            throw new GenerationException("the fake engine was told to fail");
        }
        String text = answer(request);
        return new GenerationResult(text, FinishReason.STOP, new Usage(text.length(), text.length()),
                new GenerationMetrics(info.loadTime(), Duration.ZERO, Duration.ZERO, 0, 0), info.name());
    }

    @Override
    public GenerationStream stream(GenerationRequest request) {
        if (input(request).equals(FAIL)) {
            throw new GenerationException("the fake engine was told to fail");
        }
        List<String> pieces = new ArrayList<>();
        answer(request).codePoints().forEach(cp -> pieces.add(new String(Character.toChars(cp))));
        FakeStream stream = input(request).equals(FAIL_LATER)
                ? FakeStream.failing(new GenerationException("the fake engine failed part way"), pieces.get(0))
                : FakeStream.named(info.name(), pieces);
        synchronized (streams) {
            streams.add(stream);
        }
        return stream;
    }

    @Override
    public EmbeddingResult embed(EmbeddingRequest request) {
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
        return Optional.empty();
    }

    /** @return the streams opened, in order */
    public List<FakeStream> streams() {
        synchronized (streams) {
            return List.copyOf(streams);
        }
    }

    /** @return how often close() was called */
    public int closeCalls() {
        return closeCalls.get();
    }

    @Override
    public void close() {
        closeCalls.incrementAndGet();
    }
}
