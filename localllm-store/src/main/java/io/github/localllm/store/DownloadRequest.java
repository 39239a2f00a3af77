package io.github.localllm.store;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One file to download: where from, where to, and what it must be.
 *
 * @param uri the download address (https; http only to loopback or when the downloader allows it)
 * @param target where the verified file goes; its partial file and record lie beside it meanwhile
 * @param name what progress events and messages call it, e.g. {@code Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf}
 * @param sha256 the expected SHA-256 in lower-case hex; when empty, the Hub's {@code X-Linked-Etag} is
 *     used if it is one, else the file is checked only for its size
 * @param size the expected size in bytes, or {@code -1} when not known
 * @param headers request headers, such as {@code Authorization}; sent only to the address's own host,
 *     never logged, and left out of {@link #toString()}
 * @param validateGguf whether the file must be a valid GGUF file to be installed
 */
public record DownloadRequest(URI uri, Path target, String name, Optional<String> sha256, long size,
                              Map<String, String> headers, boolean validateGguf) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** Checks the values and copies the headers. */
    public DownloadRequest {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sha256, "sha256");
        sha256 = sha256.map(s -> s.toLowerCase(Locale.ROOT));
        if (sha256.isPresent() && !SHA256.matcher(sha256.get()).matches()) {
            throw new IllegalArgumentException("a SHA-256 is 64 hex digits, got '" + sha256.get() + "'");
        }
        if (size < -1) {
            throw new IllegalArgumentException("size is -1 (unknown) or at least 0, got " + size);
        }
        if (target.getFileName() == null) {
            throw new IllegalArgumentException("the target must name a file: " + target);
        }
        headers = Map.copyOf(headers);
    }

    /**
     * @param uri the download address
     * @param target where the file goes
     * @return a builder: named after the address, no hash or size expected, GGUF validated when the
     *     target ends in {@code .gguf}
     */
    public static Builder builder(URI uri, Path target) {
        return new Builder(uri, target);
    }

    /** Without header values, which may hold credentials. */
    @Override
    public String toString() {
        return "DownloadRequest[" + name + " -> " + target + ", sha256=" + sha256.orElse("?") + ", size=" + size
                + ", headers=" + headers.keySet() + "]";
    }

    /** Builds a {@link DownloadRequest}. */
    public static final class Builder {
        private final URI uri;
        private final Path target;
        private String name;
        private String sha256;
        private long size = -1;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Boolean validateGguf;

        private Builder(URI uri, Path target) {
            this.uri = Objects.requireNonNull(uri, "uri");
            this.target = Objects.requireNonNull(target, "target");
        }

        /** @param name what events and messages call the file @return this builder */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** @param sha256 the expected SHA-256, 64 hex digits @return this builder */
        public Builder sha256(String sha256) {
            this.sha256 = Objects.requireNonNull(sha256, "sha256");
            return this;
        }

        /** @param size the expected size in bytes @return this builder */
        public Builder size(long size) {
            this.size = size;
            return this;
        }

        /** @param name a request header @param value its value, never logged @return this builder */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** @param token an access token, sent as {@code Authorization: Bearer} to the address's host only @return this builder */
        public Builder bearerToken(String token) {
            return header("Authorization", "Bearer " + Objects.requireNonNull(token, "token"));
        }

        /** @param validate whether the file must be valid GGUF to be installed @return this builder */
        public Builder validateGguf(boolean validate) {
            this.validateGguf = validate;
            return this;
        }

        /** @return the request */
        public DownloadRequest build() {
            String label = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                    + (uri.getRawPath() == null ? "" : uri.getRawPath());
            boolean gguf = validateGguf != null ? validateGguf
                    : target.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf");
            return new DownloadRequest(uri, target, name != null ? name : label, Optional.ofNullable(sha256), size,
                    headers, gguf);
        }
    }
}
