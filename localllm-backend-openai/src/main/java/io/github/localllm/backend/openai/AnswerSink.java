package io.github.localllm.backend.openai;

import io.github.localllm.FinishReason;
import io.github.localllm.GenerationMetrics;
import io.github.localllm.TokenLogprob;
import io.github.localllm.ToolCallPiece;
import io.github.localllm.Usage;
import io.github.localllm.spi.ChunkFeed;
import java.time.Duration;
import java.util.List;

/**
 * Where an answer's readers put what they read: the pieces go on to the {@link ChunkFeed}, the
 * rest (finish reason, usage, the server's timings) is kept for the end. Remembers when the first
 * piece came, for the time to the first token. The consumer's thread only, a step at a time.
 */
final class AnswerSink {
    private ChunkFeed feed;
    private final Duration loadTime;
    private final long startNanos;
    private long firstNanos;
    private String finishReason;
    private Usage usage;
    private Timings timings;
    private boolean finished;

    AnswerSink(Duration loadTime) {
        this.loadTime = loadTime;
        this.startNanos = System.nanoTime();
    }

    /** @param target the feed the pieces go to; set once, before the first piece */
    void feed(ChunkFeed target) {
        feed = target;
    }

    /** @return whether the answer was finished normally, so its end can be read for the connection's sake */
    boolean finished() {
        return finished;
    }

    /** @return {@code false} once the consumer closed the stream: stop reading */
    boolean text(String piece) {
        return piece == null || piece.isEmpty() ? !feed.isClosed() : first() && feed.text(piece);
    }

    /**
     * @param piece answer text, or {@code null}
     * @param logprobs the log probabilities of its tokens, handed on even with no text (a character not yet whole)
     * @return {@code false} once the consumer closed the stream: stop reading
     */
    boolean text(String piece, List<TokenLogprob> logprobs) {
        if (logprobs.isEmpty()) {
            return text(piece);
        }
        return first() && feed.text(piece == null ? "" : piece, logprobs);
    }

    /** @return {@code false} once the consumer closed the stream: stop reading */
    boolean thinking(String piece) {
        return piece == null || piece.isEmpty() ? !feed.isClosed() : first() && feed.thinking(piece);
    }

    /** @return {@code false} once the consumer closed the stream: stop reading */
    boolean toolCall(ToolCallPiece piece) {
        return first() && feed.toolCall(piece);
    }

    private boolean first() {
        if (firstNanos == 0) {
            firstNanos = System.nanoTime();
        }
        return true;
    }

    void finishReason(String reason) {
        if (reason != null) {
            finishReason = reason;
        }
    }

    void usage(Integer promptTokens, Integer completionTokens) {
        usage = new Usage(Math.max(0, promptTokens == null ? 0 : promptTokens),
                Math.max(0, completionTokens == null ? 0 : completionTokens));
    }

    void timings(Timings t) {
        timings = t;
    }

    /** @return the time since the request was sent */
    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    Duration loadTime() {
        return loadTime;
    }

    /** Ends the stream with what was read; the feed measures what the server did not say. */
    void finish() {
        finish(null);
    }

    /** @param metrics the server's own metrics, or {@code null} to use llama.cpp's timings if it sent them */
    void finish(GenerationMetrics metrics) {
        GenerationMetrics m = metrics;
        if (m == null && timings != null) {
            long end = System.nanoTime();
            long first = firstNanos == 0 ? end : firstNanos;
            m = timings.metrics(loadTime, Duration.ofNanos(first - startNanos), Duration.ofNanos(end - startNanos));
        }
        FinishReason reason = FinishReasons.of(finishReason);
        finished = true;
        feed.finish(reason, usage, m);
    }
}
