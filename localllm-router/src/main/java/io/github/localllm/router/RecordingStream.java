package io.github.localllm.router;

import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** A model's stream, passed through; its result is handed on once, when the stream ends by itself. */
final class RecordingStream implements GenerationStream {
    private final GenerationStream delegate;
    private final Consumer<GenerationResult> onResult;
    private final AtomicBoolean recorded = new AtomicBoolean();

    RecordingStream(GenerationStream delegate, Consumer<GenerationResult> onResult) {
        this.delegate = delegate;
        this.onResult = onResult;
    }

    @Override
    public Iterator<GenerationChunk> iterator() {
        Iterator<GenerationChunk> it = delegate.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                boolean more = it.hasNext();
                if (!more) {
                    result();
                }
                return more;
            }

            @Override
            public GenerationChunk next() {
                return it.next();
            }
        };
    }

    @Override
    public GenerationResult result() {
        GenerationResult result = delegate.result();
        if (recorded.compareAndSet(false, true)) {
            onResult.accept(result);
        }
        return result;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
