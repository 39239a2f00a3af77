package io.github.localllm.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationStream;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelRef;
import io.github.localllm.backend.ollama.OllamaBackend;
import io.github.localllm.backend.ollama.OllamaBackendProvider;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.spi.ModelLoadRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the Ollama engine costs per streamed token on the client: a {@value #TOKENS}-token
 * {@code /api/chat} answer (lines shaped as Ollama v0.33 writes them, about 130 bytes each) served
 * from memory by an in-process loopback server, read through the whole engine path: the HTTP layer,
 * the NDJSON reader binding each line to the engine's field class, the reader thread, the chunk
 * feed and the consumer. JMH divides by the token count, so time and {@code gc.alloc.rate.norm}
 * (with {@code -prof gc}) are per token; they include the loopback transfer and the server's one
 * write per answer, so they bound the client's own cost from above. The budget is 1.5 µs
 * and 500 bytes per token.
 *
 * <ul>
 *   <li>{@code generate}: {@code ModelInstance.generate}, the answer joined;</li>
 *   <li>{@code stream}: {@code ModelInstance.stream}, every chunk iterated.</li>
 * </ul>
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar OllamaEngineBenchmark -f 1 -wi 3 -i 5 -prof gc
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class OllamaEngineBenchmark {
    static final int TOKENS = 10_000;
    private static final String[] WORDS = {"The", " sky", " is", " blue", " because", " of", " Rayleigh", " scattering",
        ",", " which", " scatters", " shorter", " wavelengths", " more", ".", " Кто", "\\n", " 🙂"};

    private HttpServer server;
    private OllamaBackend engine;
    private ModelInstance model;
    private GenerationRequest request;

    @Setup
    public void start() throws IOException {
        byte[] chat = chatStream();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> answer(exchange, chat));
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        ConfigEnvironment empty = new ConfigEnvironment(Map.of(), Map.of(), Path.of("target", "none"),
                Path.of("target", "none", "config.json"));
        engine = new OllamaBackendProvider().create(LocalLlmConfig.load(Map.of("ollama.url", url), Map.of(), empty));
        model = engine.load(new ModelLoadRequest(ModelRef.name("llama3.2"), LoadOptions.defaults()));
        request = GenerationRequest.builder().user("Why is the sky blue?").build();
    }

    @TearDown
    public void stop() {
        model.close();
        engine.close();
        server.stop(0);
    }

    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public void generate(Blackhole bh) {
        bh.consume(model.generate(request));
    }

    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public void stream(Blackhole bh) {
        try (GenerationStream s = model.stream(request)) {
            for (GenerationChunk c : s) {
                bh.consume(c);
            }
            bh.consume(s.result());
        }
    }

    private static void answer(HttpExchange exchange, byte[] chat) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
        }
        String path = exchange.getRequestURI().getPath();
        byte[] body = switch (path) {
            case "/api/chat" -> chat;
            case "/api/version" -> bytes("{\"version\":\"0.33.0\"}");
            case "/api/ps" -> bytes("{\"models\":[]}");
            case "/api/show" -> bytes("{\"details\":{\"family\":\"llama\",\"parameter_size\":\"3.2B\","
                    + "\"quantization_level\":\"Q4_K_M\"},\"model_info\":{\"general.architecture\":\"llama\","
                    + "\"llama.context_length\":131072},\"capabilities\":[\"completion\",\"tools\"]}");
            default -> bytes("{\"model\":\"llama3.2\",\"created_at\":\"2025-05-04T17:37:44.706015396Z\","
                    + "\"response\":\"\",\"done\":true,\"done_reason\":\"load\"}");
        };
        exchange.getResponseHeaders().set("Content-Type", path.equals("/api/chat") ? "application/x-ndjson"
                : "application/json; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] chatStream() {
        StringBuilder sb = new StringBuilder(TOKENS * 140);
        for (int i = 0; i < TOKENS; i++) {
            sb.append("{\"model\":\"llama3.2\",\"created_at\":\"2025-05-04T17:37:44.706015396Z\",\"message\":{\"role\":")
                    .append("\"assistant\",\"content\":\"").append(WORDS[i % WORDS.length]).append("\"},\"done\":false}\n");
        }
        sb.append("{\"model\":\"llama3.2\",\"created_at\":\"2025-05-04T17:37:44.706015396Z\",\"message\":{\"role\":")
                .append("\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\",\"total_duration\":")
                .append("4193432541,\"load_duration\":35212875,\"prompt_eval_count\":19,\"prompt_eval_duration\":")
                .append("62307708,\"eval_count\":").append(TOKENS).append(",\"eval_duration\":4095135333}\n");
        return bytes(sb.toString());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
