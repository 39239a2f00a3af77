package io.github.localllm.backend.llamaserver.internal.install;

import io.github.localllm.testkit.FakeRangeServer;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * llama.cpp's GitHub release on loopback, as the installer meets it: {@code github.com} answers a
 * release download ({@code /ggml-org/llama.cpp/releases/download/<tag>/<asset>}) with a 302 to a
 * signed address on the asset CDN ({@code release-assets.githubusercontent.com}, a second server
 * with byte ranges), and the REST API answers "Get a release by tag name"
 * ({@code /repos/ggml-org/llama.cpp/releases/tags/<tag>}) with the release and its assets, each
 * with {@code size} and {@code digest} ({@code "sha256:<hex>"}, or null). The JSON is constructed
 * from GitHub's REST documentation of that endpoint (response schema "Release", asset schema
 * "Release Asset"; digest per the changelog of 2025-06-03, "Releases now expose digests for release
 * assets"): the fields the installer reads are exact, the rest are plausible values.
 */
public final class FakeRelease implements AutoCloseable {
    public static final String TAG = "b10470";
    public static final String DOWNLOADS = "/ggml-org/llama.cpp/releases/download";
    public static final String API = "/repos/ggml-org/llama.cpp/releases";
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final FakeRangeServer github;
    private final FakeRangeServer cdn;
    private final Map<String, String> cdnPaths;

    private FakeRelease(FakeRangeServer github, FakeRangeServer cdn, Map<String, String> cdnPaths) {
        this.github = github;
        this.cdn = cdn;
        this.cdnPaths = cdnPaths;
    }

    /** @return a builder of a release with no assets */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the base of release downloads, for {@code llamaserver.release.url} */
    public URI downloads() {
        return github.uri(DOWNLOADS);
    }

    /** @return the releases in the REST API, for {@code llamaserver.release.api.url} */
    public URI api() {
        return github.uri(API);
    }

    /** @return the configuration that points an installer here */
    public Map<String, String> config() {
        return Map.of("llamaserver.release.url", downloads().toString(), "llamaserver.release.api.url", api().toString());
    }

    /** @return github.com: downloads (redirects) and the API */
    public FakeRangeServer github() {
        return github;
    }

    /** @return the asset CDN */
    public FakeRangeServer cdn() {
        return cdn;
    }

    /** @return the path of an asset on the CDN */
    public String cdnPath(String asset) {
        return cdnPaths.get(asset);
    }

    @Override
    public void close() {
        github.close();
        cdn.close();
    }

    /** @return the SHA-256 of {@code bytes}, lower-case hex */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Builds a {@link FakeRelease}. */
    public static final class Builder {
        private final Map<String, byte[]> served = new LinkedHashMap<>();
        private final Map<String, Optional<String>> digests = new LinkedHashMap<>();
        private final Map<String, Long> sizes = new LinkedHashMap<>();

        /** @return this, with an asset served and listed with its real size and digest */
        public Builder asset(String name, byte[] bytes) {
            served.put(name, bytes.clone());
            digests.put(name, Optional.of(sha256(bytes)));
            sizes.put(name, (long) bytes.length);
            return this;
        }

        /** @return this, listing {@code digest} for the asset instead of its real one ({@code null}: none) */
        public Builder listedDigest(String name, String digest) {
            digests.put(name, Optional.ofNullable(digest));
            return this;
        }

        /** @return this, with the asset listed in the API but not downloadable (the CDN answers 404) */
        public Builder listedOnly(String name, long size, String digest) {
            digests.put(name, Optional.ofNullable(digest));
            sizes.put(name, size);
            return this;
        }

        /** @return this, with the asset downloadable but missing from the API's list */
        public Builder unlisted(String name, byte[] bytes) {
            served.put(name, bytes.clone());
            return this;
        }

        /** Starts both servers on loopback. */
        public FakeRelease start() {
            FakeRangeServer.Builder cdnBuilder = FakeRangeServer.builder();
            Map<String, String> cdnPaths = new LinkedHashMap<>();
            int id = 300_000_000;
            for (Map.Entry<String, byte[]> e : served.entrySet()) {
                String path = "/github-production-release-asset/612354784/" + (++id);
                cdnPaths.put(e.getKey(), path);
                cdnBuilder.file(path, e.getValue());
            }
            FakeRangeServer cdn = cdnBuilder.start();
            FakeRangeServer.Builder github = FakeRangeServer.builder();
            for (Map.Entry<String, String> e : cdnPaths.entrySet()) {
                // A signed address that expires, as GitHub's CDN gives.
                github.redirect(DOWNLOADS + "/" + TAG + "/" + e.getKey(), cdn.uri(e.getValue()
                        + "?sp=r&sv=2018-11-09&sr=b&spr=https&se=2026-11-30T15%3A00%3A00Z&rscd=attachment%3B+filename%3D"
                        + e.getKey() + "&rsct=application%2Foctet-stream&sig=ZmFrZQ%3D%3D"));
            }
            String api = API + "/tags/" + TAG;
            github.file(api, release());
            github.header(api, "Content-Type", "application/json; charset=utf-8");
            return new FakeRelease(github.start(), cdn, cdnPaths);
        }

        private byte[] release() {
            ObjectNode release = MAPPER.createObjectNode();
            release.put("url", "https://api.github.com/repos/ggml-org/llama.cpp/releases/261234567");
            release.put("assets_url", "https://api.github.com/repos/ggml-org/llama.cpp/releases/261234567/assets");
            release.put("html_url", "https://github.com/ggml-org/llama.cpp/releases/tag/" + TAG);
            release.put("id", 261234567);
            release.set("author", bot());
            release.put("node_id", "RE_kwDOJCMyYM4PkJ0H");
            release.put("tag_name", TAG);
            release.put("target_commitish", "master");
            release.put("name", TAG);
            release.put("draft", false);
            release.put("immutable", false);
            release.put("prerelease", false);
            release.put("created_at", "2026-08-17T10:12:41Z");
            release.put("updated_at", "2026-08-17T11:02:13Z");
            release.put("published_at", "2026-08-17T11:02:13Z");
            ArrayNode assets = release.putArray("assets");
            int id = 290_000_000;
            for (Map.Entry<String, Optional<String>> e : digests.entrySet()) {
                String name = e.getKey();
                ObjectNode a = assets.addObject();
                a.put("url", "https://api.github.com/repos/ggml-org/llama.cpp/releases/assets/" + (++id));
                a.put("id", id);
                a.put("node_id", "RA_kwDOJCMyYM4RSnw" + id);
                a.put("name", name);
                a.putNull("label");
                a.set("uploader", bot());
                a.put("content_type", name.endsWith(".zip") ? "application/zip" : "application/gzip");
                a.put("state", "uploaded");
                a.put("size", sizes.get(name));
                if (e.getValue().isPresent()) {
                    a.put("digest", "sha256:" + e.getValue().get());
                } else {
                    a.putNull("digest");
                }
                a.put("download_count", 1234);
                a.put("created_at", "2026-08-17T11:01:02Z");
                a.put("updated_at", "2026-08-17T11:01:05Z");
                a.put("browser_download_url", "https://github.com/ggml-org/llama.cpp/releases/download/" + TAG + "/" + name);
            }
            release.put("tarball_url", "https://api.github.com/repos/ggml-org/llama.cpp/tarball/" + TAG);
            release.put("zipball_url", "https://api.github.com/repos/ggml-org/llama.cpp/zipball/" + TAG);
            release.put("body", "<details open>\n\nserver : fix\n\n</details>");
            return MAPPER.writeValueAsBytes(release);
        }

        private static ObjectNode bot() {
            ObjectNode user = MAPPER.createObjectNode();
            user.put("login", "github-actions[bot]");
            user.put("id", 41898282);
            user.put("node_id", "MDM6Qm90NDE4OTgyODI=");
            user.put("avatar_url", "https://avatars.githubusercontent.com/in/15368?v=4");
            user.put("type", "Bot");
            user.put("site_admin", false);
            return user;
        }
    }
}
