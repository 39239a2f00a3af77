package io.github.localllm;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/** The textual forms of {@link ModelRef}; kept apart so the interface shows only what callers use. */
final class ModelRefText {
    private static final String HUB_HOST = "huggingface.co";

    private ModelRefText() {
    }

    /** Reads {@code owner/name[@revision]/path/to/file}. */
    static ModelRef hub(String rest, String original) {
        String[] parts = rest.split("/", 3);
        if (parts.length < 3) {
            throw new InvalidRequestException("'" + original + "' names no file; write hf://owner/name/file.gguf"
                    + " (or hf://owner/name@revision/file.gguf)");
        }
        String name = parts[1];
        String revision = "main";
        int at = name.indexOf('@');
        if (at >= 0) {
            revision = name.substring(at + 1);
            name = name.substring(0, at);
        }
        return new ModelRef.Hub(parts[0] + "/" + name, parts[2], revision);
    }

    /** @return the Hub file a {@code /resolve/} address downloads, or {@code null} for any other address */
    static ModelRef hubResolveUrl(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (!host.equals(HUB_HOST) && !host.equals("www." + HUB_HOST) || uri.getQuery() != null) {
            return null;
        }
        String[] parts = uri.getPath().split("/", 6);
        // "", owner, name, "resolve", revision, file
        if (parts.length < 6 || !parts[3].equals("resolve")) {
            return null;
        }
        return new ModelRef.Hub(parts[1] + "/" + parts[2], parts[5], parts[4]);
    }

    static boolean looksLikePath(String t) {
        String lower = t.toLowerCase(Locale.ROOT);
        return lower.endsWith(".gguf") || t.startsWith("/") || t.startsWith("./") || t.startsWith("../")
                || t.startsWith("~/") || t.startsWith(".\\") || t.startsWith("..\\")
                || t.matches("[A-Za-z]:[\\\\/].*") || t.startsWith("\\\\");
    }

    static Path expandHome(String t) {
        if (t.startsWith("~/")) {
            return Path.of(System.getProperty("user.home"), t.substring(2));
        }
        return Path.of(t);
    }
}
