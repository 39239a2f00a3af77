package io.github.localllm.benchmarks;

import io.github.ollama4j.Ollama;
import io.github.ollama4j.exceptions.OllamaException;
import io.github.ollama4j.models.chat.OllamaChatMessageRole;
import io.github.ollama4j.models.chat.OllamaChatRequest;
import io.github.ollama4j.models.chat.OllamaChatStreamObserver;
import io.github.ollama4j.models.generate.OllamaGenerateRequest;
import io.github.ollama4j.models.generate.OllamaGenerateStreamObserver;
import io.github.ollama4j.models.request.ThinkMode;
import java.net.URI;
import java.util.function.Consumer;

/**
 * ollama4j ({@code io.github.ollama4j:ollama4j}), used as its README shows: one {@link Ollama},
 * {@code chat} with a stream observer, {@code generate} with a response handler. It speaks only
 * Ollama's own API. (Its calls make a new JDK {@code HttpClient} per request and bind every line
 * twice; what that costs is what this side measures.)
 */
final class Ollama4jClient implements StreamingClient {
    private final Ollama ollama;

    Ollama4jClient(URI ollamaUri) {
        this.ollama = new Ollama(ollamaUri.toString());
        ollama.setRequestTimeoutSeconds(120);
    }

    @Override
    public int stream(Api api, Consumer<String> sink) {
        int[] tokens = new int[1];
        Consumer<String> counted = token -> {
            sink.accept(token);
            tokens[0]++;
        };
        try {
            switch (api) {
                case CHAT -> {
                    OllamaChatRequest request = OllamaChatRequest.builder().withModel(FakeStreamServer.MODEL)
                            .withMessage(OllamaChatMessageRole.USER, QUESTION).withThinking(ThinkMode.DISABLED).build();
                    ollama.chat(request, new OllamaChatStreamObserver(null, counted::accept));
                }
                case GENERATE -> {
                    OllamaGenerateRequest request = OllamaGenerateRequest.builder().withModel(FakeStreamServer.MODEL)
                            .withPrompt(QUESTION).withThink(ThinkMode.DISABLED).build();
                    ollama.generate(request, new OllamaGenerateStreamObserver(null, counted::accept));
                }
                case OPENAI_CHAT -> throw new IllegalArgumentException("ollama4j speaks only Ollama's own API");
            }
        } catch (OllamaException e) {
            throw new IllegalStateException("ollama4j failed: " + e.getMessage(), e);
        }
        return tokens[0];
    }

    @Override
    public void close() {
        // Nothing is pooled: every call made its own client.
    }
}
