package io.github.localllm.backend.openai;

import io.github.localllm.GenerationException;
import io.github.localllm.GenerationStream;
import io.github.localllm.GenerationTimeoutException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.http.CancellableStream;
import io.github.localllm.http.HttpCall;
import io.github.localllm.http.HttpStream;
import io.github.localllm.http.HttpTransport;
import io.github.localllm.spi.ChunkFeed;
import java.io.InputStream;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One generation request, sent and read on the caller's thread: {@link #start} sends it and waits
 * for the answer's status, so an error the server answers at once (a prompt too long, a model it
 * does not have, a refused key) is thrown from {@code stream()} itself; then the exchange is the
 * pulled {@link ChunkFeed}'s {@link ChunkFeed.Step}, reading an event a step when the consumer
 * wants a chunk. No thread of its own and no hand-over between threads per token. The feed's timer
 * runs the request's timeout, also while the request is sent.
 *
 * <p>Cancelling (the consumer closing the stream, the timeout, the model closing) closes the
 * answer, which ends a read blocked on the consumer's thread; before the answer has come, it
 * interrupts the sending thread, which makes the JDK's client cancel the request.
 */
final class Exchange implements ChunkFeed.Step {
    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);
    /** Bytes read after {@code [DONE]} so that the connection goes back to the pool; a server sends none. */
    private static final int DRAIN_BYTES = 4096;

    /** Reads one answer into a sink, a part at a time, on the consumer's thread. */
    interface Reader {
        /**
         * Reads the next part of the answer (one event, or all of a whole answer) into {@code sink}.
         *
         * @return whether there is more to read: {@code false} once the sink was finished, or it
         *         returned {@code false} because the consumer closed the stream
         * @throws LocalLlmException for anything that ends the answer in failure; it reaches the consumer
         */
        boolean read(HttpStream http, AnswerSink sink);

        /**
         * Frees what the reader holds for the answer once it is over: its parser goes back to the
         * mapper's pools (its buffers, and the member names it learned) instead of being dropped.
         */
        default void close() {
        }
    }

    private final CancellableStream exchange;
    private final Reader reader;
    private final String model;
    private final Duration timeout;
    private final Runnable onEnd;
    private final boolean pool;
    private final ChunkFeed feed;
    private final AnswerSink sink;
    /** The consumer's thread only: the answer, once a step has asked for it. */
    private HttpStream open;

    /**
     * @param pool whether the connection of an answer read to its end goes back to the client's pool;
     *        {@code false} for servers that close it after the answer without saying so
     * @param onEnd runs once the exchange is done, whatever happened; may run more than once
     */
    Exchange(HttpTransport transport, HttpCall call, Reader reader, String model, Duration loadTime, Duration timeout,
             boolean pool, Runnable onEnd) {
        this.exchange = new CancellableStream(transport, call);
        this.reader = reader;
        this.model = model;
        this.timeout = timeout;
        this.onEnd = onEnd;
        this.pool = pool;
        this.sink = new AnswerSink(loadTime);
        // The feed's clock, and its timer, start here: the timeout counts from the call.
        this.feed = ChunkFeed.builder(model).loadTime(loadTime).timeout(timeout).onCancel(this::cancel).pull(this)
                .build();
        sink.feed(feed);
    }

    /**
     * Sends the request and waits for the answer's status, on the caller's thread.
     *
     * @return the answer as it comes
     * @throws LocalLlmException if the server refused the request, could not be reached, or did not answer in time
     */
    GenerationStream start() {
        HttpStream answer;
        try {
            answer = exchange.open();
        } catch (LocalLlmException e) {
            feed.fail(e);
            onEnd.run();
            throw e;
        }
        if (answer == null) {
            onEnd.run();
            throw abandoned(exchange.failureAfterCancel());
        }
        return feed.stream();
    }

    /** @return what to throw for a request cancelled before its answer came */
    private LocalLlmException abandoned(LocalLlmException failure) {
        try {
            feed.stream().result();
        } catch (GenerationTimeoutException e) {
            return new GenerationTimeoutException(model + " did not begin its answer within " + Durations.text(timeout)
                    + "; the request was cancelled. The server may be loading the model or reading a long prompt:"
                    + " raise the request's timeout, or retry", e);
        } catch (LocalLlmException e) {
            return e;
        }
        return new LocalLlmException("the request to " + model + " was cancelled before its answer came (the model"
                + " was closed)", failure);
    }

    /** One step on the consumer's thread: reads the next event of the answer into the feed. */
    @Override
    public boolean advance(ChunkFeed target) {
        HttpStream answer = open;
        if (answer == null) {
            // Asked once: exchange.answer() takes the exchange's lock, which a token need not.
            answer = open = exchange.answer();
        }
        boolean more;
        try {
            more = reader.read(answer, sink);
        } catch (RuntimeException e) {
            // A cancel closes the answer under the reader, which then fails in any way: the feed already ended.
            if (!exchange.isCancelled()) {
                feed.fail(e instanceof LocalLlmException l ? l : new GenerationException("reading the answer of "
                        + model + " failed (" + e + "); retry the request", e));
            }
            more = false;
        }
        if (!more) {
            if (pool && sink.finished()) {
                drain(answer);
            }
            try {
                reader.close();
            } catch (RuntimeException e) {
                LOG.debug("closing the reader of the answer of {} failed: {}", model, e.toString());
            }
            answer.close();
            onEnd.run();
        }
        return more;
    }

    /** Reads the end of a finished answer so that its connection can serve the next request. */
    private void drain(HttpStream answer) {
        if (exchange.isCancelled()) {
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

    /**
     * Stops the exchange, from any thread: closes the answer, or interrupts the thread still sending
     * the request. Idempotent.
     */
    void cancel() {
        exchange.cancel();
        onEnd.run();
    }

    /** @return the feed, for ending it when the model closes */
    GenerationStream stream() {
        return feed.stream();
    }
}
