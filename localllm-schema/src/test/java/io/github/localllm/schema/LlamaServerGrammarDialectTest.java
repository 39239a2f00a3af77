package io.github.localllm.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The grammars the converter writes are in the dialect of llama.cpp b4916 (the in-process
 * engine); this checks that a current llama.cpp, the {@code llama-server} of build b10470, reads
 * them too, since the managed-server and OpenAI-compatible engines hand the same grammars to it.
 * Each of a corpus of realistic schemas ({@code llama-server-grammar-corpus.json}: tool
 * arguments, extraction, nesting, unicode enums, patterns, formats, recursion, tuples,
 * combinators, numeric ranges) is converted and sent to the real server's {@code /completion}
 * with {@code "grammar"}: the server must take it (a grammar it cannot parse is a 400, "Failed to
 * parse grammar"), and its text must be one the grammar allows, whole when the model stopped by
 * itself, a prefix when the token limit cut it off.
 *
 * <p>The server is {@code llama-server} from the system property {@code localllm.llamaserver.path},
 * the environment variable {@code LLAMA_SERVER}, or {@code ../shared/engines/llama.cpp-b10470-linux-x64-cpu/}
 * beside the project; the model from {@code LOCALLLM_TEST_MODEL} (property or environment) or
 * {@code ../shared/models/stories260K-q8_0.gguf}. Without them the test is skipped, except under
 * {@code CI=true}, where it fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LlamaServerGrammarDialectTest {
    private static final Logger LOG = LoggerFactory.getLogger(LlamaServerGrammarDialectTest.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ENGINE_DIR = "shared/engines/llama.cpp-b10470-linux-x64-cpu";
    private static final String MODEL = "shared/models/stories260K-q8_0.gguf";
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final int N_PREDICT = 16;

    private Process server;
    private Path log;
    private URI base;
    private HttpClient http;
    /** Why there is no server to test against, when the test is skipped. */
    private String unavailable;

    @BeforeAll
    void startServer() throws Exception {
        Path repo = repositoryRoot();
        Path binary = locate("llama-server", System.getProperty("localllm.llamaserver.path"),
                System.getenv("LLAMA_SERVER"), repo.resolveSibling(ENGINE_DIR).resolve("llama-server"));
        Path model = locate("model", System.getProperty("LOCALLLM_TEST_MODEL",
                System.getProperty("localllm.test.model")), System.getenv("LOCALLLM_TEST_MODEL"),
                repo.resolveSibling(MODEL));
        if (binary == null || model == null) {
            LOG.warn("skipping the llama-server dialect test: {}", unavailable);
            return;
        }
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        log = Files.createTempFile("llama-server-dialect", ".log");
        // A free port can be taken between our check and the server's bind: try a few.
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            base = URI.create("http://127.0.0.1:" + port);
            server = new ProcessBuilder(binary.toString(), "-m", model.toString(), "--host", "127.0.0.1",
                    "--port", Integer.toString(port), "-c", "512", "-t", "1", "-tb", "1", "-np", "1", "--no-webui")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (awaitHealthy() || attempt == 3) {
                break;
            }
            stop();
        }
        assertThat(server.isAlive()).as("llama-server is running; its log:%n%s", logTail()).isTrue();
        LOG.info("llama-server {} on {} with {}", binary, base, model);
    }

    @AfterAll
    void stopServer() throws IOException {
        stop();
        if (log != null) {
            Files.deleteIfExists(log);
        }
    }

    private void stop() {
        if (server == null) {
            return;
        }
        server.destroy();
        try {
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** @return true once /health answers 200; false if the server exited (a port taken meanwhile) */
    private boolean awaitHealthy() throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                return false;
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/health"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return true;
                }
            } catch (ConnectException e) {
                // not listening yet
            } catch (IOException e) {
                LOG.debug("health check: {}", e.toString());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("llama-server did not become healthy within " + STARTUP + "; its log:\n" + logTail());
    }

    static Stream<Arguments> corpus() throws IOException {
        try (InputStream in = LlamaServerGrammarDialectTest.class.getResourceAsStream(
                "llama-server-grammar-corpus.json")) {
            JsonNode all = JSON.readTree(in);
            List<Arguments> cases = new ArrayList<>();
            for (JsonNode c : all) {
                cases.add(Arguments.of(c.get("name").asString(), JSON.writeValueAsString(c.get("schema"))));
            }
            return cases.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void theServerSamplesUnderTheConvertedGrammar(String name, String schema) throws Exception {
        requireServer();
        CompiledSchema compiled = CompiledSchema.of(schema);
        String gbnf = compiled.gbnf();
        HttpResponse<String> response = complete(gbnf, name.hashCode() & 0x7fff);

        assertThat(response.statusCode()).as("status for %s; body %s%ngrammar:%n%s", name, response.body(), gbnf)
                .isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.has("error")).as("error in %s", response.body()).isFalse();
        String content = body.get("content").asString();
        String stop = body.path("stop_type").asString();
        GbnfRecognizer grammar = GbnfRecognizer.parse(gbnf);
        LOG.info("{}: {} {}", name, stop, content);
        if (stop.equals("eos")) {
            assertThat(grammar.accepts(content)).as("the grammar accepts the finished text %s%ngrammar:%n%s",
                    content, gbnf).isTrue();
            if (compiled.checkedAfterGeneration().isEmpty()) {
                assertThat(compiled.violations(content)).as("violations of %s", content).isEmpty();
            }
        } else {
            assertThat(stop).as("why generation stopped").isEqualTo("limit");
            assertThat(grammar.acceptsPrefix(content)).as("the grammar allows the text %s as a start%ngrammar:%n%s",
                    content, gbnf).isTrue();
        }
    }

    @Test
    void aGrammarTheServerCannotParseIsA400NotUnconstrainedText() throws Exception {
        requireServer();
        // The control for the test above: the server does report a grammar it cannot read.
        HttpResponse<String> response = complete("root ::= \"a\" | undefined-rule", 1);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").path("message").asString())
                .containsIgnoringCase("grammar");
    }

    private HttpResponse<String> complete(String gbnf, int seed) throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode().put("prompt", "Once upon a time").put("grammar", gbnf)
                .put("n_predict", N_PREDICT).put("temperature", 1.0).put("seed", seed).put("cache_prompt", true);
        return http.send(HttpRequest.newBuilder(base.resolve("/completion")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request), StandardCharsets.UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The project root: the nearest directory up from here with the Maven wrapper. */
    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("localllm-schema"))) {
                return p;
            }
        }
        return dir;
    }

    private void requireServer() {
        Assumptions.assumeTrue(unavailable == null, () -> unavailable);
    }

    /**
     * @return the first candidate given, or the default; {@code null} (with the reason kept for the
     *     skip) when it is not there, or a failure under CI=true
     */
    private Path locate(String what, String property, String environment, Path fallback) {
        for (String candidate : new String[] {property, environment}) {
            if (candidate != null && !candidate.isBlank()) {
                Path p = Path.of(candidate);
                return present(p, what + " " + p + " (configured) does not exist") ? p : null;
            }
        }
        return present(fallback, "no " + what + " at " + fallback + "; set "
                + (what.equals("model") ? "LOCALLLM_TEST_MODEL" : "-Dlocalllm.llamaserver.path or LLAMA_SERVER")
                + " to run this test") ? fallback : null;
    }

    private boolean present(Path file, String reason) {
        if (Files.isRegularFile(file)) {
            return true;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(reason + " (CI=true: tests that need a real llama-server must run)");
        }
        unavailable = unavailable == null ? reason : unavailable + "; " + reason;
        return false;
    }
}
