package io.github.localllm.internal;

import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.LocalLlmException;
import java.util.Iterator;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A stream that reports its outcome once: the result when iteration ends or {@link #result()}
 * is asked for, or the failure when the engine fails part way.
 */
public final class ObservedStream implements GenerationStream {
    private final GenerationStream delegate;
    private final Consumer<GenerationResult> onResult;
    private final Consumer<LocalLlmException> onFailure;
    private boolean reported;

    /**
     * @param delegate the engine's stream
     * @param onResult called once with the final result
     * @param onFailure called once if the engine fails while generating
     */
    public ObservedStream(GenerationStream delegate, Consumer<GenerationResult> onResult,
                          Consumer<LocalLlmException> onFailure) {
        this.delegate = delegate;
        this.onResult = onResult;
        this.onFailure = onFailure;
    }

    @Override
    public Iterator<GenerationChunk> iterator() {
        Iterator<GenerationChunk> chunks = delegate.iterator();
        return new Iterator<>() {
            // Each call is caught here rather than through observe(): no bound method reference per token.
            @Override
            public boolean hasNext() {
                boolean more;
                try {
                    more = chunks.hasNext();
                } catch (LocalLlmException e) {
                    throw failed(e);
                }
                if (!more) {
                    result();
                }
                return more;
            }

            @Override
            public GenerationChunk next() {
                try {
                    return chunks.next();
                } catch (LocalLlmException e) {
                    throw failed(e);
                }
            }
        };
    }

    @Override
    public GenerationResult result() {
        GenerationResult result = observe(delegate::result);
        if (claim()) {
            onResult.accept(result);
        }
        return result;
    }

    private <T> T observe(Supplier<T> call) {
        try {
            return call.get();
        } catch (LocalLlmException e) {
            throw failed(e);
        }
    }

    /** An engine failure part way is as much an outcome as a result; reports it once. @return {@code e} */
    private LocalLlmException failed(LocalLlmException e) {
        if (claim()) {
            onFailure.accept(e);
        }
        return e;
    }

    private synchronized boolean claim() {
        boolean first = !reported;
        reported = true;
        return first;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
