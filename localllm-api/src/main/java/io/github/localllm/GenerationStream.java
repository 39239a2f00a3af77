package io.github.localllm;

import io.github.localllm.internal.StreamPublisher;
import java.util.Iterator;
import java.util.concurrent.Flow;

/**
 * Text as it is generated. Iterate it once; then {@link #result()} holds the whole
 * answer. Closing the stream, at any time and from any thread, stops generation in
 * the engine and frees its slot for other requests.
 *
 * <pre>{@code
 * try (GenerationStream stream = model.stream(request)) {
 *     for (GenerationChunk chunk : stream) {
 *         System.out.print(chunk.text());
 *     }
 *     System.out.println(stream.result().metrics());
 * }
 * }</pre>
 */
public interface GenerationStream extends Iterable<GenerationChunk>, AutoCloseable {

    /**
     * @return the chunks in order; blocks while the engine works
     * @throws IllegalStateException if called a second time
     */
    @Override
    Iterator<GenerationChunk> iterator();

    /**
     * Waits for generation to end, consuming chunks not yet iterated, and returns the
     * whole answer. After {@link #close()} before the end, its finish reason is
     * {@link FinishReason#CANCELLED}.
     *
     * @return the complete result
     */
    GenerationResult result();

    /** Stops generation if it is still running. Idempotent. */
    @Override
    void close();

    /**
     * Adapts the stream to {@link Flow}: one subscriber, back-pressure honoured,
     * cancelling the subscription closes the stream.
     *
     * @return a publisher of this stream's chunks
     */
    default Flow.Publisher<GenerationChunk> toPublisher() {
        return new StreamPublisher(this);
    }
}
