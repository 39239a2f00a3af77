package io.github.localllm.benchmarks;

import io.github.localllm.http.HttpCall;
import io.github.localllm.http.HttpStream;
import io.github.localllm.http.HttpTransport;
import io.github.localllm.http.NdjsonReader;
import io.github.localllm.http.SseEvent;
import io.github.localllm.http.SseReader;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Our HTTP layer alone ({@code localllm-http}), as an engine uses it: one {@link HttpTransport}
 * per server, {@link HttpStream#ndjson} bound to small classes of public fields (the cheapest
 * binding, see {@link StreamReaderBenchmark}) up to the {@code "done": true} line, or
 * {@link HttpStream#sse} with {@link SseReader#readData} up to {@code [DONE]}; the answer's text
 * joined. What an engine adds on top (its {@code ChunkFeed}, pulled on the caller's thread,
 * results, events) is measured by the engine sides.
 */
final class HttpLayerClient implements StreamingClient {
    private final HttpTransport ollama;
    private final HttpTransport openAi;
    private final Map<String, Object> chatBody;
    private final Map<String, Object> generateBody;
    private final Map<String, Object> openAiBody;

    /** An Ollama chat or generate line, as fields. */
    public static final class OllamaLine {
        /** The chat message, on {@code /api/chat}. */
        public Message message;
        /** The token, on {@code /api/generate}. */
        public String response;
        /** Whether this is the last line. */
        public boolean done;
    }

    /** An Ollama chat message, as fields. */
    public static final class Message {
        /** Who speaks. */
        public String role;
        /** The token's text. */
        public String content;
    }

    /** An OpenAI chat.completion.chunk, as fields. */
    public static final class OpenAiChunk {
        /** One per choice. */
        public Choice[] choices;
    }

    /** One choice of a chunk. */
    public static final class Choice {
        /** What it adds. */
        public Delta delta;
        /** Why it ended, on the last chunk. */
        public String finish_reason;
    }

    /** What a chunk adds. */
    public static final class Delta {
        /** The token's text. */
        public String content;
    }

    HttpLayerClient(URI ollamaUri, URI openAiUri) {
        this.ollama = HttpTransport.builder(ollamaUri).server("Ollama").build();
        this.openAi = HttpTransport.builder(openAiUri.resolve("/v1")).server("llama-server").build();
        List<Map<String, String>> messages = List.of(Map.of("role", "user", "content", QUESTION));
        this.chatBody = Map.of("model", FakeStreamServer.MODEL, "messages", messages);
        this.generateBody = Map.of("model", FakeStreamServer.MODEL, "prompt", QUESTION);
        this.openAiBody = Map.of("model", FakeStreamServer.MODEL, "messages", messages, "stream", true);
    }

    @Override
    public int stream(Api api, Consumer<String> sink) {
        return switch (api) {
            case CHAT -> ndjson("/api/chat", chatBody, true, sink);
            case GENERATE -> ndjson("/api/generate", generateBody, false, sink);
            case OPENAI_CHAT -> sse(sink);
        };
    }

    private int ndjson(String path, Map<String, Object> body, boolean chat, Consumer<String> sink) {
        StringBuilder text = new StringBuilder();
        int tokens = 0;
        try (HttpStream answer = ollama.stream(HttpCall.post(path, body).forModel(FakeStreamServer.MODEL, null));
             NdjsonReader<OllamaLine> lines = answer.ndjson(OllamaLine.class, b -> b.until(line -> line.done))) {
            for (OllamaLine line = lines.next(); line != null; line = lines.next()) {
                String content = chat ? line.message == null ? null : line.message.content : line.response;
                if (content != null && !content.isEmpty()) {
                    text.append(content);
                    sink.accept(content);
                    tokens++;
                }
            }
        }
        return tokens;
    }

    private int sse(Consumer<String> sink) {
        StringBuilder text = new StringBuilder();
        int tokens = 0;
        try (HttpStream answer = openAi.stream(HttpCall.post("/chat/completions", openAiBody));
             SseReader events = answer.sse(b -> b.untilData(SseEvent.DONE))) {
            while (events.advance()) {
                if (events.isEnd()) {
                    continue;
                }
                OpenAiChunk chunk = events.readData(OpenAiChunk.class);
                String content = chunk.choices == null || chunk.choices.length == 0 || chunk.choices[0].delta == null
                        ? null : chunk.choices[0].delta.content;
                if (content != null && !content.isEmpty()) {
                    text.append(content);
                    sink.accept(content);
                    tokens++;
                }
            }
        }
        return tokens;
    }

    @Override
    public void close() {
        // A transport's daemon threads end when idle; there is nothing to close.
    }
}
