package io.github.localllm.benchmarks;

import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationStream;
import io.github.localllm.LocalLlm;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.spi.InferenceBackendProvider;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * One of our server engines through the {@link LocalLlm} facade, as an application streams with
 * it: the engine is found on the class path by its id (so a benchmark needs only the engine's jar,
 * not its classes), the model loaded once, every answer a {@link GenerationStream} iterated on the
 * caller's thread, then {@link GenerationStream#result()}. A chat request goes out as messages, a
 * generate request as a prompt; which endpoint each becomes is the engine's choice.
 */
final class EngineClient implements StreamingClient {
    private final LocalLlm llm;
    private final String id;
    private final GenerationRequest chat = GenerationRequest.builder().user(QUESTION).build();
    private final GenerationRequest prompt = GenerationRequest.builder().prompt(QUESTION).build();

    /**
     * @param id the engine's provider id, such as {@code ollama}
     * @param settings configuration keys pointing the engine at the fake server, such as
     *     {@code ollama.url}
     */
    EngineClient(String id, Map<String, String> settings) {
        this.id = id;
        if (LocalLlm.providers().stream().noneMatch(p -> p.id().equals(id))) {
            throw new IllegalStateException("engine '" + id + "' is not on the class path (found "
                    + LocalLlm.providers().stream().map(InferenceBackendProvider::id).collect(Collectors.joining(", "))
                    + "); add its module to benchmarks/pom.xml");
        }
        // Nothing from this machine's environment or files: only what is set here.
        Path nowhere = Path.of(System.getProperty("java.io.tmpdir"), "localllm-bench-no-config");
        LocalLlm.Builder builder = LocalLlm.builder().backend(id).model(FakeStreamServer.MODEL)
                .environment(new ConfigEnvironment(Map.of(), Map.of(), nowhere, nowhere.resolve("config.json")));
        settings.forEach(builder::set);
        this.llm = builder.build();
    }

    /** Our Ollama engine ({@code localllm-backend-ollama}) at the fake Ollama. */
    static EngineClient ollama(URI ollamaUri) {
        return new EngineClient("ollama", Map.of("ollama.url", ollamaUri.toString()));
    }

    /** Our OpenAI-compatible engine ({@code localllm-backend-openai}) at the fake llama.cpp server. */
    static EngineClient openAi(URI openAiUri) {
        return new EngineClient("openai", Map.of("openai.url", openAiUri.resolve("/v1").toString()));
    }

    @Override
    public int stream(Api api, Consumer<String> sink) {
        if ((api == Api.OPENAI_CHAT) != id.equals("openai")) {
            throw new IllegalArgumentException("engine '" + id + "' does not serve " + api);
        }
        int tokens = 0;
        try (GenerationStream stream = llm.stream(api == Api.GENERATE ? prompt : chat)) {
            for (GenerationChunk chunk : stream) {
                String text = chunk.text();
                if (text != null && !text.isEmpty()) {
                    sink.accept(text);
                    tokens++;
                }
            }
            if (stream.result().text().isEmpty()) {
                throw new IllegalStateException("engine '" + id + "' returned no text");
            }
        }
        return tokens;
    }

    @Override
    public void close() {
        llm.close();
    }
}
