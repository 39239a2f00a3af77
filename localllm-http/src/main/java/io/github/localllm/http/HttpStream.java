package io.github.localllm.http;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.function.UnaryOperator;
import tools.jackson.databind.ObjectMapper;

/**
 * A successful (2xx) answer whose body is still arriving: server-sent events or NDJSON. Reads from
 * {@link #body()} wait at most the transport's idle timeout (the first one: its first-byte timeout)
 * and then fail with {@link io.github.localllm.GenerationTimeoutException}; a broken connection is a
 * {@link io.github.localllm.GenerationException}. Closing the stream, or a reader over it, in the
 * middle of the answer aborts the exchange and closes its connection at once, which is how a
 * generation is cancelled. Closing it after a reader returned the answer's end value (such as
 * {@code "done": true} or {@code [DONE]}) instead waits briefly for the end of the body (100 ms,
 * 64 KiB at most), so that the connection serves the next request. Not retried once returned: a
 * streamed answer is never sent twice. One thread reads; any thread may close.
 */
public final class HttpStream implements AutoCloseable {
    private final int status;
    private final HttpHeaders headers;
    private final StreamingBody body;
    private final ErrorContext context;
    private final ObjectMapper mapper;

    HttpStream(int status, HttpHeaders headers, StreamingBody body, ErrorContext context, ObjectMapper mapper) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.context = context;
        this.mapper = mapper;
    }

    /** @return the address asked */
    public URI uri() {
        return context.uri();
    }

    /** @return the HTTP status, 2xx */
    public int statusCode() {
        return status;
    }

    /** @return the answer's headers */
    public HttpHeaders headers() {
        return headers;
    }

    /** @return the body as it arrives; reads throw unchecked {@link io.github.localllm.LocalLlmException}s */
    public InputStream body() {
        return body;
    }

    /** @return the request's context, for {@link HttpErrors#fromStreamError} on an error inside the stream */
    public ErrorContext errorContext() {
        return context;
    }

    /**
     * @param settings the reader's settings, given a builder with the transport's mapper and this
     *     stream's address as the source, such as {@code b -> b.untilData(SseEvent.DONE)}
     * @return a reader of the body as server-sent events
     */
    public SseReader sse(UnaryOperator<SseReader.Builder> settings) {
        return settings.apply(SseReader.builder().mapper(mapper).source("the event stream from " + context.where()))
                .open(body);
    }

    /**
     * @param type what each line is bound to
     * @param settings the reader's settings, given a builder with the transport's mapper and this
     *     stream's address as the source, such as {@code b -> b.until(ChatChunk::done)}
     * @param <T> that type
     * @return a reader of the body as NDJSON
     */
    public <T> NdjsonReader<T> ndjson(Class<T> type, UnaryOperator<NdjsonReader.Builder<T>> settings) {
        return settings.apply(NdjsonReader.builder(type).mapper(mapper).source("the NDJSON stream from " + context.where()))
                .open(body);
    }

    /**
     * @param binder binds each line by hand from the transport mapper's parser, the cheapest
     *     binding (see {@link JsonBinder})
     * @param settings the reader's settings, as for {@link #ndjson(Class, UnaryOperator)}
     * @param <T> what the binder binds to
     * @return a reader of the body as NDJSON
     */
    public <T> NdjsonReader<T> ndjson(JsonBinder<T> binder, UnaryOperator<NdjsonReader.Builder<T>> settings) {
        return settings.apply(NdjsonReader.builder(binder).mapper(mapper).source("the NDJSON stream from "
                + context.where())).open(body);
    }

    /**
     * Aborts the exchange if the body has not ended, or, after a reader returned the answer's end
     * value, reads the little that is left so that the connection is reused; does nothing once the
     * body has ended.
     */
    @Override
    public void close() {
        body.close();
    }
}
