package io.github.localllm.benchmarks;

import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInfo;
import io.github.localllm.ModelInstance;
import io.github.localllm.backend.openai.OpenAiBackend;
import io.github.localllm.http.HttpCall;
import io.github.localllm.http.HttpStream;
import io.github.localllm.http.HttpTransport;
import io.github.localllm.http.SseEvent;
import io.github.localllm.http.SseReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * What the OpenAI-compatible engine costs per streamed token on the client, the whole path: the
 * JDK's HTTP client on a loopback socket, the SSE reader, the chunks bound to the engine's field
 * classes, the {@code ChunkFeed} (pulled on the consumer's thread since the feed's pull mode), the joined result. A loopback
 * server answers every request at once with the same {@value #TOKENS}-token answer in llama-server's
 * event shape (capture 05c: role chunk, one {@code delta.content} per token, finish chunk, usage
 * chunk with timings, {@code [DONE]}), so the figures are the client's own. The budget is
 * 1.5 µs and 500 bytes allocated per token; JMH divides by the token count, so time and
 * {@code gc.alloc.rate.norm} (with {@code -prof gc}) are per token. The allocation figure counts
 * every thread of the JVM: the HTTP client's, the engine's reader, the consumer, and the server's,
 * which writes one prepared array. {@code transportAndReaderOnly} reads the same answer with the
 * transport and the SSE reader alone on one thread, so that the rest (the reader thread, the
 * {@code ChunkFeed} hand-off to the consumer, the result) is the difference; {@code generatedTokens}
 * reads the same answer with {@code generate}, whose caller takes no chunk one by one.
 *
 * <p>Measured on the 2-core development machine while other builds ran (load 3 to 8): the
 * transport and reader alone 2.0 µs and 520 B per token (the JDK client on a socket adds about 360 B
 * to the 157 B of {@code StreamReaderBenchmark.sseToFields} in memory); the whole engine 5.8 to 8.8 µs
 * and 640 B, and {@code generate} as much, so the time goes to the hand-off between the reader
 * thread and the caller, three busy threads (the client's selector, the reader, the caller) on two
 * cores, not to taking chunks one by one.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar OpenAiStreamBenchmark -f 1 -wi 3 -i 5 -prof gc
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class OpenAiStreamBenchmark {
    static final int TOKENS = 2000;
    private static final String[] WORDS = {"The", " sky", " is", " blue", " because", " of", " Rayleigh", " scattering",
        ",", " which", " scatters", " shorter", " wavelengths", " more", ".", " Кто", "\\n", " 🙂"};

    private ServerSocket socket;
    private Thread serverThread;
    private static final java.util.Map<String, Object> BODY = java.util.Map.of("model", "m", "stream", true);
    private static final tools.jackson.databind.ObjectReader FIELDS = tools.jackson.databind.json.JsonMapper.builder()
            .disable(tools.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build()
            .readerFor(StreamReaderBenchmark.OpenAiChunkFields.class);

    private ModelInstance model;
    private GenerationRequest request;
    private HttpTransport transport;

    /** Starts the loopback server and the engine on it. */
    @Setup(Level.Trial)
    public void setup() throws IOException {
        byte[] answer = answer();
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        serverThread = new Thread(() -> serve(answer), "benchmark-server");
        serverThread.setDaemon(true);
        serverThread.start();
        OpenAiBackend backend = OpenAiBackend.builder(URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/v1")).build();
        model = backend.instance(ModelInfo.builder("small-q4_k_m", "openai").capabilities(OpenAiBackend.CAPABILITIES)
                .options(LoadOptions.defaults()).build(), () -> { });
        request = GenerationRequest.builder().user("Why is the sky blue?").build();
        transport = backend.transport();
    }

    /** Stops the server. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException, InterruptedException {
        model.close();
        socket.close();
        serverThread.join(2000);
    }

    /**
     * @return events read: the same exchange through the transport and the SSE reader alone, each event
     *     bound to classes with public fields as the engine binds them, on one thread: what the engine adds
     *     is the difference
     */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public int transportAndReaderOnly(Blackhole bh) {
        int n = 0;
        try (HttpStream http = transport.stream(HttpCall.post("/v1/chat/completions", BODY));
             SseReader events = http.sse(b -> b.untilData(SseEvent.DONE))) {
            while (events.advance() && !events.isEnd()) {
                bh.consume(events.readData(FIELDS));
                n++;
            }
        }
        return n;
    }

    /** @return tokens generated: the same answer read to its end by {@code generate}, without a consumer per chunk */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public int generatedTokens(Blackhole bh) {
        GenerationResult result = model.generate(request);
        bh.consume(result);
        if (result.usage().completionTokens() != TOKENS) {
            throw new IllegalStateException("generated " + result.usage().completionTokens() + " tokens, expected " + TOKENS);
        }
        return TOKENS;
    }

    /** @return tokens read */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public int streamedTokens(Blackhole bh) {
        int n = 0;
        try (GenerationStream stream = model.stream(request)) {
            for (GenerationChunk chunk : stream) {
                bh.consume(chunk.text());
                n++;
            }
            bh.consume(stream.result());
        }
        if (n != TOKENS) {
            throw new IllegalStateException("read " + n + " chunks, expected " + TOKENS);
        }
        return n;
    }

    private static byte[] answer() {
        StringBuilder body = new StringBuilder();
        String head = ",\"created\":1795328404,\"id\":\"chatcmpl-rlFEcrx0XzBFz5h6K8ci00MIjErHZTVw\",\"model\":\"small-q4_k_m\","
                + "\"system_fingerprint\":\"b10470-34af94cd9\",\"object\":\"chat.completion.chunk\"}\n\n";
        body.append("data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null}}]")
                .append(head);
        for (int i = 0; i < TOKENS; i++) {
            body.append("data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"content\":\"")
                    .append(WORDS[i % WORDS.length]).append("\"}}]").append(head);
        }
        body.append("data: {\"choices\":[{\"finish_reason\":\"length\",\"index\":0,\"delta\":{}}]").append(head);
        body.append(String.format(Locale.ROOT, "data: {\"choices\":[]%s", head.substring(0, head.length() - 3)))
                .append(",\"usage\":{\"completion_tokens\":").append(TOKENS).append(",\"prompt_tokens\":9,\"total_tokens\":")
                .append(TOKENS + 9).append("},\"timings\":{\"cache_n\":8,\"prompt_n\":1,\"prompt_ms\":15.466,\"prompt_per_second\":"
                        + "64.65,\"predicted_n\":").append(TOKENS).append(",\"predicted_ms\":1161.31,\"predicted_per_second\":"
                        + "1722.2}}\n\n");
        body.append("data: [DONE]\n\n");
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("HTTP/1.1 200 OK\r\nServer: llama.cpp\r\nContent-Type: text/event-stream\r\nContent-Length: "
                + bytes.length + "\r\nKeep-Alive: timeout=5, max=100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(bytes);
        return out.toByteArray();
    }

    /** Answers each request on each connection with the same bytes, keeping connections open. */
    private void serve(byte[] answer) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Thread t = new Thread(() -> connection(client, answer), "benchmark-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void connection(Socket client, byte[] answer) {
        try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
            while (readRequest(in)) {
                out.write(answer);
                out.flush();
            }
        } catch (IOException e) {
            // the client closed the connection
        }
    }

    /** Reads one request's head and its Content-Length body; false at the end of the connection. */
    private static boolean readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        if (b < 0) {
            return false;
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        return in.readNBytes(length).length == length;
    }
}
