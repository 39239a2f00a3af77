package io.github.localllm.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Credentials never reach a log line or a message, even when a server echoes them. */
class SecretsTest {
    private static final String TOKEN = "sk-live-SECRET-1234567890";
    private static final String API_KEY = "another-secret-456";

    @Test
    void logsRequestsAndRetriesWithoutAnyCredential() throws IOException {
        AtomicInteger busy = new AtomicInteger();
        String log;
        Throwable refused;
        try (FakeServer server = new FakeServer()) {
            server.on("/v1/models", ex -> FakeServer.json(ex, 200, "{\"object\":\"list\",\"data\":[]}"));
            server.on("/v1/busy", ex -> FakeServer.json(ex, busy.incrementAndGet() == 1 ? 503 : 200, "{\"ok\":true}"));
            server.on("/v1/chat/completions", ex -> FakeServer.json(ex, 401, "{\"error\":{\"message\":\"Incorrect API key "
                    + "provided: " + TOKEN + " (header " + ex.getRequestHeaders().getFirst("Authorization") + ", key "
                    + API_KEY + ")\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"));
            HttpTransport http = HttpTransportTest.transport(server.uri()).server("OpenAI")
                    .bearerToken(TOKEN).header("X-Api-Key", API_KEY).build();

            PrintStream original = System.err;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                http.getJson("/v1/models");
                http.getJson("/v1/busy");
                refused = catchThrowable(() -> http.postJson("/v1/chat/completions", Map.of("model", "gpt")));
            } finally {
                System.setErr(original);
            }
            log = captured.toString(StandardCharsets.UTF_8);
            assertThat(server.seen().get(0).headers().getFirst("Authorization")).isEqualTo("Bearer " + TOKEN);
        }

        // The capture works: the requests and the retry are in it.
        assertThat(log).contains("GET http://127.0.0.1:", "/v1/models -> HTTP 200", "/v1/busy failed, attempt 2 of 3",
                "/v1/chat/completions -> HTTP 401");
        assertThat(log).doesNotContain(TOKEN).doesNotContain("SECRET").doesNotContain(API_KEY);
        assertThat(refused).isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("Incorrect API key provided: ***")
                .hasMessageNotContaining("SECRET").hasMessageNotContaining(API_KEY);
    }
}
