package io.github.localllm.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.GenerationTimeoutException;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** Failures that need a network to provoke for real (DNS, TLS), mapped from the exceptions the JDK throws. */
class SendFailuresTest {
    private static final ErrorContext CONTEXT = ErrorContext.of("Ollama", "GET", URI.create("http://ollama.invalid:11434/api/tags"))
            .withUnavailableHint("is Ollama running? start it with `ollama serve`");

    private static SendFailures.Failure map(IOException e) {
        return SendFailures.of(e, CONTEXT, Duration.ofSeconds(3), Duration.ofMinutes(5));
    }

    @Test
    void anUnknownHostIsNamedAndNotRetried() {
        ConnectException e = new ConnectException();
        e.initCause(new UnresolvedAddressException());

        SendFailures.Failure failure = map(e);

        assertThat(failure.exception()).isExactlyInstanceOf(BackendUnavailableException.class)
                .hasMessageStartingWith("cannot find the host 'ollama.invalid' of Ollama at http://ollama.invalid:11434/api/tags")
                .hasMessageContaining("check the address for typos");
        assertThat(failure.retry()).isEqualTo(SendFailures.Retry.NEVER);
    }

    @Test
    void timeoutsToConnectAndToAnswerDiffer() {
        SendFailures.Failure connect = map(new HttpConnectTimeoutException("HTTP connect timed out"));
        SendFailures.Failure answer = map(new HttpTimeoutException("request timed out"));

        assertThat(connect.exception()).isExactlyInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("could not connect to Ollama at http://ollama.invalid:11434/api/tags within 3000 ms")
                .hasMessageContaining("ollama serve");
        assertThat(connect.retry()).isEqualTo(SendFailures.Retry.ALWAYS);
        assertThat(answer.exception()).isExactlyInstanceOf(GenerationTimeoutException.class)
                .hasMessageContaining("did not answer within 300000 ms");
        assertThat(answer.retry()).isEqualTo(SendFailures.Retry.IF_IDEMPOTENT);
    }

    /** As the JDK's HTTP/1.1 client fails a request whose connection ended before a byte of the answer. */
    private static IOException noBytes(IOException cause) {
        return new IOException("HTTP/1.1 header parser received no bytes",
                new IOException("HTTP/1.1 header parser received no bytes", cause));
    }

    @Test
    void aConnectionClosedBeforeAnyByteOfTheAnswerSaysToSendAgain() {
        SendFailures.Failure failure = map(noBytes(new EOFException("EOF reached while reading")));

        assertThat(failure.retry()).isEqualTo(SendFailures.Retry.ONCE);
        assertThat(failure.exception()).isExactlyInstanceOf(BackendUnavailableException.class)
                .hasMessageStartingWith("Ollama at http://ollama.invalid:11434/api/tags closed the connection before a "
                        + "byte of its answer (HTTP/1.1 header parser received no bytes: EOF reached while reading): "
                        + "a server does so to an idle kept-alive connection just as a request goes out on it, and "
                        + "sending the request again then works; if it persists, the server crashed or restarted")
                .hasMessageContaining("a proxy or container port in front of it has no server behind it")
                .hasMessageEndingWith("is Ollama running? start it with `ollama serve`");
        assertThat(failure.exception().isRetryable()).isTrue();
    }

    /** The JDK's pool closes, on this side, a pooled connection the server closed while idle; a request on it fails so. */
    @Test
    void aPooledConnectionClosedUnderTheRequestSaysToSendAgain() {
        SendFailures.Failure failure = map(noBytes(new IOException("connection closed locally")));

        assertThat(failure.retry()).isEqualTo(SendFailures.Retry.ONCE);
        assertThat(failure.exception()).hasMessageStartingWith("Ollama at http://ollama.invalid:11434/api/tags closed "
                + "the connection before a byte of its answer (HTTP/1.1 header parser received no bytes: connection "
                + "closed locally)");
    }

    @Test
    void aConnectionResetBeforeAnyByteIsSentAgainOnlyWhenIdempotent() {
        SendFailures.Failure failure = map(noBytes(new SocketException("Connection reset")));

        assertThat(failure.retry()).isEqualTo(SendFailures.Retry.IF_IDEMPOTENT);
        assertThat(failure.exception()).isExactlyInstanceOf(BackendUnavailableException.class)
                .hasMessageStartingWith("Ollama at http://ollama.invalid:11434/api/tags reset the connection before a "
                        + "byte of its answer (HTTP/1.1 header parser received no bytes: Connection reset); the server "
                        + "may have crashed or restarted while reading the request");
    }

    @Test
    void aTlsFailureSaysToCheckTheScheme() {
        IOException e = new IOException("handshake failed", new SSLHandshakeException("PKIX path building failed"));

        assertThat(map(e).exception()).hasMessageContaining("TLS handshake").hasMessageContaining("http or https");
        assertThat(map(e).retry()).isEqualTo(SendFailures.Retry.NEVER);
    }
}
