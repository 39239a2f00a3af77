package io.github.localllm.internal;

import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import java.util.Iterator;
import java.util.function.Consumer;

/** A stream that reports its result once, when iteration ends or {@link #result()} is asked for. */
public final class ObservedStream implements GenerationStream {
    private final GenerationStream delegate;
    private final Consumer<GenerationResult> onResult;
    private boolean reported;

    /**
     * @param delegate the engine's stream
     * @param onResult called once with the final result
     */
    public ObservedStream(GenerationStream delegate, Consumer<GenerationResult> onResult) {
        this.delegate = delegate;
        this.onResult = onResult;
    }

    @Override
    public Iterator<GenerationChunk> iterator() {
        Iterator<GenerationChunk> chunks = delegate.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                boolean more = chunks.hasNext();
                if (!more) {
                    result();
                }
                return more;
            }

            @Override
            public GenerationChunk next() {
                return chunks.next();
            }
        };
    }

    @Override
    public GenerationResult result() {
        GenerationResult result = delegate.result();
        boolean first;
        synchronized (this) {
            first = !reported;
            reported = true;
        }
        if (first) {
            onResult.accept(result);
        }
        return result;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
