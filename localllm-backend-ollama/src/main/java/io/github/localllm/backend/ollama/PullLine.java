package io.github.localllm.backend.ollama;

/**
 * One NDJSON line of {@code /api/pull} ({@code ProgressResponse} of ollama/ollama api/types.go):
 * {@code status} always, {@code digest}, {@code total} and {@code completed} (bytes) while a layer
 * downloads, each omitted when empty; {@code error} when the pull failed after it began. The last
 * line of a pull that worked is {@code {"status":"success"}}.
 */
final class PullLine {
    public String status;
    public String digest;
    public long total;
    public long completed;
    public String error;

    boolean success() {
        return "success".equals(status);
    }
}
