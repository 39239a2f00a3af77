package io.github.localllm.backend.llamaserver.internal.install;

import io.github.localllm.LocalLlmException;
import io.github.localllm.backend.llamaserver.EngineInstallException;
import io.github.localllm.backend.llamaserver.EngineInstallException.Reason;
import io.github.localllm.http.HttpTransport;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The sizes and SHA-256 digests a GitHub release publishes for its assets, read from the REST
 * API's "Get a release by tag name" ({@code GET /repos/{owner}/{repo}/releases/tags/{tag}}): each
 * asset carries {@code size} and {@code digest}, {@code "sha256:<hex>"}, which GitHub computes when
 * the asset is uploaded (GitHub changelog 2025-06-03, "Releases now expose digests for release
 * assets"; null for assets uploaded before). Asked only for assets the bundled table has no digest
 * for. Unauthenticated: GitHub allows 60 such requests an hour per address.
 */
final class PublishedDigests {
    private static final Pattern DIGEST = Pattern.compile("sha256:([0-9a-fA-F]{64})");

    private final URI api;
    private final Duration timeout;
    private HttpTransport transport;

    /**
     * @param api the releases' address in the API (or a mirror's), {@code <api>/tags/<tag>} giving one release
     * @param timeout the longest wait for the answer
     */
    PublishedDigests(URI api, Duration timeout) {
        this.api = api;
        this.timeout = timeout;
    }

    /** Made on first use: most installations never ask the API, and a client starts a thread. */
    private synchronized HttpTransport transport() {
        if (transport == null) {
            transport = HttpTransport.builder(api)
                    .server("GitHub's release API")
                    .unavailableHint("check the network and any proxy, or set llamaserver.release.api.url to a mirror")
                    .header("Accept", "application/vnd.github+json")
                    .header("X-GitHub-Api-Version", "2022-11-28")
                    // No credentials are sent, and GitHub redirects renamed repositories.
                    .redirects(HttpClient.Redirect.NORMAL)
                    .firstByteTimeout(timeout)
                    .build();
        }
        return transport;
    }

    /**
     * One asset as the release publishes it.
     *
     * @param size its size in bytes
     * @param sha256 its digest, lower-case hex, if GitHub has one
     */
    record Published(long size, Optional<String> sha256) {
    }

    /**
     * @param tag the release's tag, e.g. {@code b10470}
     * @param asset the asset the caller needs, for messages
     * @return every asset of the release, by name
     * @throws EngineInstallException ({@link Reason#DIGEST_UNAVAILABLE}) if the API cannot be read
     */
    Map<String, Published> of(String tag, String asset) {
        JsonNode release;
        try {
            release = transport().getJson("/tags/" + tag);
        } catch (LocalLlmException e) {
            throw new EngineInstallException(Reason.DIGEST_UNAVAILABLE, "the SDK installs only archives it can verify, "
                    + "and it has no SHA-256 of " + asset + " of its own: reading the one llama.cpp publishes from "
                    + api + "/tags/" + tag + " failed (" + e.getMessage() + "). Try again later (GitHub allows 60 "
                    + "unauthenticated requests an hour), or set llamaserver.release.api.url to a mirror of that API", e);
        }
        if (!tag.equals(release.path("tag_name").asString(""))) {
            throw new EngineInstallException(Reason.DIGEST_UNAVAILABLE, api + "/tags/" + tag + " answered for the release '"
                    + release.path("tag_name").asString("") + "' instead of " + tag + "; check llamaserver.release.api.url");
        }
        Map<String, Published> assets = new HashMap<>();
        for (JsonNode a : release.path("assets")) {
            String name = a.path("name").asString("");
            long size = a.path("size").asLong(-1);
            if (name.isEmpty() || size <= 0) {
                continue;
            }
            var m = DIGEST.matcher(a.path("digest").asString(""));
            assets.put(name, new Published(size, m.matches() ? Optional.of(m.group(1).toLowerCase(Locale.ROOT))
                    : Optional.empty()));
        }
        return assets;
    }

    /** @return where the API is asked */
    URI api() {
        return api;
    }
}
