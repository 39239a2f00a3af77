package io.github.localllm.backend.llamaserver;

import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.LocalLlmException;
import java.util.Iterator;
import java.util.function.UnaryOperator;

/**
 * A stream of the OpenAI-compatible engine whose failures pass through the supervisor: a stream cut
 * by a server that died becomes the retryable error that says so.
 */
final class SupervisedStream implements GenerationStream {
    private final GenerationStream stream;
    private final UnaryOperator<LocalLlmException> translate;
    private final Runnable onEnd;
    private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * @param stream the OpenAI-compatible engine's stream
     * @param translate turns its failures into the supervisor's
     * @param onEnd run once when the stream ends: read to its end, its result taken, failed or closed
     */
    SupervisedStream(GenerationStream stream, UnaryOperator<LocalLlmException> translate, Runnable onEnd) {
        this.stream = stream;
        this.translate = translate;
        this.onEnd = onEnd;
    }

    private void end() {
        if (ended.compareAndSet(false, true)) {
            onEnd.run();
        }
    }

    @Override
    public Iterator<GenerationChunk> iterator() {
        Iterator<GenerationChunk> chunks = stream.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                try {
                    boolean more = chunks.hasNext();
                    if (!more) {
                        end();
                    }
                    return more;
                } catch (LocalLlmException e) {
                    end();
                    throw translate.apply(e);
                }
            }

            @Override
            public GenerationChunk next() {
                try {
                    return chunks.next();
                } catch (LocalLlmException e) {
                    end();
                    throw translate.apply(e);
                }
            }
        };
    }

    @Override
    public GenerationResult result() {
        try {
            return stream.result();
        } catch (LocalLlmException e) {
            throw translate.apply(e);
        } finally {
            end();
        }
    }

    @Override
    public void close() {
        try {
            stream.close();
        } finally {
            end();
        }
    }
}
