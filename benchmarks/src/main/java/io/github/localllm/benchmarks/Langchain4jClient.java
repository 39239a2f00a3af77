package io.github.localllm.benchmarks;

import dev.langchain4j.model.StreamingResponseHandler;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingLanguageModel;
import dev.langchain4j.model.output.Response;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * langchain4j-ollama ({@code dev.langchain4j:langchain4j-ollama}) with its default HTTP client (the
 * JDK's, from {@code langchain4j-http-client-jdk}): one {@link OllamaStreamingChatModel} for
 * {@code /api/chat} and one {@link OllamaStreamingLanguageModel} for {@code /api/generate}, built
 * once. Both call back on the HTTP client's threads; the caller waits for the complete answer.
 */
final class Langchain4jClient implements StreamingClient {
    private final OllamaStreamingChatModel chat;
    private final OllamaStreamingLanguageModel generate;

    Langchain4jClient(URI ollamaUri) {
        this.chat = OllamaStreamingChatModel.builder().baseUrl(ollamaUri.toString()).modelName(FakeStreamServer.MODEL)
                .timeout(Duration.ofMinutes(2)).build();
        this.generate = OllamaStreamingLanguageModel.builder().baseUrl(ollamaUri.toString())
                .modelName(FakeStreamServer.MODEL).timeout(Duration.ofMinutes(2)).build();
    }

    @Override
    public int stream(Api api, Consumer<String> sink) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        int[] tokens = new int[1];
        switch (api) {
            case CHAT -> chat.chat(QUESTION, new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String token) {
                    // It passes on the empty content of the "done" line too; that is no token.
                    if (!token.isEmpty()) {
                        sink.accept(token);
                        tokens[0]++;
                    }
                }

                @Override
                public void onCompleteResponse(ChatResponse response) {
                    done.complete(tokens[0]);
                }

                @Override
                public void onError(Throwable error) {
                    done.completeExceptionally(error);
                }
            });
            case GENERATE -> generate.generate(QUESTION, new StreamingResponseHandler<>() {
                @Override
                public void onNext(String token) {
                    if (!token.isEmpty()) {
                        sink.accept(token);
                        tokens[0]++;
                    }
                }

                @Override
                public void onComplete(Response<String> response) {
                    done.complete(tokens[0]);
                }

                @Override
                public void onError(Throwable error) {
                    done.completeExceptionally(error);
                }
            });
            case OPENAI_CHAT -> throw new IllegalArgumentException("langchain4j-ollama speaks Ollama's own API");
        }
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("langchain4j failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void close() {
        // Its JDK client has no close() on Java 17.
    }
}
