package io.github.localllm.backend.openai;

import io.github.localllm.GenerationException;
import io.github.localllm.GenerationStream;
import io.github.localllm.GenerationTimeoutException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.http.HttpCall;
import io.github.localllm.http.HttpStream;
import io.github.localllm.http.HttpTransport;
import io.github.localllm.spi.ChunkFeed;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One generation request on its own daemon thread: the thread sends it and reads the answer into a
 * {@link ChunkFeed}, while the caller waits only for the answer's status. So an error the server
 * answers at once (a prompt too long, a model it does not have, a refused key) is thrown from
 * {@code stream()} itself, and the request's timeout bounds the wait for it too.
 *
 * <p>Cancelling (the consumer closing the stream, the timeout, the model closing) closes the
 * answer, which aborts the exchange and ends the thread; before the answer has come, it interrupts
 * the thread, which makes the JDK's client cancel the request.
 */
final class Exchange implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Bytes read after {@code [DONE]} so that the connection goes back to the pool; a server sends none. */
    private static final int DRAIN_BYTES = 4096;

    /** Reads one answer into a sink, on the exchange's thread. */
    interface Reader {
        /**
         * @throws LocalLlmException for anything that ends the answer in failure; it reaches the consumer
         */
        void read(HttpStream http, AnswerSink sink);
    }

    private final HttpTransport transport;
    private final HttpCall call;
    private final Reader reader;
    private final String model;
    private final Runnable onEnd;
    private final CountDownLatch opened = new CountDownLatch(1);
    private final ChunkFeed feed;
    private final AnswerSink sink;
    private volatile HttpStream http;
    private volatile LocalLlmException openFailure;
    private volatile boolean cancelled;
    private volatile Thread thread;

    /**
     * @param onEnd runs on the exchange's thread once it is done, whatever happened
     */
    Exchange(HttpTransport transport, HttpCall call, Reader reader, String model, Duration loadTime, Duration timeout,
             Runnable onEnd) {
        this.transport = transport;
        this.call = call;
        this.reader = reader;
        this.model = model;
        this.onEnd = onEnd;
        this.feed = ChunkFeed.builder(model).loadTime(loadTime).timeout(timeout).onCancel(this::cancel).build();
        this.sink = new AnswerSink(feed, loadTime);
    }

    /**
     * Sends the request and waits for the answer's status.
     *
     * @param timeout the request's whole time budget, or {@code null}
     * @return the answer as it comes
     * @throws LocalLlmException if the server refused the request, could not be reached, or did not answer in time
     */
    GenerationStream start(Duration timeout) {
        Thread t = new Thread(this, "localllm-openai-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        thread = t;
        t.start();
        boolean answered;
        try {
            if (timeout == null) {
                opened.await();
                answered = true;
            } else {
                answered = opened.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            throw new LocalLlmException("interrupted while waiting for " + model + " to answer; the request was"
                    + " cancelled", e);
        }
        if (!answered) {
            cancel();
            throw new GenerationTimeoutException(model + " did not begin its answer within " + Durations.text(timeout) + "; the request"
                    + " was cancelled. The server may be loading the model or reading a long prompt: raise the request's"
                    + " timeout, or retry");
        }
        if (openFailure != null) {
            throw openFailure;
        }
        return feed.stream();
    }

    @Override
    public void run() {
        try {
            HttpStream answer;
            try {
                answer = transport.stream(call);
            } catch (LocalLlmException e) {
                openFailure = e;
                return;
            } finally {
                opened.countDown();
            }
            http = answer;
            if (cancelled) {
                answer.close();
                return;
            }
            read(answer);
        } catch (RuntimeException | Error e) {
            LOG.error("reading the answer of {} failed unexpectedly", model, e);
            feed.fail(new GenerationException("reading the answer of " + model + " failed unexpectedly (" + e
                    + "); retry, and report it if it persists", e));
        } finally {
            onEnd.run();
        }
    }

    private void read(HttpStream answer) {
        try {
            reader.read(answer, sink);
            drain(answer);
        } catch (RuntimeException e) {
            // A cancel closes the answer under the reader, which then fails in any way: the feed already ended.
            if (!cancelled) {
                feed.fail(e instanceof LocalLlmException l ? l : new GenerationException("reading the answer of "
                        + model + " failed (" + e + "); retry the request", e));
            }
        } finally {
            answer.close();
        }
    }

    /** Reads the end of a finished answer so that its connection can serve the next request. */
    private void drain(HttpStream answer) {
        if (cancelled) {
            return;
        }
        try {
            InputStream in = answer.body();
            byte[] rest = new byte[256];
            int total = 0;
            int n;
            while ((n = in.read(rest)) >= 0 && total < DRAIN_BYTES) {
                total += n;
            }
        } catch (RuntimeException | java.io.IOException e) {
            LOG.debug("the end of the answer of {} could not be read; its connection is closed: {}", model, e.toString());
        }
    }

    /** Stops the exchange: closes the answer, or interrupts the request still waiting for one. Idempotent. */
    void cancel() {
        cancelled = true;
        HttpStream answer = http;
        if (answer != null) {
            answer.close();
            return;
        }
        Thread t = thread;
        if (t != null && opened.getCount() > 0) {
            t.interrupt();
        }
    }

    /** @return the feed, for ending it when the model closes */
    GenerationStream stream() {
        return feed.stream();
    }
}
