package io.github.localllm.benchmarks;

import io.github.localllm.http.HttpCall;
import io.github.localllm.http.HttpStream;
import io.github.localllm.http.HttpTransport;
import io.github.localllm.http.JsonBinder;
import io.github.localllm.http.JsonNames;
import io.github.localllm.http.JsonScalars;
import io.github.localllm.http.NdjsonReader;
import io.github.localllm.http.SseEvent;
import io.github.localllm.http.SseReader;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Our HTTP layer alone ({@code localllm-http}), as an engine uses it: one {@link HttpTransport}
 * per server, {@link HttpStream#ndjson} up to the {@code "done": true} line, or
 * {@link HttpStream#sse} with {@link SseReader#readData} up to {@code [DONE]}, each value bound
 * by hand with a {@link JsonBinder} into one object for the answer (the cheapest binding, see
 * {@link StreamReaderBenchmark}); the answer's text joined. What an engine adds on top (its
 * {@code ChunkFeed}, pulled on the caller's thread, results, events) is measured by the engine
 * sides.
 */
final class HttpLayerClient implements StreamingClient {
    private final HttpTransport ollama;
    private final HttpTransport openAi;
    private final Map<String, Object> chatBody;
    private final Map<String, Object> generateBody;
    private final Map<String, Object> openAiBody;

    private static final JsonNames LINE = JsonNames.of("message", "response", "done", "model", "created_at");
    private static final JsonNames MESSAGE = JsonNames.of("content", "role");
    private static final JsonNames CHUNK = JsonNames.of("choices", "id", "model", "created", "system_fingerprint",
            "object");
    private static final JsonNames CHOICE = JsonNames.of("delta", "index", "finish_reason");

    /** An Ollama chat or generate line: the token's text and whether it is the last line. */
    private static final class OllamaLine {
        String content;
        boolean done;
    }

    /**
     * Binds an Ollama line: {@code message.content} (chat) or {@code response} (generate), and
     * {@code done}; one object for the answer.
     */
    private static JsonBinder<OllamaLine> ollamaLines() {
        OllamaLine line = new OllamaLine();
        return p -> {
            JsonScalars.requireObject(p, "a line");
            line.content = null;
            line.done = false;
            for (int m = LINE.next(p); m >= 0; m = LINE.next(p)) {
                switch (m) {
                    case 0 -> line.content = content(p);
                    case 1 -> line.content = JsonScalars.string(p);
                    case 2 -> line.done = JsonScalars.bool(p);
                    default -> p.skipChildren();
                }
            }
            return line;
        };
    }

    /** Binds an OpenAI chunk to its {@code choices[0].delta.content}, or {@code ""}. */
    private static String firstContent(JsonParser p) {
        JsonScalars.requireObject(p, "a chunk");
        String content = null;
        for (int m = CHUNK.next(p); m >= 0; m = CHUNK.next(p)) {
            if (m == 0 && p.currentToken() == JsonToken.START_ARRAY) {
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    for (int c = CHOICE.next(p); c >= 0; c = CHOICE.next(p)) {
                        if (c == 0 && content == null) {
                            content = content(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return content == null ? "" : content;
    }

    /** @return the {@code content} of the message or delta the parser is at, or null */
    private static String content(JsonParser p) {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String found = null;
        for (int m = MESSAGE.next(p); m >= 0; m = MESSAGE.next(p)) {
            if (m == 0) {
                found = JsonScalars.string(p);
            } else {
                p.skipChildren();
            }
        }
        return found;
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
            case CHAT -> ndjson("/api/chat", chatBody, sink);
            case GENERATE -> ndjson("/api/generate", generateBody, sink);
            case OPENAI_CHAT -> sse(sink);
        };
    }

    private int ndjson(String path, Map<String, Object> body, Consumer<String> sink) {
        StringBuilder text = new StringBuilder();
        int tokens = 0;
        try (HttpStream answer = ollama.stream(HttpCall.post(path, body).forModel(FakeStreamServer.MODEL, null));
             NdjsonReader<OllamaLine> lines = answer.ndjson(ollamaLines(), b -> b.until(line -> line.done))) {
            for (OllamaLine line = lines.next(); line != null; line = lines.next()) {
                String content = line.content;
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
                String content = events.readData(HttpLayerClient::firstContent);
                if (!content.isEmpty()) {
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
