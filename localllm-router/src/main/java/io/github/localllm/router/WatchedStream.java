package io.github.localllm.router;

import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A model's stream, passed through, that tells once of its result when the stream ends by itself
 * ({@code onResult}), and once of its end however it comes: the last chunk, a failure or a close
 * ({@code onEnd}, after {@code onResult}).
 */
final class WatchedStream implements GenerationStream {
    private final GenerationStream delegate;
    private final Consumer<GenerationResult> onResult;
    private final Runnable onEnd;
    private final AtomicBoolean resulted = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();

    WatchedStream(GenerationStream delegate, Consumer<GenerationResult> onResult, Runnable onEnd) {
        this.delegate = delegate;
        this.onResult = onResult;
        this.onEnd = onEnd;
    }

    /** @return a stream whose result is handed to {@code onResult} once it ends by itself */
    static WatchedStream onResult(GenerationStream delegate, Consumer<GenerationResult> onResult) {
        return new WatchedStream(delegate, onResult, () -> { });
    }

    /** @return a stream that runs {@code onEnd} once when it ends, fails or is closed */
    static WatchedStream onEnd(GenerationStream delegate, Runnable onEnd) {
        return new WatchedStream(delegate, r -> { }, onEnd);
    }

    private void end() {
        if (ended.compareAndSet(false, true)) {
            onEnd.run();
        }
    }

    @Override
    public Iterator<GenerationChunk> iterator() {
        Iterator<GenerationChunk> it = delegate.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                boolean more;
                try {
                    more = it.hasNext();
                } catch (RuntimeException | Error e) {
                    end();
                    throw e;
                }
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
        try {
            GenerationResult result = delegate.result();
            if (resulted.compareAndSet(false, true)) {
                onResult.accept(result);
            }
            return result;
        } finally {
            end();
        }
    }

    @Override
    public void close() {
        try {
            delegate.close();
        } finally {
            end();
        }
    }
}
