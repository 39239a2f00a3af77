package io.github.localllm.http;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.GenerationTimeoutException;
import io.github.localllm.LocalLlmException;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * What went wrong when a request got no HTTP answer at all, and whether it is safe to send again.
 */
final class SendFailures {
    private static final String CHECK = "check that the server is running and that the address and port are right";

    private SendFailures() {
    }

    /** When sending the request again is safe. */
    enum Retry {
        /** Nothing reached the server. */
        ALWAYS,
        /**
         * The connection closed cleanly before a single byte of the answer: if doing it twice does
         * no harm, and once for a call marked {@link HttpCall#resendIfUnanswered()} (see
         * {@link #unanswered}).
         */
        ONCE,
        /** The server may have seen the request: only if doing it twice does no harm. */
        IF_IDEMPOTENT,
        /** The same failure would come again. */
        NEVER
    }

    /** A failure to send a request or to read an answer's status line and headers. */
    record Failure(LocalLlmException exception, Retry retry) {
    }

    static Failure of(IOException e, ErrorContext context, Duration connectTimeout, Duration firstByteTimeout) {
        String where = context.where();
        if (causedBy(e, UnresolvedAddressException.class) || causedBy(e, UnknownHostException.class)) {
            // A name that does not resolve now will not resolve a moment later: not retried.
            return new Failure(new BackendUnavailableException("cannot find the host '" + context.uri().getHost()
                    + "' of " + where + " (" + Text.describe(e) + "); check the address for typos and that this "
                    + "machine can resolve it", e), Retry.NEVER);
        }
        if (e instanceof HttpConnectTimeoutException) {
            return new Failure(new BackendUnavailableException("could not connect to " + where + " within "
                    + connectTimeout.toMillis() + " ms" + context.unavailableAdvice(CHECK
                    + ", and that no firewall drops the connection"), e), Retry.ALWAYS);
        }
        if (e instanceof HttpTimeoutException) {
            return new Failure(new GenerationTimeoutException(where + " accepted the request but did not answer within "
                    + firstByteTimeout.toMillis() + " ms; it may be loading a model or busy with a long prompt: retry, "
                    + "or raise the first-byte timeout", e), Retry.IF_IDEMPOTENT);
        }
        if (e instanceof ConnectException || e instanceof NoRouteToHostException
                || causedBy(e, ConnectException.class)) {
            return new Failure(new BackendUnavailableException("could not connect to " + where + " ("
                    + reason(e, "connection refused") + ")" + context.unavailableAdvice(CHECK), e), Retry.ALWAYS);
        }
        if (causedBy(e, SSLException.class)) {
            return new Failure(new BackendUnavailableException("the TLS handshake with " + where + " failed ("
                    + Text.describe(e) + "); check that the address's scheme matches the server (http or https) "
                    + "and that its certificate is trusted", e), Retry.NEVER);
        }
        if (isUnanswered(e)) {
            return unanswered(e, context);
        }
        if (e instanceof ProtocolException || isHeaderGarbage(e)) {
            return new Failure(new BackendUnavailableException(where + " did not answer in HTTP ("
                    + Text.describe(e) + "); another program is listening on that port"
                    + context.unavailableAdvice("check the address and port"), e), Retry.NEVER);
        }
        return new Failure(new BackendUnavailableException("the connection to " + where + " broke before an answer "
                + "came (" + Text.describe(e) + "); the server may have crashed or restarted"
                + context.unavailableAdvice("check that it is running, then retry"), e), Retry.IF_IDEMPOTENT);
    }

    /**
     * The request went out and the connection ended before a single byte of the answer.
     *
     * <p>Closed cleanly (end of stream): a server that has read a request answers it, if only
     * with an error, so a clean close before any byte is mostly a kept-alive connection that the
     * server closed while idle just as the request went out on it (llama-server closes idle
     * connections after 5 s, and the JDK's pool drops a connection only once the server's close has
     * reached it), or a port forwarder or proxy with no server behind it; neither has run the
     * request. But a server that read the request and then died on it leaves a clean close too
     * when no unread bytes remain, so the JDK sends only GET and HEAD again in this case, as Go's
     * client sends only idempotent requests again and RFC 9110 section 9.2.2 advises. The transport
     * does the same, and sends a call once more also when its caller marked it
     * {@link HttpCall#resendIfUnanswered()} (a generation, say: its repetition costs only work);
     * otherwise the message says that sending it again is what to do.
     *
     * <p>Reset: the server (or something in between) may have read the request and died on it,
     * so only what is idempotent is sent again.
     */
    private static Failure unanswered(IOException e, ErrorContext context) {
        String where = context.where();
        String detail = Text.describe(e) + ": " + Text.describe(root(e));
        if (causedBy(e, EOFException.class) || closedByThePool(e)) {
            return new Failure(new BackendUnavailableException(where + " closed the connection before a byte of its "
                    + "answer (" + detail + "): a server does so to an idle kept-alive connection just as a request goes "
                    + "out on it, and sending the request again then works; if it persists, the server crashed or "
                    + "restarted, or a proxy or container port in front of it has no server behind it"
                    + context.unavailableAdvice("check that it is running, then retry"), e), Retry.ONCE);
        }
        return new Failure(new BackendUnavailableException(where + " reset the connection before a byte of its answer ("
                + detail + "); the server may have crashed or restarted while reading the request, or a proxy in front "
                + "of it dropped it" + context.unavailableAdvice("check that it is running, then retry"), e),
                Retry.IF_IDEMPOTENT);
    }

    /**
     * The JDK's connection pool watches idle connections and closes one, on this side, when the server's close of it
     * arrives; a request that took that connection from the pool a moment before fails with "connection closed
     * locally". The server had closed the connection before reading anything on it, so this is the idle-close race
     * again, seen from the pool's side.
     */
    private static boolean closedByThePool(Throwable e) {
        String message = root(e).getMessage();
        return message != null && message.contains("connection closed locally");
    }

    private static Throwable root(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    /** @return whether the JDK's HTTP/1.1 client says that not one byte of the answer came */
    private static boolean isUnanswered(IOException e) {
        for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains("header parser received no bytes")) {
                return true;
            }
        }
        return false;
    }

    /** @return the first message in the cause chain (the JDK's connect failures often have none), or {@code fallback} */
    private static String reason(Throwable t, String fallback) {
        for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                return Text.excerpt(c.getMessage());
            }
        }
        return fallback;
    }

    private static boolean isHeaderGarbage(IOException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        return message.contains("status line") || message.contains("bad header") || message.contains("header name")
                || message.contains("invalid chunk") || message.contains("bad response");
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }
}
