package io.github.localllm.http;

import static io.github.localllm.http.FakeServer.json;
import static io.github.localllm.http.FakeServer.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.GenerationException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** JSON requests, error answers and retries against real HTTP servers on loopback. */
class HttpTransportTest {
    static final RetryPolicy FAST_RETRIES = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(40),
            Duration.ofSeconds(2));

    private FakeServer server;

    /** The fields of Ollama's /api/version answer. */
    public record Version(String version) {
    }

    @BeforeEach
    void start() throws IOException {
        server = new FakeServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static HttpTransport.Builder transport(URI uri) {
        return HttpTransport.builder(uri).server("Ollama").unavailableHint("is Ollama running? start it with `ollama serve`")
                .connectTimeout(Duration.ofSeconds(2)).firstByteTimeout(Duration.ofSeconds(5))
                .idleTimeout(Duration.ofSeconds(5)).retryPolicy(FAST_RETRIES);
    }

    @Test
    void getsJsonWithItsOwnUserAgentAndTheDefaultHeaders() {
        server.on("/api/tags", ex -> json(ex, 200, "{\"models\":[{\"name\":\"llama3.2:latest\"}]}"));
        HttpTransport http = transport(server.uri()).bearerToken("sk-test-123").header("X-Trace", "t1").build();

        JsonNode tags = http.getJson("/api/tags");

        assertThat(tags.get("models").get(0).get("name").stringValue()).isEqualTo("llama3.2:latest");
        FakeServer.Seen seen = server.seen().get(0);
        assertThat(seen.method()).isEqualTo("GET");
        assertThat(seen.headers().getFirst("User-Agent")).matches("localllm/\\d+\\.\\d+\\.\\d+.*");
        assertThat(seen.headers().getFirst("Authorization")).isEqualTo("Bearer sk-test-123");
        assertThat(seen.headers().getFirst("X-Trace")).isEqualTo("t1");
        assertThat(seen.headers().getFirst("Accept")).isEqualTo("application/json");
        assertThat(http.toString()).contains("Authorization").doesNotContain("sk-test-123");
    }

    @Test
    void postsJsonAndBindsTheAnswerToARecord() {
        server.on("/api/show", ex -> json(ex, 200, "{\"version\":\"0.12.6\",\"extra\":true}"));
        HttpTransport http = transport(server.uri()).build();

        Version version = http.json(HttpCall.post("/api/show", Map.of("model", "llama3.2")), Version.class);

        assertThat(version).isEqualTo(new Version("0.12.6"));
        assertThat(server.seen().get(0).body()).isEqualTo("{\"model\":\"llama3.2\"}");
        assertThat(server.seen().get(0).headers().getFirst("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void appendsPathsToABaseAddressWithAPath() {
        server.on("/v1/models", ex -> json(ex, 200, "{\"object\":\"list\",\"data\":[]}"));

        transport(URI.create(server.uri() + "/v1/")).build().getJson("models");
        transport(URI.create(server.uri() + "/v1")).build().getJson("/models?limit=1");

        assertThat(server.seen()).extracting(FakeServer.Seen::path).containsExactly("/v1/models", "/v1/models?limit=1");
    }

    @Test
    void reusesTheConnectionAfterReadingAJsonAnswer() {
        server.on("/api/version", ex -> json(ex, 200, "{\"version\":\"0.12.6\"}"));
        HttpTransport http = transport(server.uri()).build();

        http.getJson("/api/version");
        http.json(HttpCall.get("/api/version"), Version.class);
        http.getJson("/api/version");

        assertThat(server.seen()).extracting(FakeServer.Seen::clientPort).containsOnly(server.seen().get(0).clientPort());
    }

    @Test
    void sendsADeleteWithABodyAndAHeadRequest() {
        server.on("/api/delete", ex -> send(ex, 200, null, ""));
        server.on("/", ex -> send(ex, 200, "text/plain; charset=utf-8", ex.getRequestMethod().equals("HEAD") ? ""
                : "Ollama is running"));
        HttpTransport http = transport(server.uri()).build();

        assertThat(http.send(HttpCall.delete("/api/delete", Map.of("model", "llama3.2")))).isEqualTo(200);
        assertThat(http.send(HttpCall.head("/"))).isEqualTo(200);

        assertThat(server.seen()).extracting(FakeServer.Seen::method).containsExactly("DELETE", "HEAD");
        assertThat(server.seen().get(0).body()).isEqualTo("{\"model\":\"llama3.2\"}");
    }

    @Test
    void mapsAMissingModelWithTheCallersHint() {
        server.on("/api/show", ex -> json(ex, 404, "{\"error\":\"model 'qwen3:8b' not found\"}"));
        HttpTransport http = transport(server.uri()).build();

        assertThatThrownBy(() -> http.json(HttpCall.post("/api/show", Map.of("model", "qwen3:8b"))
                .forModel("qwen3:8b", "run `ollama pull qwen3:8b`")))
                .isExactlyInstanceOf(ModelNotFoundException.class)
                .hasMessage("model 'qwen3:8b' is not available on Ollama at " + server.uri() + "/api/show (HTTP 404: "
                        + "model 'qwen3:8b' not found); run `ollama pull qwen3:8b`");
        assertThat(server.seen()).hasSize(1);
    }

    @Test
    void mapsABadRequestWithoutRetrying() {
        server.on("/api/chat", ex -> json(ex, 400, "{\"error\":\"missing request body\"}"));
        HttpTransport http = transport(server.uri()).build();

        assertThatThrownBy(() -> http.postJson("/api/chat", Map.of()))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("HTTP 400: missing request body");
        assertThat(server.seen()).hasSize(1);
    }

    @Test
    void detectsLmStudiosErrorInsideAnOkAnswer() {
        server.on("/api/v0/load", ex -> json(ex, 200, "{\"error\":\"Unexpected endpoint or method. (GET /api/v0/load)\"}"));
        HttpTransport http = transport(server.uri()).server("LM Studio").build();

        for (Runnable call : List.<Runnable>of(() -> http.getJson("/api/v0/load"),
                () -> http.json(HttpCall.get("/api/v0/load"), Version.class), () -> http.send(HttpCall.get("/api/v0/load")))) {
            assertThatThrownBy(call::run)
                    .isExactlyInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("LM Studio at " + server.uri() + "/api/v0/load does not serve GET")
                    .hasMessageContaining("Unexpected endpoint or method. (GET /api/v0/load)");
        }
    }

    @Test
    void saysSoWhenAnOkAnswerIsAnHtmlPageTextOrNothing() {
        server.on("/html", ex -> send(ex, 200, "text/html", "<html><head><title>Router login</title></head><body>"
                + "x".repeat(50_000) + "</body></html>"));
        server.on("/text", ex -> send(ex, 200, "text/plain", "Ollama is running"));
        server.on("/empty", ex -> send(ex, 200, "application/json", ""));
        HttpTransport http = transport(server.uri()).build();

        assertThatThrownBy(() -> http.getJson("/html")).isExactlyInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("HTTP 200 with an HTML page (\"Router login\")")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(500));
        assertThatThrownBy(() -> http.json(HttpCall.get("/text"), Version.class))
                .isExactlyInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("with a body that is not JSON")
                .hasMessageContaining("ollama serve");
        assertThatThrownBy(() -> http.getJson("/empty")).isExactlyInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("with an empty body where JSON was expected");
    }

    @Test
    void failsOnJsonOfAnotherShapeThanAsked() {
        server.on("/api/version", ex -> json(ex, 200, "{\"version\":{\"major\":1}}"));

        assertThatThrownBy(() -> transport(server.uri()).build().json(HttpCall.get("/api/version"), Version.class))
                .isExactlyInstanceOf(GenerationException.class)
                .hasMessageContaining("JSON of an unexpected shape for Version");
    }

    @Test
    void doesNotFollowRedirects() {
        server.on("/v1/models", ex -> {
            ex.getResponseHeaders().set("Location", "http://127.0.0.1:1/elsewhere");
            send(ex, 302, null, "");
        });

        assertThatThrownBy(() -> transport(server.uri()).build().getJson("/v1/models"))
                .isExactlyInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("redirected the request (HTTP 302, no message) to http://127.0.0.1:1/elsewhere");
        assertThat(server.seen()).hasSize(1);
    }

    @Test
    void retriesABusyServerEvenForAPost() {
        AtomicInteger calls = new AtomicInteger();
        server.on("/api/chat", ex -> {
            if (calls.incrementAndGet() < 3) {
                json(ex, 503, "{\"error\":\"server busy, please try again.  maximum pending requests exceeded\"}");
            } else {
                json(ex, 200, "{\"done\":true}");
            }
        });

        JsonNode answer = transport(server.uri()).build().postJson("/api/chat", Map.of("model", "m"));

        assertThat(answer.get("done").booleanValue()).isTrue();
        assertThat(calls).hasValue(3);
    }

    @Test
    void waitsAsLongAsRetryAfterSays() {
        AtomicInteger calls = new AtomicInteger();
        server.on("/v1/chat/completions", ex -> {
            if (calls.incrementAndGet() == 1) {
                ex.getResponseHeaders().set("Retry-After", "1");
                json(ex, 429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"rate_limit_error\"}}");
            } else {
                json(ex, 200, "{\"ok\":true}");
            }
        });
        HttpTransport http = transport(server.uri()).build();

        long started = System.nanoTime();
        http.postJson("/v1/chat/completions", Map.of());
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(calls).hasValue(2);
        assertThat(elapsedMs).isBetween(950L, 4000L);
    }

    @Test
    void givesARetryAfterBeyondThePolicysPatienceToTheCaller() {
        server.on("/v1/chat/completions", ex -> {
            ex.getResponseHeaders().set("Retry-After", "120");
            json(ex, 429, "{\"error\":{\"message\":\"Rate limit reached\"}}");
        });

        assertThatThrownBy(() -> transport(server.uri()).build().postJson("/v1/chat/completions", Map.of()))
                .isInstanceOfSatisfying(ServerBusyException.class, e -> {
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(120));
                    assertThat(e.status()).isEqualTo(429);
                });
        assertThat(server.seen()).hasSize(1);
    }

    @Test
    void givesUpAfterTheLastAttempt() {
        server.on("/health", ex -> json(ex, 503, "{\"error\":{\"message\":\"Loading model\",\"type\":\"unavailable_error\",\"code\":503}}"));

        assertThatThrownBy(() -> transport(server.uri()).build().getJson("/health"))
                .isInstanceOf(ServerBusyException.class)
                .hasMessageContaining("Loading model");
        assertThat(server.seen()).hasSize(3);
    }

    @Test
    void retriesAGatewayFailureOnlyForIdempotentCalls() {
        server.on("/x", ex -> send(ex, 502, "text/plain", "Bad Gateway"));
        HttpTransport http = transport(server.uri()).build();

        assertThatThrownBy(() -> http.postJson("/x", Map.of())).isInstanceOf(BackendUnavailableException.class);
        assertThat(server.seen()).hasSize(1);
        assertThatThrownBy(() -> http.getJson("/x")).isInstanceOf(BackendUnavailableException.class);
        assertThat(server.seen()).hasSize(4);
        assertThatThrownBy(() -> http.json(HttpCall.post("/x", Map.of()).idempotent())).isInstanceOf(BackendUnavailableException.class);
        assertThat(server.seen()).hasSize(7);
    }

    @Test
    void neverRetriesAServerFailure() {
        server.on("/api/generate", ex -> json(ex, 500, "{\"error\":\"the model failed to generate a response\"}"));

        assertThatThrownBy(() -> transport(server.uri()).build().getJson("/api/generate"))
                .isExactlyInstanceOf(GenerationException.class);
        assertThat(server.seen()).hasSize(1);
    }

    @Test
    void retriesABrokenConnectionOnlyWhenTheCallIsIdempotent() throws IOException {
        try (RawServer raw = new RawServer(RawServer.Connection::reset)) {
            HttpTransport http = transport(raw.uri()).build();

            assertThatThrownBy(() -> http.postJson("/api/chat", Map.of("model", "m")))
                    .isExactlyInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("Ollama at " + raw.uri() + "/api/chat reset the connection before a byte of its "
                            + "answer")
                    .hasMessageContaining("ollama serve");
            assertThat(raw.connections()).isEqualTo(1);

            assertThatThrownBy(() -> http.getJson("/api/tags")).isExactlyInstanceOf(BackendUnavailableException.class);
            // Three attempts; the JDK's client may add one reconnection of its own to each for a GET.
            assertThat(raw.connections() - 1).isIn(3, 6);
        }
    }

    @Test
    void sendsAPostAgainWhenItsKeptAliveConnectionClosesBeforeAnsweringOnlyIfMarked() throws IOException {
        Set<RawServer.Connection> answered = ConcurrentHashMap.newKeySet();
        // Each connection answers its first request and closes cleanly on the second, as a server
        // closing an idle kept-alive connection just as the next request goes out on it.
        try (RawServer raw = RawServer.keepAlive(c -> {
            if (answered.add(c)) {
                c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}");
            } else {
                c.socket.close();
            }
        })) {
            HttpTransport http = transport(raw.uri()).build();
            HttpCall chat = HttpCall.post("/api/chat", Map.of("model", "m"));

            assertThat(http.json(chat).path("ok").asBoolean()).isTrue();
            assertThatThrownBy(() -> http.json(chat)).as("not marked: not sent again")
                    .isExactlyInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("closed the connection before a byte of its answer")
                    .hasMessageContaining("sending the request again then works");
            assertThat(raw.requests()).isEqualTo(2);

            assertThat(http.json(chat.resendIfUnanswered()).path("ok").asBoolean()).isTrue();
            assertThat(http.json(chat.resendIfUnanswered()).path("ok").asBoolean()).as("sent again on a new connection")
                    .isTrue();

            assertThat(raw.requests()).isEqualTo(5);
            assertThat(raw.connections()).isEqualTo(3);
        }
    }

    @Test
    void sendsAMarkedPostOnlyTwiceWhenTheServerKeepsClosingWithoutAnswer() throws IOException {
        try (RawServer raw = new RawServer(c -> c.socket.close())) {
            HttpTransport http = transport(raw.uri()).build();
            HttpCall chat = HttpCall.post("/api/chat", Map.of("model", "m")).resendIfUnanswered();

            assertThatThrownBy(() -> http.json(chat))
                    .isExactlyInstanceOf(BackendUnavailableException.class)
                    .hasMessageStartingWith("Ollama at " + raw.uri() + "/api/chat closed the connection before a byte "
                            + "of its answer (HTTP/1.1 header parser received no bytes")
                    .hasMessageContaining("a proxy or container port in front of it has no server behind it")
                    .hasMessageEndingWith("ollama serve`");
            assertThat(raw.requests()).isEqualTo(2);

            assertThatThrownBy(() -> HttpTransport.builder(raw.uri()).retryPolicy(RetryPolicy.none()).build().json(chat))
                    .isExactlyInstanceOf(BackendUnavailableException.class);
            assertThat(raw.requests()).as("RetryPolicy.none() sends nothing again").isEqualTo(3);
        }
    }

    @Test
    void saysWhatToCheckWhenNothingListens() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        HttpTransport http = transport(URI.create("http://127.0.0.1:" + port)).build();

        assertThatThrownBy(() -> http.postJson("/api/chat", Map.of()))
                .isExactlyInstanceOf(BackendUnavailableException.class)
                .hasMessageStartingWith("could not connect to Ollama at http://127.0.0.1:" + port + "/api/chat (")
                .hasMessageContainingAll("onnection refused")
                .hasMessageEndingWith("); is Ollama running? start it with `ollama serve`");
        assertThatThrownBy(() -> HttpTransport.builder("http://127.0.0.1:" + port).retryPolicy(RetryPolicy.none()).build()
                .getJson("/v1/models"))
                .hasMessageEndingWith("; check that the server is running and that the address and port are right");
    }

    @Test
    void saysSoWhenThePortSpeaksAnotherProtocol() throws IOException {
        for (String answer : List.of("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n",
                "<html><body><h1>It works!</h1></body></html>\n")) {
            try (RawServer raw = new RawServer(c -> c.write(answer))) {
                HttpTransport http = transport(raw.uri()).build();

                assertThatThrownBy(() -> http.getJson("/api/tags")).as(answer)
                        .isExactlyInstanceOf(BackendUnavailableException.class)
                        .hasMessageContaining("Ollama at " + raw.uri() + "/api/tags did not answer in HTTP")
                        .hasMessageContaining("another program is listening on that port")
                        .hasMessageEndingWith("ollama serve`");
                assertThat(raw.connections()).as("not retried").isEqualTo(1);
            }
        }
    }

    @Test
    void servesConcurrentCallersFromOneTransport() throws Exception {
        server.on("/api/version", ex -> json(ex, 200, "{\"version\":\"" + ex.getRequestURI().getQuery() + "\"}"));
        HttpTransport http = transport(server.uri()).build();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String id = "n" + i;
                answers.add(pool.submit(() -> http.json(HttpCall.get("/api/version?" + id), Version.class).version()));
            }
            for (int i = 0; i < answers.size(); i++) {
                assertThat(answers.get(i).get()).isEqualTo("n" + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusesBaseAddressesThatCannotWork() {
        assertThatThrownBy(() -> HttpTransport.builder("localhost:11434")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http://127.0.0.1:11434");
        assertThatThrownBy(() -> HttpTransport.builder("http://user:se cret@127.0.0.1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("cret");
        assertThatThrownBy(() -> HttpTransport.builder("http://user:secret@127.0.0.1:8080"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret").hasMessageContaining("header(...)");
        assertThatThrownBy(() -> HttpTransport.builder("http://127.0.0.1:8080").header("Host", "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
