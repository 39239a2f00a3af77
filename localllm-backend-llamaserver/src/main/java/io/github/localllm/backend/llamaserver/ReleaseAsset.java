package io.github.localllm.backend.llamaserver;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * One archive of a llama.cpp release that an installation downloads.
 *
 * @param name the asset's file name in the release, e.g. {@code llama-b10470-bin-win-vulkan-x64.zip}
 * @param uri where it is downloaded from (the release's download address, or a configured mirror)
 * @param size its size in bytes as published, if the SDK knows it without asking GitHub
 * @param sha256 its SHA-256 digest as published (64 lower-case hex digits), if the SDK knows it
 *     without asking GitHub; otherwise the installer reads it from GitHub's release API before
 *     downloading, and refuses an asset for which none is published
 */
public record ReleaseAsset(String name, URI uri, OptionalLong size, Optional<String> sha256) {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    /** Checks the parts: a plain file name, a positive size, a well-formed digest. */
    public ReleaseAsset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(sha256, "sha256");
        if (name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IllegalArgumentException("an asset name is a plain file name, got '" + name + "'");
        }
        if (size.isPresent() && size.getAsLong() <= 0) {
            throw new IllegalArgumentException("the size of " + name + " must be positive, got " + size.getAsLong());
        }
        sha256 = sha256.map(s -> s.toLowerCase(Locale.ROOT));
        if (sha256.isPresent() && !HEX64.matcher(sha256.get()).matches()) {
            throw new IllegalArgumentException("the SHA-256 of " + name + " must be 64 hex digits, got '"
                    + sha256.get() + "'");
        }
    }

    @Override
    public String toString() {
        return name + " (" + (size.isPresent() ? size.getAsLong() + " bytes" : "size from GitHub's release API")
                + ", sha256 " + sha256.orElse("from GitHub's release API") + ") from " + uri;
    }
}
