package io.github.localllm.store.internal;

import java.io.IOException;
import java.io.InputStream;
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
public record RemoteAnswer(URI uri, HttpResponse<InputStream> response, Optional<String> linkedEtag, long linkedSize,
                           Optional<String> commit) implements AutoCloseable {

    /** @return the status code */
    public int status() {
        return response.statusCode();
    }

    /** @return a header of the final answer */
    public Optional<String> header(String name) {
        return response.headers().firstValue(name);
    }

    /** Closes the body, dropping the connection if it is not read to its end. */
    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            // Nothing is left to release: the connection is dropped either way.
        }
    }
}
