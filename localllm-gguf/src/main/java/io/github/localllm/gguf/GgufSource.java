package io.github.localllm.gguf;

import io.github.localllm.ModelDownloadException;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.http.HttpRangeReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Random-access bytes of a GGUF file with a known total size: a local file, a channel, an
 * in-memory array, or a remote file read with HTTP range requests. The reader asks only for
 * header bytes, so a remote model can be vetted and planned before it is downloaded.
 */
public interface GgufSource extends AutoCloseable {

    /** @return the total size in bytes */
    long size();

    /**
     * Reads bytes starting at {@code position} into {@code dst}, as many as fit or remain.
     *
     * @param position the absolute byte offset, 0 ≤ position ≤ size
     * @param dst the buffer to fill from its position to its limit
     * @return the number of bytes read, or -1 if position is at or past the end
     * @throws UncheckedIOException if the underlying read fails
     */
    int read(long position, ByteBuffer dst);

    /** @return the local file these bytes come from, when there is one (used in error messages) */
    default Optional<Path> path() {
        return Optional.empty();
    }

    /** @return what these bytes are, for error messages: the file, the address without its query, or "model data" */
    default String description() {
        return path().map(Path::toString).orElse("model data");
    }

    /** Releases the underlying resource; never throws a checked exception. */
    @Override
    void close();

    /**
     * @param file a local file
     * @return a source reading it through a {@link FileChannel}; close it when done
     * @throws UncheckedIOException if the file cannot be opened
     */
    static GgufSource open(Path file) {
        try {
            return new ChannelSource(FileChannel.open(file, StandardOpenOption.READ), file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param channel an open channel; closing the source closes it
     * @return a source reading through it
     */
    static GgufSource of(SeekableByteChannel channel) {
        return new ChannelSource(channel, null);
    }

    /**
     * Opens a remote file for reading with HTTP range requests, with a 30 s time limit per request
     * and no extra headers. See {@link #http(HttpClient, URI, Map, Duration)}.
     *
     * @param uri the file's download address, e.g. {@code https://huggingface.co/<repo>/resolve/<revision>/<file>.gguf}
     * @return the source, its size already known
     * @throws ModelNotFoundException if the server says the file does not exist or is not accessible (HTTP 401/403/404)
     * @throws ModelDownloadException if the server cannot be reached, times out, fails, or does not serve ranges
     */
    static GgufSource http(URI uri) {
        return new RemoteSource(HttpRangeReader.open(Objects.requireNonNull(uri, "uri")));
    }

    /**
     * Opens a remote file for reading with HTTP range requests, through the HTTP layer's
     * {@link HttpRangeReader}. The first request (the first
     * megabyte) is made now, to learn the file's size; later reads fetch growing chunks, so reading
     * a header costs a few requests, and never more than 64 MiB in all (a hostile header that claims a
     * huge string is cut off with a {@link ModelDownloadException}). Redirects are followed by the source itself: {@code headers}
     * named Authorization, Cookie or Proxy-Authorization are sent only to the first address's host,
     * never to the CDN host a redirect leads to, and HTTPS is never followed to HTTP. So the client
     * must not follow redirects itself ({@link HttpClient.Redirect#NEVER}, the default of
     * {@link HttpClient#newHttpClient()}).
     *
     * @param client the client to send with (proxy, SSL and executor settings are its own)
     * @param uri the file's download address (http or https)
     * @param headers extra request headers, such as {@code Authorization: Bearer <token>} for a gated repository; never logged
     * @param timeout the time limit for each request's answer (the body may take as long again)
     * @return the source, its size already known; reads may throw the exceptions below
     * @throws IllegalArgumentException if the address is not http(s), the timeout is not positive, or the client
     *         follows redirects
     * @throws ModelNotFoundException if the server says the file does not exist or is not accessible (HTTP 401/403/404)
     * @throws ModelDownloadException if the server cannot be reached, times out, fails, or does not serve ranges
     */
    static GgufSource http(HttpClient client, URI uri, Map<String, String> headers, Duration timeout) {
        return new RemoteSource(HttpRangeReader.builder(Objects.requireNonNull(uri, "uri"))
                .client(Objects.requireNonNull(client, "client"))
                .headers(Objects.requireNonNull(headers, "headers"))
                .timeout(Objects.requireNonNull(timeout, "timeout"))
                .open());
    }

    /**
     * @param bytes a whole file held in memory (not copied)
     * @return a source over it
     */
    static GgufSource of(byte[] bytes) {
        return new ByteArraySource(bytes);
    }
}
