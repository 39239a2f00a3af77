package io.github.localllm.store.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * An answer's body as the HTTP client's own buffers, taken by a blocking reader many at a time.
 *
 * <p>The JDK's {@code BodyHandlers.ofInputStream()} keeps a single buffer list in flight: the client's
 * reader waits for every 16 KiB until the consumer's thread took the last one, which costs a thread
 * hand-off per list and about halved a loopback download. Here the client may run up to
 * {@link #WINDOW} lists ahead, and {@link #next} hands over everything that arrived at once, so the
 * consumer writes large batches and the two threads rarely wait for each other.
 *
 * <p>It is also an {@link InputStream} for readers that want bytes. {@link #close} cancels the
 * subscription (dropping the connection unless the body was read to its end) and wakes a reader
 * blocked in {@link #next} or {@link #read}, which then throws: that is how a stalled or unwanted
 * connection is stopped from another thread.
 */
public final class BodyBuffers extends InputStream implements HttpResponse.BodySubscriber<BodyBuffers> {
    /** Buffer lists the client may deliver before the reader took them (each about 16 KiB: 1 MiB in all). */
    static final int WINDOW = 64;
    /** Bytes that wake the reader: a thread hand-off per 64 KiB, not per 16 KiB buffer. */
    static final int BATCH = 64 << 10;
    /** The longest the reader waits for a batch to fill before it takes fewer bytes. */
    static final long LINGER_MILLIS = 1;
    /** The longest the reader sleeps on an empty queue before it looks again. */
    static final long IDLE_MILLIS = 50;
    private static final ByteBuffer[] NONE = new ByteBuffer[0];

    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private final Object subscriptionLock = new Object();
    private Flow.Subscription subscription;
    private boolean complete;
    private Throwable error;
    private boolean closed;
    private boolean waiting;
    private long queued;
    private int delivered;
    private ByteBuffer current;
    private ByteBuffer[] batch = NONE;
    private int batchIndex;

    /** @return a body handler that gives each answer's body as a {@code BodyBuffers} */
    public static HttpResponse.BodyHandler<BodyBuffers> handler() {
        return info -> new BodyBuffers();
    }

    @Override
    public CompletionStage<BodyBuffers> getBody() {
        return CompletableFuture.completedFuture(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        boolean cancel;
        synchronized (this) {
            cancel = closed || subscription != null;
            if (!cancel) {
                subscription = s;
            }
        }
        if (cancel) {
            s.cancel();
            return;
        }
        synchronized (subscriptionLock) {
            s.request(WINDOW);
        }
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> item) {
        if (closed) {
            return;
        }
        for (ByteBuffer b : item) {
            if (b.hasRemaining()) {
                queue.add(b);
                queued += b.remaining();
            }
        }
        delivered++;
        if (waiting && queued >= BATCH) {
            notifyAll();
        }
    }

    @Override
    public synchronized void onError(Throwable throwable) {
        error = throwable;
        notifyAll();
    }

    @Override
    public synchronized void onComplete() {
        complete = true;
        notifyAll();
    }

    /**
     * Waits for bytes and takes every buffer that arrived.
     *
     * @return the buffers in order, none empty; an empty array at the end of the body
     * @throws IOException if the connection broke, or the body was closed
     */
    public ByteBuffer[] next() throws IOException {
        ByteBuffer[] taken;
        int lists;
        synchronized (this) {
            // The client's thread wakes this one only once a batch is there; fewer bytes are taken after a
            // short linger, so a slow connection's bytes still arrive promptly.
            boolean lingered = false;
            while (!complete && error == null && !closed && (queue.isEmpty() || queued < BATCH && !lingered)) {
                waiting = true;
                try {
                    wait(queue.isEmpty() ? IDLE_MILLIS : LINGER_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading an answer");
                } finally {
                    waiting = false;
                }
                lingered = !queue.isEmpty();
            }
            if (closed) {
                throw new IOException("the answer's body was closed");
            }
            if (queue.isEmpty()) {
                if (error != null) {
                    throw error instanceof IOException io ? new IOException(io.getMessage(), io)
                            : new IOException(String.valueOf(error.getMessage()), error);
                }
                return NONE;
            }
            taken = queue.toArray(NONE);
            queue.clear();
            queued = 0;
            lists = delivered;
            delivered = 0;
        }
        if (lists > 0) {
            requestMore(lists);
        }
        return taken;
    }

    private void requestMore(int lists) {
        Flow.Subscription s;
        synchronized (this) {
            s = closed ? null : subscription;
        }
        if (s != null) {
            synchronized (subscriptionLock) {
                s.request(lists);
            }
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        while (current == null || !current.hasRemaining()) {
            if (batchIndex < batch.length) {
                current = batch[batchIndex++];
                continue;
            }
            batch = next();
            batchIndex = 0;
            if (batch.length == 0) {
                return -1;
            }
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    /** Cancels the subscription and wakes a blocked reader; the bytes not yet taken are dropped. */
    @Override
    public void close() {
        Flow.Subscription s;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            queued = 0;
            s = complete ? null : subscription;
            notifyAll();
        }
        if (s != null) {
            synchronized (subscriptionLock) {
                s.cancel();
            }
        }
    }
}
