package io.github.localllm.registry.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.localllm.BackendUnavailableException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.http.ServerBusyException;
import io.github.localllm.registry.ModelQuery;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's redirect, pagination and error rules against hand-made answers: what the Hub does rarely
 * (a renamed repository's relative redirect) or a hostile mirror might do (a redirect or a next page on another
 * host, an answer that is not JSON).
 */
class HubClientTest {
    private static final String TOKEN = "hf_clientSECRET42";

    /** A request as received: path, query and the Authorization header if any. */
    record Seen(String server, String path, String authorization) {
    }

    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    /** A server whose answer to each path comes from {@code routes}; the answer is status, headers, body. */
    private URI server(String name, Map<String, Function<HttpExchange, Answer>> routes) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            seen.add(new Seen(name, exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization")));
            Function<HttpExchange, Answer> route = routes.get(exchange.getRequestURI().getPath());
            Answer a = route == null ? new Answer(404, Map.of(), "{\"error\":\"Not Found\"}") : route.apply(exchange);
            a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        servers.add(server);
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    record Answer(int status, Map<String, String> headers, String body) {
    }

    private static HubClient client(URI endpoint) {
        return new HubClient(endpoint, TOKEN, false, Duration.ofSeconds(5), Duration.ofSeconds(2), 3);
    }

    @Test
    void aRelativeRedirectKeepsTheTokenAndOneToAnotherHostDropsIt() throws IOException {
        URI other = server("other", Map.of("/api/models/new/name", x -> new Answer(200, Map.of(), "{\"id\":\"new/name\"}")));
        URI hub = server("hub", Map.of(
                "/api/models/old/name", x -> new Answer(307, Map.of("Location", "/api/models/renamed/name"), ""),
                "/api/models/renamed/name", x -> new Answer(302, Map.of("Location", other + "/api/models/new/name"), "")));
        HubClient.Answer answer = client(hub).get("/api/models/old/name", HubTarget.repository("old/name", "main"));
        assertThat(answer.body()).contains("new/name");
        assertThat(seen).containsExactly(
                new Seen("hub", "/api/models/old/name", "Bearer " + TOKEN),
                new Seen("hub", "/api/models/renamed/name", "Bearer " + TOKEN),
                new Seen("other", "/api/models/new/name", null));
    }

    @Test
    void aNextPageOnAnotherHostIsIgnored() throws IOException {
        URI hub = server("hub", Map.of("/api/models", x -> new Answer(200,
                Map.of("Link", "<https://evil.example/api/models?cursor=abc>; rel=\"next\""), "[]")));
        assertThat(client(hub).get("/api/models?limit=1", HubTarget.SEARCH).next()).isEmpty();
        URI relative = server("hub2", Map.of("/api/models", x -> new Answer(200,
                Map.of("Link", "</api/models?limit=1&cursor=abc>; rel=\"next\""), "[]")));
        assertThat(client(relative).get("/api/models?limit=1", HubTarget.SEARCH).next())
                .hasValue("/api/models?limit=1&cursor=abc");
    }

    @Test
    void tooManyRedirectsAndAnswersThatAreNotJsonFailClearly() throws IOException {
        URI hub = server("hub", Map.of(
                "/api/models/loop/loop", x -> new Answer(302, Map.of("Location", "/api/models/loop/loop"), ""),
                "/api/models", x -> new Answer(200, Map.of(), "<!doctype html><html>a captive portal</html>")));
        assertThatThrownBy(() -> client(hub).get("/api/models/loop/loop", HubTarget.repository("loop/loop", "main")))
                .isInstanceOf(BackendUnavailableException.class).hasMessageContaining("redirected more than");
        HuggingFaceRegistry registry = HuggingFaceRegistry.builder().endpoint(hub).cacheDirectory(null).build();
        assertThatThrownBy(() -> registry.search(ModelQuery.builder().build()))
                .isInstanceOf(BackendUnavailableException.class).hasMessageContaining("is not JSON");
    }

    @Test
    void serverFailuresAreRetriedThenReportedAndBadRequestsAreNot() throws IOException {
        Map<String, Integer> calls = new ConcurrentHashMap<>();
        URI hub = server("hub", Map.of(
                "/api/models", x -> calls.merge("search", 1, Integer::sum) < 3
                        ? new Answer(503, Map.of(), "{\"error\":\"Service Unavailable\"}")
                        : new Answer(200, Map.of(), "[]"),
                "/api/models/bad/query", x -> new Answer(400, Map.of(), "{\"error\":[\"limit must be \" , \"x\"]}"),
                "/api/models/echo/token", x -> new Answer(500, Map.of(),
                        "{\"error\":\"token " + TOKEN + " is broken\"}")));
        HubClient client = client(hub);
        assertThat(client.get("/api/models", HubTarget.SEARCH).body()).isEqualTo("[]");
        assertThat(calls.get("search")).isEqualTo(3);
        assertThatThrownBy(() -> client.get("/api/models/bad/query", HubTarget.SEARCH))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("limit must be");
        assertThatThrownBy(() -> client.get("/api/models/echo/token", HubTarget.SEARCH))
                .isInstanceOf(ServerBusyException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains("***").doesNotContain(TOKEN));
    }

    @Test
    void aListingsAbsoluteTraversingOrControlCharacterPathsAreLeftOut() throws IOException {
        String sha = "ab".repeat(20);
        String entries = String.join(",",
                entry("/etc/cron.d/evil-Q4_0.gguf"), entry("C:/Windows/evil-Q4_0.gguf"), entry("dir\\\\evil-Q4_0.gguf"),
                entry("../../.bashrc-Q4_0.gguf"), entry("a/./b-Q4_0.gguf"), entry("a//b-Q4_0.gguf"),
                entry("esc\\u001b[2J-Q4_0.gguf"), entry("nl\\n-Q4_0.gguf"), entry("ok/fine-Q4_0.gguf"));
        URI hub = server("hub", Map.of(
                "/api/models/evil/paths", x -> new Answer(200, Map.of(), "{\"id\":\"evil/paths\",\"sha\":\"" + sha + "\"}"),
                "/api/models/evil/paths/tree/" + sha, x -> new Answer(200, Map.of(), "[" + entries + "]")));
        var details = HuggingFaceRegistry.builder().endpoint(hub).cacheDirectory(null).build().details("evil/paths");
        assertThat(details.files()).extracting(io.github.localllm.registry.RepoFile::path).containsExactly("ok/fine-Q4_0.gguf");
        assertThat(details.variants()).singleElement().satisfies(v -> assertThat(v.firstFile().path()).isEqualTo("ok/fine-Q4_0.gguf"));
    }

    private static String entry(String jsonPath) {
        return "{\"type\":\"file\",\"oid\":\"" + "cd".repeat(20) + "\",\"size\":10,\"path\":\"" + jsonPath + "\"}";
    }

    @Test
    void aFileRedirectToPlainHttpOnARemoteHostIsNotFollowed() throws IOException {
        URI hub = server("hub", Map.of("/acme/m-GGUF/resolve/main/m-Q4_0.gguf", x -> new Answer(302, Map.of(
                "Location", "http://cdn.example/xet-bridge-us/abc?X-Amz-Signature=s", "X-Linked-Size", "10",
                "X-Repo-Commit", "ab".repeat(20)), "")));
        HuggingFaceRegistry registry = HuggingFaceRegistry.builder().endpoint(hub).cacheDirectory(null).build();
        var variant = new io.github.localllm.registry.GgufVariant("acme/m-GGUF", "main", java.util.Optional.of("Q4_0"),
                List.of(new io.github.localllm.registry.RepoFile("m-Q4_0.gguf", 10, java.util.Optional.empty())),
                java.util.Optional.empty());
        assertThatThrownBy(() -> registry.fit(variant)).isInstanceOf(io.github.localllm.ConfigurationException.class)
                .hasMessageContaining("http://cdn.example/xet-bridge-us/abc").hasMessageContaining("not HTTPS")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("X-Amz-Signature"));
        // Only the Hub's HEAD was sent: no range request went anywhere.
        assertThat(seen).extracting(Seen::path).containsExactly("/acme/m-GGUF/resolve/main/m-Q4_0.gguf");
    }

    @Test
    void aRefusedTokenIsAnAuthenticationErrorForASearchAndANotFoundForARepository() throws IOException {
        URI hub = server("hub", Map.of(
                "/api/models", x -> new Answer(401, Map.of(), "{\"error\":\"Invalid credentials in Authorization header\"}"),
                "/api/models/acme/private", x -> new Answer(401, Map.of(),
                        "{\"error\":\"Invalid credentials in Authorization header\"}")));
        HubClient client = client(hub);
        assertThatThrownBy(() -> client.get("/api/models?limit=1", HubTarget.SEARCH))
                .isInstanceOf(io.github.localllm.http.AuthenticationException.class)
                .hasMessageContaining("HTTP 401").hasMessageContaining("check HF_TOKEN")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
        assertThatThrownBy(() -> client.get("/api/models/acme/private", HubTarget.repository("acme/private", "main")))
                .isInstanceOf(io.github.localllm.registry.RepositoryNotFoundException.class)
                .hasMessageContaining("'acme/private' is not accessible").hasMessageContaining("the token in use has no access")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
    }

    @Test
    void retryAfterIsReadInSecondsOrAsADate() {
        java.net.http.HttpHeaders seconds = java.net.http.HttpHeaders.of(Map.of("Retry-After", List.of("12")), (a, b) -> true);
        assertThat(HubClient.retryAfter(seconds)).hasValue(Duration.ofSeconds(12));
        java.net.http.HttpHeaders past = java.net.http.HttpHeaders.of(
                Map.of("Retry-After", List.of("Wed, 21 Oct 2015 07:28:00 GMT")), (a, b) -> true);
        assertThat(HubClient.retryAfter(past)).hasValue(Duration.ZERO);
        java.net.http.HttpHeaders junk = java.net.http.HttpHeaders.of(Map.of("Retry-After", List.of("soon")), (a, b) -> true);
        assertThat(HubClient.retryAfter(junk)).isEmpty();
    }
}
