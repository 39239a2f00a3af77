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

    SupervisedStream(GenerationStream stream, UnaryOperator<LocalLlmException> translate) {
        this.stream = stream;
        this.translate = translate;
    }

    @Override
    public Iterator<GenerationChunk> iterator() {
        Iterator<GenerationChunk> chunks = stream.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                try {
                    return chunks.hasNext();
                } catch (LocalLlmException e) {
                    throw translate.apply(e);
                }
            }

            @Override
            public GenerationChunk next() {
                try {
                    return chunks.next();
                } catch (LocalLlmException e) {
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
        }
    }

    @Override
    public void close() {
        stream.close();
    }
}
