package io.github.localllm.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reference: what a careful programmer writes with nothing but the JDK's {@link HttpClient} and
 * Jackson's streaming parser, with no error mapping, timeouts beyond the JDK's, or cancellation.
 * NDJSON is one parser over the whole body (root values one after the other); server-sent events
 * are read as lines, each {@code data:} line parsed on its own. The answer's text is joined, as
 * every client here returns it. The body is read to its end so the connection goes back to the
 * pool.
 */
final class JdkJacksonClient implements StreamingClient {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI chat;
    private final URI generate;
    private final URI openAiChat;
    private final String chatBody;
    private final String generateBody;
    private final String openAiBody;

    JdkJacksonClient(URI ollama, URI openAi) {
        this.chat = ollama.resolve("/api/chat");
        this.generate = ollama.resolve("/api/generate");
        this.openAiChat = openAi.resolve("/v1/chat/completions");
        String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"" + QUESTION + "\"}]";
        this.chatBody = "{\"model\":\"" + FakeStreamServer.MODEL + "\"," + messages + "}";
        this.generateBody = "{\"model\":\"" + FakeStreamServer.MODEL + "\",\"prompt\":\"" + QUESTION + "\"}";
        this.openAiBody = "{\"model\":\"" + FakeStreamServer.MODEL + "\"," + messages + ",\"stream\":true}";
    }

    @Override
    public int stream(Api api, Consumer<String> sink) {
        try {
            return switch (api) {
                case CHAT -> ndjson(send(chat, chatBody), true, sink);
                case GENERATE -> ndjson(send(generate, generateBody), false, sink);
                case OPENAI_CHAT -> sse(send(openAiChat, openAiBody), sink);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private InputStream send(URI uri, String body) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IllegalStateException(uri + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }

    /** Ollama lines: {@code message.content} (chat) or {@code response} (generate) until {@code done}. */
    private static int ndjson(InputStream body, boolean chat, Consumer<String> sink) throws IOException {
        StringBuilder text = new StringBuilder();
        int tokens = 0;
        boolean done = false;
        try (body; JsonParser p = MAPPER.createParser(body)) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
                String content = null;
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if (chat && name.equals("message") && value == JsonToken.START_OBJECT) {
                        content = field(p, "content");
                    } else if (!chat && name.equals("response")) {
                        content = p.getString();
                    } else if (name.equals("done")) {
                        done = value == JsonToken.VALUE_TRUE;
                    } else {
                        p.skipChildren();
                    }
                }
                if (content != null && !content.isEmpty()) {
                    text.append(content);
                    sink.accept(content);
                    tokens++;
                }
            }
        }
        if (!done || text.isEmpty()) {
            throw new IllegalStateException("the stream ended without \"done\": true");
        }
        return tokens;
    }

    /** OpenAI chunks: {@code choices[0].delta.content} of every {@code data:} line until {@code [DONE]}. */
    private static int sse(InputStream body, Consumer<String> sink) throws IOException {
        StringBuilder text = new StringBuilder();
        int tokens = 0;
        boolean done = false;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.startsWith("data: ")) {
                    continue;
                }
                if (line.equals("data: [DONE]")) {
                    done = true;
                    continue;
                }
                String content = null;
                try (JsonParser p = MAPPER.createParser(line.substring(6))) {
                    p.nextToken();
                    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                        String name = p.currentName();
                        JsonToken value = p.nextToken();
                        if (name.equals("choices") && value == JsonToken.START_ARRAY) {
                            if (p.nextToken() == JsonToken.START_OBJECT) {
                                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                                    String inner = p.currentName();
                                    if (p.nextToken() == JsonToken.START_OBJECT && inner.equals("delta")) {
                                        content = field(p, "content");
                                    } else {
                                        p.skipChildren();
                                    }
                                }
                            }
                            while (p.nextToken() != JsonToken.END_ARRAY) {
                                p.skipChildren();
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                }
                if (content != null && !content.isEmpty()) {
                    text.append(content);
                    sink.accept(content);
                    tokens++;
                }
            }
        }
        if (!done) {
            throw new IllegalStateException("the event stream ended without data: [DONE]");
        }
        return tokens;
    }

    /** Reads the object the parser is at the start of; returns its string {@code name} field, if any. */
    private static String field(JsonParser p, String name) {
        String found = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String current = p.currentName();
            JsonToken value = p.nextToken();
            if (current.equals(name) && value == JsonToken.VALUE_STRING) {
                found = p.getString();
            } else {
                p.skipChildren();
            }
        }
        return found;
    }

    @Override
    public void close() {
        // The JDK 17 client has no close(); its threads end once it is unreachable.
    }
}
