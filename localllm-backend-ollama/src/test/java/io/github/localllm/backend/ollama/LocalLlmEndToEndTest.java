package io.github.localllm.backend.ollama;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.LocalLlm;
import io.github.localllm.event.LocalLlmEvent;
import io.github.localllm.event.ModelLoaded;
import io.github.localllm.testkit.FakeOllama;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The facade finds the engine for a model name, loads through it and unloads on close. */
class LocalLlmEndToEndTest {

    @Test
    void aModelNameIsServedByOllamaThroughTheFacade() {
        List<LocalLlmEvent> events = new CopyOnWriteArrayList<>();
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer("Hello", " from", " Ollama").start()) {
            try (LocalLlm llm = LocalLlm.builder().environment(Engines.EMPTY).model("llama3.2").contextSize(2048)
                    .set("ollama.url", ollama.uri().toString()).listener(events::add).build()) {
                assertThat(llm.backend().info().id()).isEqualTo("ollama");
                assertThat(llm.generate("Hi").text()).isEqualTo("Hello from Ollama");
                assertThat(llm.model().info().options().contextSize()).isEqualTo(2048);
                assertThat(ollama.lastRequest().json("/options/num_ctx")).contains("2048");
            }
            assertThat(events).filteredOn(e -> e instanceof ModelLoaded).hasSize(1);
            // Loaded by this program, so closing it frees the server's memory.
            try (OllamaBackend engine = Engines.engine(ollama)) {
                assertThat(engine.loadedModels()).isEmpty();
            }
        }
        Threads.assertNoneLeftBehind();
    }
}
