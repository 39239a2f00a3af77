package io.github.localllm.benchmarks;

import io.github.localllm.http.JsonBinder;
import io.github.localllm.http.JsonScalars;
import io.github.localllm.http.NdjsonReader;
import io.github.localllm.http.SseEvent;
import io.github.localllm.http.SseReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * What reading a streamed answer costs per token on the client, before any engine logic: the
 * issue's budget for the whole client path is 1.5 µs and 500 bytes allocated per token. Each
 * benchmark reads a {@value #TOKENS}-token answer from memory (no socket), so the figures are the
 * readers' own; JMH divides by the token count, so time and {@code gc.alloc.rate.norm} (with
 * {@code -prof gc}) are per token.
 *
 * <ul>
 *   <li>{@code ndjsonToRecord}: an Ollama {@code /api/chat} stream (the line shape of
 *       {@code protocols/ollama/chat-stream-response.ndjson}, about 150 bytes) through
 *       {@link NdjsonReader}, each line bound to a record of the fields an engine needs, up to the
 *       {@code "done": true} line; {@code ndjsonToFields} binds to classes with public fields
 *       instead, {@code ndjsonToTree} to a {@link JsonNode}. The difference is Jackson's: in 3.3 a
 *       record (bound through its constructor) allocates about 300 bytes more than a class whose
 *       fields are set, whatever reads the stream.</li>
 *   <li>{@code ndjsonJacksonIterator}: the alternative the reader did not take, one Jackson parser
 *       over the whole stream ({@link ObjectReader#readValues}): no line limit, no line numbers in
 *       errors, and values spanning lines or sharing one are accepted.</li>
 *   <li>{@code sseEvents}: an OpenAI-compatible stream (the event shape llama-server sends,
 *       {@code protocols/llama-server-captured/05b-...-RAW-chunked.http}, about 250 bytes) through
 *       {@link SseReader#next()} up to {@code data: [DONE]}: events with their data as strings.
 *       {@code sseToFields} and {@code sseToRecord} bind each event's data instead, as an engine
 *       must, with {@link SseReader#advance()} and {@link SseReader#readData(Class)}: from the
 *       reader's bytes, no string, one parser for the stream. {@code sseToRecordViaString} binds
 *       {@code next().data()} with a fresh parse per event, the obvious way those replace.</li>
 *   <li>{@code ndjsonByHand}, {@code sseByHand}: the same, bound by hand with a
 *       {@link JsonBinder} into one object for the stream, as the engines do; {@code sseFraming}:
 *       the events alone, nothing bound.</li>
 * </ul>
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar StreamReaderBenchmark -f 1 -wi 3 -i 5 -prof gc
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class StreamReaderBenchmark {
    static final int TOKENS = 10_000;
    private static final String[] WORDS = {"The", " sky", " is", " blue", " because", " of", " Rayleigh", " scattering",
        ",", " which", " scatters", " shorter", " wavelengths", " more", ".", " Кто", "\\n", " 🙂"};

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final ObjectReader OPENAI_CHUNK = MAPPER.readerFor(OpenAiChunk.class);

    private byte[] ndjson;
    private byte[] sse;

    /** The fields of an Ollama chat line an engine reads. */
    public record OllamaChunk(OllamaMessage message, boolean done) {
    }

    /** An Ollama chat message. */
    public record OllamaMessage(String role, String content) {
    }

    /** The fields of an OpenAI chat.completion.chunk an engine reads. */
    public record OpenAiChunk(String id, OpenAiChoice[] choices) {
    }

    /** One choice of a chunk. */
    public record OpenAiChoice(int index, OpenAiDelta delta, String finish_reason) {
    }

    /** What a chunk adds to the message. */
    public record OpenAiDelta(String role, String content) {
    }

    // The same shapes as classes whose fields Jackson sets, which it binds with less garbage.

    /** An Ollama chat line, as fields. */
    public static final class OllamaChunkFields {
        /** The message so far. */
        public OllamaMessageFields message;
        /** Whether this is the last line. */
        public boolean done;
    }

    /** An Ollama chat message, as fields. */
    public static final class OllamaMessageFields {
        /** Who speaks. */
        public String role;
        /** The token's text. */
        public String content;
    }

    /** An OpenAI chunk, as fields. */
    public static final class OpenAiChunkFields {
        /** The completion's id. */
        public String id;
        /** One per choice. */
        public OpenAiChoiceFields[] choices;
    }

    /** One choice, as fields. */
    public static final class OpenAiChoiceFields {
        /** The choice's index. */
        public int index;
        /** What it adds. */
        public OpenAiDeltaFields delta;
        /** Why it ended, on the last chunk. */
        public String finish_reason;
    }

    /** What a chunk adds, as fields. */
    public static final class OpenAiDeltaFields {
        /** Who speaks, on the first chunk. */
        public String role;
        /** The token's text. */
        public String content;
    }

    /** Builds both streams. */
    @Setup
    public void setup() {
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        ByteArrayOutputStream events = new ByteArrayOutputStream();
        for (int i = 0; i < TOKENS - 1; i++) {
            String word = WORDS[i % WORDS.length];
            lines.writeBytes(("{\"model\":\"llama3.2\",\"created_at\":\"2023-08-04T08:52:19.385406455-07:00\","
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"" + word + "\",\"images\":null},\"done\":false}\n")
                    .getBytes(StandardCharsets.UTF_8));
            events.writeBytes(("data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"content\":\"" + word
                    + "\"}}],\"created\":1795328404,\"id\":\"chatcmpl-6b3tCGKM75n1hK19iZcBcX1HphbPlPvD\","
                    + "\"model\":\"small-q4_k_m\",\"system_fingerprint\":\"b10470-34af94cd9\","
                    + "\"object\":\"chat.completion.chunk\"}\n\n").getBytes(StandardCharsets.UTF_8));
        }
        lines.writeBytes(("{\"model\":\"llama3.2\",\"created_at\":\"2023-08-04T19:22:45.499127Z\",\"message\":{\"role\":"
                + "\"assistant\",\"content\":\"\"},\"done\":true,\"total_duration\":4883583458,\"load_duration\":1334875,"
                + "\"prompt_eval_count\":26,\"prompt_eval_duration\":342546000,\"eval_count\":282,"
                + "\"eval_duration\":4535599000}\n").getBytes(StandardCharsets.UTF_8));
        events.writeBytes("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        ndjson = lines.toByteArray();
        sse = events.toByteArray();
        System.out.printf("%nNDJSON: %,d bytes (%d per line); SSE: %,d bytes (%d per event)%n", ndjson.length,
                ndjson.length / TOKENS, sse.length, sse.length / TOKENS);
    }

    /** @return tokens read */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public int ndjsonToRecord(Blackhole bh) {
        int n = 0;
        try (NdjsonReader<OllamaChunk> reader = NdjsonReader.builder(OllamaChunk.class).mapper(MAPPER)
                .until(OllamaChunk::done).open(new ByteArrayInputStream(ndjson))) {
            for (OllamaChunk chunk = reader.next(); chunk != null; chunk = reader.next()) {
                bh.consume(chunk.message().content());
                n++;
            }
        }
        return check(n);
    }

    /** @return tokens read */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public int ndjsonToFields(Blackhole bh) {
        int n = 0;
        try (NdjsonReader<OllamaChunkFields> reader = NdjsonReader.builder(OllamaChunkFields.class).mapper(MAPPER)
                .until(chunk -> chunk.done).open(new ByteArrayInputStream(ndjson))) {
            for (OllamaChunkFields chunk = reader.next(); chunk != null; chunk = reader.next()) {
                bh.consume(chunk.message.content);
                n++;
            }
        }
        return check(n);
    }

    /** @return tokens read */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public int ndjsonToTree(Blackhole bh) {
        int n = 0;
        try (NdjsonReader<JsonNode> reader = NdjsonReader.builder(JsonNode.class).mapper(MAPPER)
                .until(line -> line.path("done").booleanValue()).open(new ByteArrayInputStream(ndjson))) {
            for (JsonNode line = reader.next(); line != null; line = reader.next()) {
                bh.consume(line.path("message").path("content").stringValue());
                n++;
            }
        }
        return check(n);
    }

    /** @return tokens read */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public int ndjsonJacksonIterator(Blackhole bh) {
        int n = 0;
        try (MappingIterator<OllamaChunk> values = MAPPER.readerFor(OllamaChunk.class)
                .readValues(new ByteArrayInputStream(ndjson))) {
            while (values.hasNextValue()) {
                bh.consume(values.nextValue().message().content());
                n++;
            }
        }
        return check(n);
    }

    /** @return tokens read */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public int sseEvents(Blackhole bh) {
        int n = 0;
        try (SseReader reader = SseReader.builder().untilData(SseEvent.DONE).open(new ByteArrayInputStream(sse))) {
            for (SseEvent event = reader.next(); event != null; event = reader.next()) {
                bh.consume(event.data());
                n++;
            }
        }
        return check(n);
    }

    /** @return tokens read */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public int sseToRecord(Blackhole bh) {
        int n = 0;
        try (SseReader reader = SseReader.builder().mapper(MAPPER).untilData(SseEvent.DONE)
                .open(new ByteArrayInputStream(sse))) {
            while (reader.advance()) {
                if (!reader.isEnd()) {
                    OpenAiChunk chunk = reader.readData(OpenAiChunk.class);
                    bh.consume(chunk.choices()[0].delta().content());
                }
                n++;
            }
        }
        return check(n);
    }

    /** @return tokens read */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public int sseToFields(Blackhole bh) {
        int n = 0;
        try (SseReader reader = SseReader.builder().mapper(MAPPER).untilData(SseEvent.DONE)
                .open(new ByteArrayInputStream(sse))) {
            while (reader.advance()) {
                if (!reader.isEnd()) {
                    OpenAiChunkFields chunk = reader.readData(OpenAiChunkFields.class);
                    bh.consume(chunk.choices[0].delta.content);
                }
                n++;
            }
        }
        return check(n);
    }

    /** @return tokens read */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public int sseToRecordViaString(Blackhole bh) {
        int n = 0;
        try (SseReader reader = SseReader.builder().untilData(SseEvent.DONE).open(new ByteArrayInputStream(sse))) {
            for (SseEvent event = reader.next(); event != null; event = reader.next()) {
                if (!event.isDone()) {
                    OpenAiChunk chunk = OPENAI_CHUNK.readValue(event.data());
                    bh.consume(chunk.choices()[0].delta().content());
                }
                n++;
            }
        }
        return check(n);
    }

    /** @return tokens read: the NDJSON lines bound by hand into one object, as the Ollama engine does */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public int ndjsonByHand(Blackhole bh) {
        int n = 0;
        OllamaChunkFields line = new OllamaChunkFields();
        OllamaMessageFields message = new OllamaMessageFields();
        JsonBinder<OllamaChunkFields> binder = p -> {
            line.message = null;
            line.done = false;
            for (String name = p.nextName(); name != null; name = p.nextName()) {
                p.nextToken();
                switch (name) {
                    case "message" -> {
                        message.content = null;
                        for (String m = p.nextName(); m != null; m = p.nextName()) {
                            p.nextToken();
                            if (m.equals("content")) {
                                message.content = JsonScalars.string(p);
                            } else {
                                p.skipChildren();
                            }
                        }
                        line.message = message;
                    }
                    case "done" -> line.done = JsonScalars.bool(p);
                    default -> p.skipChildren();
                }
            }
            return line;
        };
        try (NdjsonReader<OllamaChunkFields> reader = NdjsonReader.builder(binder).mapper(MAPPER)
                .until(chunk -> chunk.done).open(new ByteArrayInputStream(ndjson))) {
            for (OllamaChunkFields chunk = reader.next(); chunk != null; chunk = reader.next()) {
                bh.consume(chunk.message.content);
                n++;
            }
        }
        return check(n);
    }

    /** @return tokens read: the events' framing alone, no data decoded or bound */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public int sseFraming(Blackhole bh) {
        int n = 0;
        try (SseReader reader = SseReader.builder().untilData(SseEvent.DONE).open(new ByteArrayInputStream(sse))) {
            while (reader.advance()) {
                bh.consume(reader.isEnd());
                n++;
            }
        }
        return check(n);
    }

    /** @return tokens read: each event's {@code choices[0].delta.content} bound by hand, as the OpenAI engine does */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public int sseByHand(Blackhole bh) {
        int n = 0;
        String[] content = new String[1];
        JsonBinder<String[]> binder = p -> {
            content[0] = null;
            for (String name = p.nextName(); name != null; name = p.nextName()) {
                if (p.nextToken() == JsonToken.START_ARRAY && name.equals("choices")) {
                    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                        for (String c = p.nextName(); c != null; c = p.nextName()) {
                            if (p.nextToken() == JsonToken.START_OBJECT && c.equals("delta")) {
                                for (String d = p.nextName(); d != null; d = p.nextName()) {
                                    p.nextToken();
                                    if (d.equals("content")) {
                                        content[0] = JsonScalars.string(p);
                                    } else {
                                        p.skipChildren();
                                    }
                                }
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
            return content;
        };
        try (SseReader reader = SseReader.builder().mapper(MAPPER).untilData(SseEvent.DONE)
                .open(new ByteArrayInputStream(sse))) {
            while (reader.advance()) {
                if (!reader.isEnd()) {
                    bh.consume(reader.readData(binder)[0]);
                }
                n++;
            }
        }
        return check(n);
    }

    private static int check(int n) {
        if (n != TOKENS) {
            throw new IllegalStateException("read " + n + " values, expected " + TOKENS);
        }
        return n;
    }
}
