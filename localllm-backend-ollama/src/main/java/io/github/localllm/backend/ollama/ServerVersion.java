package io.github.localllm.backend.ollama;

/**
 * An Ollama server's version, as {@code /api/version} reports it ({@code 0.12.6}, {@code 0.33.0-rc2}),
 * compared by its numbers. Source builds report {@code 0.0.0}: they are taken to be current.
 *
 * @param major the first number
 * @param minor the second
 * @param patch the third
 * @param text the version as reported
 */
record ServerVersion(int major, int minor, int patch, String text) {
    /** The first release whose {@code truncate: false} refuses a prompt longer than the context (2025-10). */
    static final ServerVersion REFUSES_OVERLONG_PROMPTS = new ServerVersion(0, 12, 6, "0.12.6");

    /** The first release that reports log probabilities ({@code logprobs}, {@code top_logprobs}; 2025-11). */
    static final ServerVersion REPORTS_LOGPROBS = new ServerVersion(0, 12, 11, "0.12.11");

    /** @param text a reported version @return it, or a current version if it is not {@code x.y.z...} */
    static ServerVersion parse(String text) {
        String t = text == null ? "" : text.strip();
        String core = t.startsWith("v") ? t.substring(1) : t;
        String[] parts = core.split("[^0-9]", 4);
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            int patch = parts.length > 2 ? Integer.parseInt(parts[2]) : 0;
            if (major == 0 && minor == 0 && patch == 0) {
                return new ServerVersion(Integer.MAX_VALUE, 0, 0, t);
            }
            return new ServerVersion(major, minor, patch, t);
        } catch (NumberFormatException e) {
            return new ServerVersion(Integer.MAX_VALUE, 0, 0, t);
        }
    }

    /** @param other a version @return whether this one is older */
    boolean isBefore(ServerVersion other) {
        if (major != other.major) {
            return major < other.major;
        }
        if (minor != other.minor) {
            return minor < other.minor;
        }
        return patch < other.patch;
    }
}
