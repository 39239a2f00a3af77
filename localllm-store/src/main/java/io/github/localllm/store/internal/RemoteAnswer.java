package io.github.localllm.store.internal;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * An answer that is not a redirect, with what the redirects on the way said of the file (the
 * Hugging Face Hub puts its headers on the 302 to its CDN).
 *
 * @param uri the address that gave it, where the next ranges can go directly
 * @param response the answer; its body must be read or closed
 * @param linkedEtag the Hub's {@code X-Linked-Etag} without quotes (the SHA-256 of an LFS file), if any
 * @param linkedSize the Hub's {@code X-Linked-Size}, or -1
 * @param commit the Hub's {@code X-Repo-Commit}, if any
 */
public record RemoteAnswer(URI uri, HttpResponse<BodyBuffers> response, Optional<String> linkedEtag, long linkedSize,
                           Optional<String> commit) implements AutoCloseable {

    /** @return the status code */
    public int status() {
        return response.statusCode();
    }

    /** @return a header of the final answer */
    public Optional<String> header(String name) {
        return response.headers().firstValue(name);
    }

    /** @return the body, read as buffers or as a stream */
    public BodyBuffers body() {
        return response.body();
    }

    /** Closes the body, dropping the connection if it is not read to its end. */
    @Override
    public void close() {
        response.body().close();
    }
}
