package io.github.localllm.testkit.internal;

/** How chunks of a streamed answer are delimited on the wire. */
public enum Framing {
    /** One JSON object per line, each ended by {@code \n} (Ollama, {@code application/x-ndjson}). */
    NDJSON,
    /** Server-sent events: optional {@code event: name\n}, then {@code data: ...\n\n}. */
    SSE;

    String frame(String event, String text) {
        if (this == NDJSON) {
            return text + "\n";
        }
        return (event == null ? "" : "event: " + event + "\n") + "data: " + text + "\n\n";
    }
}
