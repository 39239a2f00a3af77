package io.github.localllm.backend.openai;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where a server's routes are. The configured address is the OpenAI API's base
 * ({@code http://127.0.0.1:8080/v1}); llama.cpp's own routes ({@code /props}, {@code /health}) and
 * LM Studio's REST API sit at the root of the same server. The transport is built on the root,
 * and OpenAI routes get the {@code /v1} prefix back.
 *
 * @param root the server's root: the base address without its trailing {@code /v1}
 * @param apiPrefix {@code /v1}, or empty when the base address does not end with it
 */
record Endpoints(URI root, String apiPrefix) {

    static Endpoints of(URI base) {
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (!path.endsWith("/v1")) {
            return new Endpoints(withPath(base, path), "");
        }
        return new Endpoints(withPath(base, path.substring(0, path.length() - 3)), "/v1");
    }

    private static URI withPath(URI base, String path) {
        try {
            return new URI(base.getScheme(), null, base.getHost(), base.getPort(), path.isEmpty() ? null : path, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid address: " + e.getReason(), e);
        }
    }

    /** @return the path of an OpenAI route, such as {@code /chat/completions} */
    String api(String path) {
        return apiPrefix + path;
    }

    /** @return whether the server's root is known apart from its OpenAI base, so its own routes can be reached */
    boolean hasRoot() {
        return !apiPrefix.isEmpty();
    }

    /** @return the base address of the OpenAI API, as configured */
    URI base() {
        return URI.create(root + apiPrefix);
    }
}
