package io.github.localllm.spi;

import io.github.localllm.ModelRef;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a {@link ModelResolver} would download for a model: from where, how many bytes, checked
 * against which hash, and into which directory.
 *
 * @param model the reference it resolves
 * @param address where the bytes come from
 * @param size the file's size, if the server said
 * @param sha256 the hash the file must have, if known (published by the Hub, or given by the user)
 * @param destination the directory the file will be installed under
 */
public record DownloadPlan(ModelRef model, URI address, OptionalLong size, Optional<String> sha256, Path destination) {

    /** Rejects missing parts and malformed hashes. */
    public DownloadPlan {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(destination, "destination");
        sha256 = sha256.map(h -> h.toLowerCase(Locale.ROOT));
        sha256.ifPresent(h -> {
            if (!h.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("'" + h + "' is not a SHA-256 (64 hex digits)");
            }
        });
    }

    /**
     * @param expected the hash the file must have
     * @return this plan, checked against {@code expected}
     */
    public DownloadPlan withSha256(String expected) {
        return new DownloadPlan(model, address, size, Optional.of(expected), destination);
    }

    /** @return the size for people: {@code 491.4 MB}, or {@code size unknown} */
    public String sizeText() {
        if (size.isEmpty()) {
            return "size unknown";
        }
        long b = size.getAsLong();
        if (b < 1_000_000) {
            return String.format(Locale.ROOT, "%,d bytes", b);
        }
        return b < 1_000_000_000 ? String.format(Locale.ROOT, "%.1f MB", b / 1e6)
                : String.format(Locale.ROOT, "%.2f GB", b / 1e9);
    }
}
