package io.github.localllm.testkit.internal;

import java.io.IOException;

/**
 * Thrown out of a handler to make the JDK server close the socket on the spot: it does that for
 * any exception, before the chunked encoding's final empty chunk, which is exactly a truncated
 * stream (or, before the headers, a connection closed without a response).
 */
final class AbortConnection extends IOException {
    private static final long serialVersionUID = 1L;

    AbortConnection(String reason) {
        super(reason);
    }

    /** No stack trace: this is control flow, and the JDK server only logs it at TRACE. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
