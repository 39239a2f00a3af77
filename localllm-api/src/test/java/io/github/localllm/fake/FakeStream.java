package io.github.localllm.fake;

import io.github.localllm.FinishReason;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationMetrics;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.Usage;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted {@link GenerationStream}: yields the given pieces in order. With {@link #hanging()}
 * it then waits, like an engine still thinking, until it is closed. It counts what was pulled
 * and whether it was closed, so tests can see what an adapter did to it.
 */
public final class FakeStream implements GenerationStream {
    private final List<String> pieces;
    private final String model;
    private final boolean hang;
    private final RuntimeException failure;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger pulled = new AtomicInteger();
    private final AtomicInteger closeCalls = new AtomicInteger();
    private final StringBuilder text = new StringBuilder();
    private Chunks iterator;

    private FakeStream(List<String> pieces, String model, boolean hang, RuntimeException failure) {
        this.pieces = List.copyOf(pieces);
        this.model = model;
        this.hang = hang;
        this.failure = failure;
    }

    /** @param pieces the chunks' texts @return a stream that ends after them */
    public static FakeStream of(String... pieces) {
        return new FakeStream(List.of(pieces), "fake-model", false, null);
    }

    /** @param model model name for the result @param pieces the chunks' texts @return a stream that ends after them */
    public static FakeStream named(String model, List<String> pieces) {
        return new FakeStream(pieces, model, false, null);
    }

    /** @param pieces the chunks' texts @return a stream that waits for close after them */
    public static FakeStream hanging(String... pieces) {
        return new FakeStream(List.of(pieces), "fake-model", true, null);
    }

    /**
     * @param failure thrown when the chunk after the pieces is asked for
     * @param pieces the chunks' texts
     * @return a stream that fails part way
     */
    public static FakeStream failing(RuntimeException failure, String... pieces) {
        return new FakeStream(List.of(pieces), "fake-model", false, failure);
    }

    /** @return chunks handed out so far */
    public int pulled() {
        return pulled.get();
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return closed.getCount() == 0;
    }

    /** @return how often {@link #close()} was called */
    public int closeCalls() {
        return closeCalls.get();
    }

    /** @return a latch released by the first close */
    public CountDownLatch closedLatch() {
        return closed;
    }

    @Override
    public synchronized Iterator<GenerationChunk> iterator() {
        if (iterator != null) {
            throw new IllegalStateException("a generation stream can be iterated once");
        }
        iterator = new Chunks();
        return iterator;
    }

    @Override
    public GenerationResult result() {
        Chunks chunks;
        synchronized (this) {
            chunks = iterator == null ? (Chunks) iterator() : iterator;
        }
        while (chunks.hasNext()) {
            chunks.next();
        }
        String all;
        synchronized (text) {
            all = text.toString();
        }
        FinishReason reason = chunks.index < pieces.size() || hang ? FinishReason.CANCELLED : FinishReason.STOP;
        return new GenerationResult(all, reason, new Usage(3, chunks.index),
                new GenerationMetrics(Duration.ZERO, Duration.ZERO, Duration.ZERO, 0, 0), model);
    }

    @Override
    public void close() {
        closeCalls.incrementAndGet();
        closed.countDown();
    }

    private final class Chunks implements Iterator<GenerationChunk> {
        private volatile int index;

        @Override
        public boolean hasNext() {
            if (isClosed()) {
                return false;
            }
            if (index < pieces.size()) {
                return true;
            }
            if (failure != null) {
                throw failure;
            }
            if (hang) {
                try {
                    closed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return false;
        }

        @Override
        public GenerationChunk next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            String piece = pieces.get(index);
            synchronized (text) {
                text.append(piece);
            }
            pulled.incrementAndGet();
            return new GenerationChunk(piece, index++);
        }
    }
}
