package io.github.localllm.router;

import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicBoolean;

/** A stream that runs an action once, when it ends, fails or is closed. */
final class ReleasingStream implements GenerationStream {
    private final GenerationStream delegate;
    private final Runnable onEnd;
    private final AtomicBoolean ended = new AtomicBoolean();

    ReleasingStream(GenerationStream delegate, Runnable onEnd) {
        this.delegate = delegate;
        this.onEnd = onEnd;
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
                try {
                    boolean more = it.hasNext();
                    if (!more) {
                        end();
                    }
                    return more;
                } catch (RuntimeException | Error e) {
                    end();
                    throw e;
                }
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
            return delegate.result();
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
