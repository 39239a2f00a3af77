package io.github.localllm.benchmarks;

import io.github.localllm.testkit.FakeOllama;
import io.github.localllm.testkit.FakeOpenAi;
import io.github.localllm.testkit.FakeServer;
import io.github.localllm.testkit.ScriptedAnswer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The server side of the client benchmarks, run in a JVM of its own (see {@link ChildServer}) so
 * that its work is not counted as the client's: an Ollama and a llama.cpp server on loopback.
 *
 * <p>Streamed answers are replayed from a recording of the testkit's fakes ({@link FakeOllama},
 * {@link FakeOpenAi} as llama.cpp), which write the lines of {@code protocols/ollama/*.ndjson} and
 * the events of {@code protocols/llama-server-captured/05b-...-RAW-chunked.http}: every answer has
 * the given number of tokens, each line or event its own HTTP chunk, written with its own socket
 * write on a {@code TCP_NODELAY} socket, as Ollama (Go's {@code http.Flusher} after each token)
 * and llama-server send them. A raw socket instead of an HTTP server keeps the server's cost per
 * token at one write, far below any client's. Everything else (the model list, {@code /api/show},
 * loading, non-streamed answers, errors) is relayed to the fakes themselves, so an engine that
 * checks its model before streaming meets the real protocol.
 *
 * <pre>{@code
 * java -cp benchmarks.jar io.github.localllm.benchmarks.FakeStreamServer 1000
 * }</pre>
 * prints {@code ollama=http://127.0.0.1:<port> openai=http://127.0.0.1:<port>} when ready and
 * exits when its standard input closes, so it never outlives the benchmark that started it.
 */
public final class FakeStreamServer {
    /** The model both fakes serve. */
    static final String MODEL = "llama3.2";
    /** Distinct token pieces per recording; answers repeat them in order. */
    static final int RECORDED_TOKENS = 1000;
    /** A short answer's words, some with characters beyond ASCII and an escaped newline. */
    static final String[] WORDS = {"The", " sky", " is", " blue", " because", " of", " Rayleigh", " scattering",
        ",", " which", " scatters", " shorter", " wavelengths", " more", ".", " Кто", "\n", " 🙂"};

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final String OLLAMA_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n"
            + "Date: %s\r\nTransfer-Encoding: chunked\r\n\r\n";
    // The headers of protocols/llama-server-captured/05b-POST-v1-chat-completions-stream-RAW-chunked.http.
    private static final byte[] LLAMA_SERVER_HEAD = ("HTTP/1.1 200 OK\r\nServer: llama.cpp\r\n"
            + "Access-Control-Allow-Origin: \r\nX-Accel-Buffering: no\r\nContent-Type: text/event-stream\r\n"
            + "Transfer-Encoding: chunked\r\nKeep-Alive: timeout=5, max=100\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private final long tokens;
    private final Writes writes;
    private final HttpClient relay = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** How the chunks of a streamed answer leave the server. */
    enum Writes {
        /**
         * One socket write per chunk, as a server flushing after every token: the client wakes up
         * for about every line, as it does for a model generating 10 to 100 tokens a second, and the
         * server's write (a few microseconds on loopback) bounds the time per token.
         */
        LINE,
        /**
         * The same chunks written back to back through a 64 KiB buffer: the client reads many
         * lines at a time, as from a server faster than itself, so its time per token is its own
         * parsing and hand-off alone.
         */
        BATCH;

        static Writes parse(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    private FakeStreamServer(long tokens, Writes writes) {
        this.tokens = tokens;
        this.writes = writes;
    }

    /**
     * @param args the tokens of every streamed answer (default 1000), and {@code line} (default) or
     *     {@code batch}: see {@link Writes}
     */
    public static void main(String[] args) throws Exception {
        long tokens = args.length > 0 ? Long.parseLong(args[0]) : RECORDED_TOKENS;
        Writes writes = args.length > 1 ? Writes.parse(args[1]) : Writes.LINE;
        new FakeStreamServer(tokens, writes).run();
    }

    private void run() throws Exception {
        ScriptedAnswer answer = answer();
        try (FakeOllama ollama = FakeOllama.builder().model(MODEL).answer(answer).start();
             FakeOpenAi llamaServer = FakeOpenAi.builder(FakeOpenAi.Flavor.LLAMA_CPP).model(MODEL).answer(answer).start()) {
            String chat = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Why is the sky blue?\"}]";
            RecordedStream ollamaChat = RecordedStream.ndjson(record(ollama, "/api/chat", chat + "}"));
            RecordedStream ollamaGenerate = RecordedStream.ndjson(record(ollama, "/api/generate",
                    "{\"model\":\"" + MODEL + "\",\"prompt\":\"Why is the sky blue?\"}"));
            RecordedStream openAiChat = RecordedStream.sse(record(llamaServer, "/v1/chat/completions",
                    chat + ",\"stream\":true}"));
            Listener ollamaPort = new Listener("ollama", ollama, request -> {
                if (!request.method().equals("POST")) {
                    return null;
                }
                return switch (request.path()) {
                    case "/api/chat" -> streams(request, "messages", true) ? ollamaChat : null;
                    case "/api/generate" -> streams(request, "prompt", true) ? ollamaGenerate : null;
                    default -> null;
                };
            }, () -> String.format(OLLAMA_HEAD, DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)))
                    .getBytes(StandardCharsets.US_ASCII));
            Listener openAiPort = new Listener("llama-server", llamaServer, request ->
                    request.method().equals("POST") && request.path().equals("/v1/chat/completions")
                            && streams(request, "messages", false) ? openAiChat : null, () -> LLAMA_SERVER_HEAD);
            System.out.println("ollama=" + ollamaPort.uri() + " openai=" + openAiPort.uri() + " tokens=" + tokens
                    + " writes=" + writes.name().toLowerCase(Locale.ROOT)
                    + " bytesPerToken=" + ollamaChat.bytesPerToken() + "/" + ollamaGenerate.bytesPerToken() + "/"
                    + openAiChat.bytesPerToken());
            System.out.flush();
            // Until the parent closes our standard input, or dies.
            while (System.in.read() >= 0) {
                // ignore
            }
            System.err.println("fake server: " + ollamaPort + "; " + openAiPort);
        }
    }

    private static ScriptedAnswer answer() {
        String[] pieces = new String[RECORDED_TOKENS];
        for (int i = 0; i < pieces.length; i++) {
            pieces[i] = WORDS[i % WORDS.length];
        }
        return ScriptedAnswer.builder().pieces(pieces).build();
    }

    private String record(FakeServer fake, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = relay.send(HttpRequest.newBuilder(fake.uri(path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /**
     * Whether a generation request gets a stream: a non-empty {@code field} (empty messages or an
     * empty prompt load or unload the model instead), and {@code stream} as the server defaults it.
     */
    private static boolean streams(RawRequest request, String field, boolean streamByDefault) {
        JsonNode body;
        try {
            body = MAPPER.readTree(request.body());
        } catch (RuntimeException e) {
            return false;
        }
        JsonNode input = body.path(field);
        boolean hasInput = input.isArray() ? !input.isEmpty() : input.isString() && !input.stringValue().isEmpty();
        return hasInput && body.path("stream").asBoolean(streamByDefault);
    }

    /** {@code content-type} as Go writes it: {@code Content-Type}. */
    private static String canonical(String header) {
        StringBuilder sb = new StringBuilder(header.length());
        boolean upper = true;
        for (char c : header.toCharArray()) {
            sb.append(upper ? Character.toUpperCase(c) : c);
            upper = c == '-';
        }
        return sb.toString();
    }

    /** One listening port: streams what {@code route} names, relays everything else to {@code fake}. */
    private final class Listener {
        private final String name;
        private final FakeServer fake;
        private final Function<RawRequest, RecordedStream> route;
        private final Supplier<byte[]> head;
        private final ServerSocket socket;
        private final AtomicLong connections = new AtomicLong();
        private final AtomicLong streamed = new AtomicLong();
        private final AtomicLong relayed = new AtomicLong();

        Listener(String name, FakeServer fake, Function<RawRequest, RecordedStream> route, Supplier<byte[]> head)
                throws IOException {
            this.name = name;
            this.fake = fake;
            this.route = route;
            this.head = head;
            this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(this::accept, name + "-accept");
            accept.setDaemon(true);
            accept.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        private void accept() {
            for (int n = 1; ; n++) {
                try {
                    Socket connection = socket.accept();
                    connections.incrementAndGet();
                    connection.setTcpNoDelay(true);
                    Thread t = new Thread(() -> serve(connection), name + "-" + n);
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket connection) {
            try (connection) {
                InputStream in = new BufferedInputStream(connection.getInputStream());
                OutputStream out = writes == Writes.BATCH
                        ? new BufferedOutputStream(connection.getOutputStream(), 1 << 16) : connection.getOutputStream();
                for (RawRequest request = RawRequest.read(in); request != null; request = RawRequest.read(in)) {
                    if ("100-continue".equalsIgnoreCase(request.headers().get("expect"))) {
                        out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                    RecordedStream stream = route.apply(request);
                    if (stream != null) {
                        out.write(head.get());
                        stream.write(out, tokens);
                        streamed.incrementAndGet();
                    } else {
                        relay(request, out);
                        relayed.incrementAndGet();
                    }
                    if (request.closes()) {
                        return;
                    }
                }
            } catch (IOException | InterruptedException e) {
                // The client went away (a cancelled stream): nothing to do.
            }
        }

        /** Says how many connections served how many requests: a client that pools its connections needs one. */
        @Override
        public String toString() {
            return name + " " + connections + " connections for " + streamed + " streamed answers and " + relayed
                    + " other requests";
        }

        private void relay(RawRequest request, OutputStream out) throws IOException, InterruptedException {
            HttpRequest.Builder forward = HttpRequest.newBuilder(fake.uri(request.path()))
                    .method(request.method(), request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(request.body()));
            for (Map.Entry<String, String> h : request.headers().entrySet()) {
                if (h.getKey().equals("content-type") || h.getKey().equals("authorization")) {
                    forward.header(h.getKey(), h.getValue());
                }
            }
            HttpResponse<byte[]> answer = relay.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] body = answer.body();
            StringBuilder reply = new StringBuilder("HTTP/1.1 ").append(answer.statusCode()).append(' ')
                    .append(answer.statusCode() < 400 ? "OK" : "Error").append("\r\n");
            answer.headers().map().forEach((k, values) -> {
                if (!Arrays.asList("content-length", "transfer-encoding", "connection", ":status").contains(k)) {
                    values.forEach(v -> reply.append(canonical(k)).append(": ").append(v).append("\r\n"));
                }
            });
            reply.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            out.write(reply.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (!request.method().equals("HEAD")) {
                out.write(body);
            }
            out.flush();
        }
    }
}
