package io.github.localllm.http;

import io.github.localllm.GenerationException;
import io.github.localllm.GenerationTimeoutException;
import io.github.localllm.LocalLlmException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A response body read as a blocking {@link InputStream} with a deadline on every read.
 *
 * <p>The JDK's {@code BodyHandlers.ofInputStream()} blocks for as long as the server is silent; a
 * stalled engine would hang its caller for ever. Here each read waits at most the idle timeout
 * (before the first byte: until the first-byte deadline), then cancels the subscription, which makes
 * the client close the connection instead of returning it to the pool, and throws
 * {@link GenerationTimeoutException}. One list of buffers is requested at a time, so a slow reader
 * holds back a fast server instead of queueing its answer in memory.
 *
 * <p>Closing. A close before the end of the body must tell two cases apart, which the body alone
 * cannot: an answer abandoned in the middle (the consumer gave up, or another thread cancels a
 * generation), whose rest may be minutes of tokens, and an answer whose final line was read (Ollama's
 * {@code "done": true}, OpenAI's {@code [DONE]}), of which only the end of the chunked body is left,
 * a few bytes already on their way. Engines close right after the final line, mostly before the JDK
 * has seen that end; cancelling then threw away a good kept-alive connection (about one answer in
 * twenty), and a cancel racing with the JDK's own return of the connection to its pool could close
 * a pooled connection under the next request. So the stream readers, which know the protocol, say
 * when the final line has been read ({@link #answerComplete()}), and {@link #close()} then reads and
 * drops the rest of the body on the closing thread, within the {@link EndDrain} bound (100 ms and
 * 64 KiB by default), so that the JDK returns the connection to its pool; only past that bound does
 * it cancel. Without that word (an abandoned answer) it cancels at once; a body whose end has
 * already come is never cancelled. Waiting on every close instead would delay every cancellation
 * by the bound and read up to its bytes of a generation nobody wants; draining on a thread of its
 * own would leave a thread and a timer behind.
 *
 * <p>Failures are unchecked {@link LocalLlmException}s thrown from {@code read}; a read after
 * {@code close()} throws {@link CancellationException}. One thread reads; any thread may close.
 */
final class StreamingBody extends InputStream implements HttpResponse.BodySubscriber<StreamingBody> {
    private static final Object END = new Object();
    private static final Object CLOSED = new Object();

    private static final Logger LOG = LoggerFactory.getLogger(StreamingBody.class);

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    private final ErrorContext context;
    private final long firstByteDeadline;
    private final Duration firstByteTimeout;
    private final Duration idleTimeout;
    private final EndDrain endDrain;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean closed;
    private volatile boolean answerComplete;
    private Iterator<ByteBuffer> buffers = Collections.emptyIterator();
    private ByteBuffer current;
    private boolean requestMore;
    /** Whether the end of the body (or its failure) was taken from the queue: the exchange is over. */
    private volatile boolean ended;
    private long received;
    private LocalLlmException failure;

    /**
     * @param firstByteDeadline the {@link System#nanoTime()} by which the first byte must have come
     * @param endDrain how far {@link #close()} reads on after the answer's final line
     */
    StreamingBody(ErrorContext context, long firstByteDeadline, Duration firstByteTimeout, Duration idleTimeout,
            EndDrain endDrain) {
        this.context = context;
        this.firstByteDeadline = firstByteDeadline;
        this.firstByteTimeout = firstByteTimeout;
        this.idleTimeout = idleTimeout;
        this.endDrain = endDrain;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        if (!subscription.compareAndSet(null, s) || closed) {
            s.cancel();
            return;
        }
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        queue.add(items);
    }

    @Override
    public void onError(Throwable throwable) {
        queue.add(throwable);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    @Override
    public CompletionStage<StreamingBody> getBody() {
        return CompletableFuture.completedStage(this);
    }

    @Override
    public int read() {
        ByteBuffer buffer = current();
        if (buffer == null) {
            return -1;
        }
        received++;
        return buffer.get() & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        ByteBuffer buffer = current();
        if (buffer == null) {
            return -1;
        }
        int n = 0;
        while (true) {
            int k = Math.min(len - n, buffer.remaining());
            buffer.get(b, off + n, k);
            n += k;
            if (n == len || !buffers.hasNext()) {
                break;
            }
            // The rest of the list has come already, so taking it waits for nothing: a server sending a
            // token per HTTP chunk gives a list of small buffers, read here in one call instead of one each.
            current = buffer = buffers.next();
        }
        received += n;
        return n;
    }

    @Override
    public int available() {
        return current != null && !closed ? current.remaining() : 0;
    }

    /**
     * Waits for the first bytes not read yet and shows them without consuming them.
     *
     * @return a view of the next buffered bytes (at least one), or {@code null} at the end
     */
    ByteBuffer peek() {
        ByteBuffer buffer = current();
        return buffer == null ? null : buffer.asReadOnlyBuffer();
    }

    /** @return the buffer to read from, waiting for one if need be; {@code null} at the end */
    private ByteBuffer current() {
        while (true) {
            if (failure != null) {
                throw failure;
            }
            if (closed) {
                throw new CancellationException("the answer from " + context.where() + " was closed");
            }
            if (current != null && current.hasRemaining()) {
                return current;
            }
            if (buffers.hasNext()) {
                current = buffers.next();
                continue;
            }
            if (ended) {
                return null;
            }
            if (requestMore) {
                requestMore = false;
                subscription.get().request(1);
            }
            Object item = take();
            if (item == END) {
                ended = true;
            } else if (item instanceof Throwable t) {
                ended = true;
                failure = broken(t);
            } else if (item instanceof List<?> list) {
                @SuppressWarnings("unchecked")
                List<ByteBuffer> next = (List<ByteBuffer>) list;
                buffers = next.iterator();
                requestMore = true;
            }
        }
    }

    private Object take() {
        long idle = idleTimeout.toNanos();
        long wait = received == 0 ? Math.max(firstByteDeadline - System.nanoTime(), idle) : idle;
        Object item;
        try {
            item = queue.poll(wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            failure = new LocalLlmException("interrupted while reading the answer from " + context.where()
                    + "; the exchange was aborted", e);
            throw failure;
        }
        if (item == null) {
            cancel();
            failure = received == 0
                    ? new GenerationTimeoutException(context.where() + " sent no answer within " + millis(firstByteTimeout)
                    + " of the request; it may be loading a model or reading a long prompt: retry, or raise the "
                    + "first-byte timeout")
                    : new GenerationTimeoutException(context.where() + " stopped sending in the middle of its answer: "
                    + "nothing for " + millis(idleTimeout) + " after " + received + " bytes; the answer is incomplete: "
                    + "retry, or raise the idle timeout if the server is just slow");
            throw failure;
        }
        return item;
    }

    private LocalLlmException broken(Throwable t) {
        if (t instanceof LocalLlmException e) {
            return e;
        }
        return new GenerationException("the connection to " + context.where() + " broke off after " + received
                + " bytes of the answer (" + Text.describe(t) + "); the answer is incomplete: retry the request", t);
    }

    /**
     * Reads what is left, up to {@code maxBytes}, as UTF-8, then closes: for error answers, whose
     * body matters only as far as a message shows it.
     */
    String readText(int maxBytes) {
        byte[] bytes = new byte[Math.min(maxBytes, 8192)];
        int length = 0;
        try {
            int n;
            while ((n = read(bytes, length, bytes.length - length)) > 0) {
                length += n;
                if (length == bytes.length) {
                    if (length >= maxBytes) {
                        break;
                    }
                    bytes = Arrays.copyOf(bytes, Math.min(maxBytes, length * 2));
                }
            }
        } catch (LocalLlmException | CancellationException e) {
            // What came before the failure still shows what the server meant.
        } finally {
            close();
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /** Reads and drops the rest of the body, up to {@code maxBytes}, so the connection can be reused. */
    void discard(long maxBytes) {
        try {
            byte[] sink = new byte[8192];
            long left = maxBytes;
            int n;
            while (left > 0 && (n = read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
                left -= n;
            }
        } finally {
            close();
        }
    }

    /**
     * Says that the answer's final line has been read, so that what is left is only the end of the
     * body: {@link #close()} then waits for that end instead of cancelling the exchange. The stream
     * readers call it when they reach the end value they were built with.
     */
    void answerComplete() {
        answerComplete = true;
    }

    /**
     * @return the bytes received but not read: the reader stopped at the final line (and published
     *     its state by {@link #answerComplete()}), so the closing thread may look
     */
    private long unreadBytes() {
        long n = current == null ? 0 : current.remaining();
        while (buffers.hasNext()) {
            n += buffers.next().remaining();
        }
        return n;
    }

    /**
     * Ends the exchange: after {@link #answerComplete()}, by reading the rest of the body within the
     * {@link EndDrain} bound, so that the connection is reused; otherwise, or past the bound, by
     * cancelling it, which closes the connection. Only the first call does anything; a reader blocked
     * in another thread wakes up with a {@link CancellationException}.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closed = true;
        if (!ended && !queue.contains(END) && !(answerComplete && drain())) {
            cancel();
        }
        // Wakes a reader blocked in another thread.
        queue.add(CLOSED);
    }

    /**
     * Reads and drops what is left of a complete answer, on the closing thread: the readers read
     * nothing after the final line, so the queue is this thread's alone.
     *
     * @return whether the body ended within the bound; {@code false} if it did not, failed, or the
     *     thread was interrupted
     */
    private boolean drain() {
        Flow.Subscription s = subscription.get();
        if (s == null) {
            return false;
        }
        long deadline = System.nanoTime() + endDrain.time().toNanos();
        long left = endDrain.bytes() - unreadBytes();
        try {
            while (left >= 0) {
                // The reader asks for more only when it needs it; after the final line it did not.
                s.request(1);
                Object item = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (item == END) {
                    ended = true;
                    return true;
                }
                if (!(item instanceof List<?> list)) {
                    // Silence (null) or a failure, whose connection the JDK closes itself.
                    if (item == null) {
                        LOG.debug("{} did not end its body within {} of its final line; closing the connection",
                                context.where(), millis(endDrain.time()));
                    }
                    return false;
                }
                for (Object buffer : list) {
                    left -= ((ByteBuffer) buffer).remaining();
                }
            }
            LOG.debug("{} sent more than {} bytes after its final line; closing the connection", context.where(),
                    endDrain.bytes());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void cancel() {
        Flow.Subscription s = subscription.get();
        if (s != null) {
            s.cancel();
        }
    }

    private static String millis(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
