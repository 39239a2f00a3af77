package io.github.localllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.ConfigSource;
import io.github.localllm.event.GenerationCompleted;
import io.github.localllm.event.GenerationFailed;
import io.github.localllm.event.LocalLlmEvent;
import io.github.localllm.event.ModelLoaded;
import io.github.localllm.event.ModelUnloaded;
import io.github.localllm.fake.FakeBackend;
import io.github.localllm.fake.FakeBackendProvider;
import io.github.localllm.fake.FakeModel;
import io.github.localllm.spi.InferenceBackendProvider;
import io.github.localllm.spi.ModelLoadRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The facade with the fake engines of src/test/resources/META-INF/services. Every builder gets
 * an isolated {@link ConfigEnvironment}, so a LOCALLLM_* variable or a config file on the
 * machine running the tests cannot change the outcome.
 */
class LocalLlmTest {
    @TempDir
    Path dir;

    private final Map<String, String> props = new HashMap<>();
    private final Map<String, String> env = new HashMap<>();
    private final List<LocalLlmEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void reset() {
        FakeBackendProvider.CREATED.clear();
    }

    private LocalLlm.Builder builder() {
        return LocalLlm.builder()
                .environment(new ConfigEnvironment(props, env, dir, dir.resolve("user-config.json")))
                .listener(events::add);
    }

    private <T extends LocalLlmEvent> List<T> events(Class<T> type) {
        List<T> found = new ArrayList<>();
        for (LocalLlmEvent e : events) {
            if (type.isInstance(e)) {
                found.add(type.cast(e));
            }
        }
        return found;
    }

    @Test
    void findsTheRegisteredEnginesHighestPriorityFirst() {
        assertThat(LocalLlm.providers()).extracting(InferenceBackendProvider::id)
                .containsExactly("fake", "fake-second");
    }

    @Test
    void defaultEngineAnswers() {
        try (LocalLlm llm = builder().model("tiny").build()) {
            assertThat(llm.backend().info().id()).isEqualTo("fake");
            assertThat(llm.model().info().name()).isEqualTo("tiny");
            GenerationResult result = llm.generate("hello");
            assertThat(result.text()).isEqualTo("olleh");
            assertThat(result.model()).isEqualTo("tiny");
            assertThat(llm.generate(GenerationRequest.chat(ChatMessage.user("abc"))).text()).isEqualTo("cba");
            assertThat(llm.embed(EmbeddingRequest.of("four")).first().vector()).containsExactly(4f, 1f);
        }
    }

    @Test
    void backendIsSelectedById() {
        try (LocalLlm llm = builder().model("tiny").backend("fake-second").build()) {
            assertThat(llm.backend().info().id()).isEqualTo("fake-second");
            assertThat(llm.model().info().backend()).isEqualTo("fake-second");
        }
    }

    @Test
    void backendCanBeChosenByEnvironment() {
        env.put("LOCALLLM_BACKEND", "fake-second");
        try (LocalLlm llm = builder().model("tiny").build()) {
            assertThat(llm.backend().info().id()).isEqualTo("fake-second");
        }
    }

    @Test
    void unknownBackendListsTheOnesFound() {
        assertThatThrownBy(() -> builder().model("tiny").backend("ollama").build())
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("'ollama'")
                .hasMessageContaining("fake, fake-second");
        assertThat(FakeBackendProvider.CREATED).isEmpty();
    }

    @Test
    void missingModelSaysHowToSetIt() {
        assertThatThrownBy(() -> builder().build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("no model given")
                .hasMessageContaining("LOCALLLM_MODEL");
        assertThat(FakeBackendProvider.CREATED).isEmpty();
    }

    @Test
    void modelCanComeFromAProjectFile() throws IOException {
        Files.writeString(dir.resolve(".localllm.json"), "{\"model\": \"from-file\"}");
        try (LocalLlm llm = builder().build()) {
            assertThat(llm.model().info().name()).isEqualTo("from-file");
            assertThat(llm.config().value("model").orElseThrow().source()).isEqualTo(ConfigSource.PROJECT_FILE);
        }
    }

    @Test
    void everyLayerReachesTheLoadOptions() throws IOException {
        Files.writeString(dir.resolve("user-config.json"), "{\"parallel\": 2, \"mlock\": true}");
        Files.writeString(dir.resolve(".localllm.json"), "{\"gpu\": {\"layers\": -1}, \"mmap\": false}");
        env.put("LOCALLLM_THREADS", "3");
        props.put("localllm.batch.size", "128");

        try (LocalLlm llm = builder().model(Path.of("models", "tiny.gguf")).contextSize(2048).build()) {
            FakeBackend backend = (FakeBackend) llm.backend();
            ModelLoadRequest load = backend.loads().get(0);

            assertThat(load.model()).isEqualTo(ModelRef.file(Path.of("models", "tiny.gguf")));
            assertThat(load.options()).isEqualTo(new LoadOptions(2048, -1, 3, null, null));
            // the provider gets the same effective configuration, for engine-specific keys
            assertThat(backend.config().get("threads")).contains("3");
            assertThat(backend.config().getInt("batch.size")).contains(128);
            assertThat(backend.config().getInt("parallel")).contains(2);
            assertThat(backend.config().getBoolean("mlock")).contains(true);
            assertThat(backend.config().getBoolean("mmap")).contains(false);
            assertThat(llm.config()).isSameAs(backend.config());
        }
    }

    @Test
    void typedBuilderCallsOverrideOtherLayers() {
        env.put("LOCALLLM_CONTEXT_SIZE", "512");
        env.put("LOCALLLM_MMAP", "true");
        try (LocalLlm llm = builder().model("tiny").contextSize(4096).threads(6).batchSize(64).gpuLayers(0)
                .parallel(1).mmap(false).mlock(false).build()) {
            FakeBackend backend = (FakeBackend) llm.backend();
            assertThat(backend.loads().get(0).options()).isEqualTo(new LoadOptions(4096, 0, 6, null, null));
            assertThat(backend.config().getBoolean("mmap")).contains(false);
            assertThat(backend.config().getInt("batch.size")).contains(64);
        }
    }

    @Test
    void badConfigurationValueNamesItsOrigin() {
        env.put("LOCALLLM_THREADS", "eight");
        assertThatThrownBy(() -> builder().model("tiny").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("LOCALLLM_THREADS");
    }

    @Test
    void outOfRangeConfigurationIsRejectedBeforeLoading() {
        props.put("localllm.context.size", "0");
        assertThatThrownBy(() -> builder().model("tiny").build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("contextSize must be positive");
        assertThat(FakeBackendProvider.CREATED).isEmpty();
    }

    @Test
    void failedLoadClosesTheBackend() {
        assertThatThrownBy(() -> builder().model(FakeBackend.MISSING).build())
                .isInstanceOf(ModelNotFoundException.class);

        assertThat(FakeBackendProvider.CREATED).hasSize(1);
        assertThat(FakeBackendProvider.CREATED.get(0).closeCalls()).isEqualTo(1);
        assertThat(events).isEmpty();
    }

    @Test
    void loadAndGenerateAreReported() {
        try (LocalLlm llm = builder().model("tiny").build()) {
            assertThat(events).hasSize(1);
            assertThat(events(ModelLoaded.class).get(0).model()).isEqualTo(llm.model().info());

            GenerationResult result = llm.generate("hi");

            assertThat(events(GenerationCompleted.class)).extracting(GenerationCompleted::result)
                    .containsExactly(result);
        }
    }

    @Test
    void streamIsReportedOnceWhenIterationEnds() {
        try (LocalLlm llm = builder().model("tiny").build()) {
            StringBuilder text = new StringBuilder();
            try (GenerationStream stream = llm.stream(GenerationRequest.of("abc"))) {
                assertThat(events(GenerationCompleted.class)).isEmpty();  // nothing generated yet
                for (GenerationChunk chunk : stream) {
                    text.append(chunk.text());
                }
                assertThat(events(GenerationCompleted.class)).hasSize(1);
                assertThat(stream.result().text()).isEqualTo("cba");
            }
            assertThat(text).hasToString("cba");
            List<GenerationCompleted> completed = events(GenerationCompleted.class);
            assertThat(completed).hasSize(1);  // result() after iteration does not report again
            assertThat(completed.get(0).result().text()).isEqualTo("cba");
        }
    }

    @Test
    void streamResultWithoutIterationIsReported() {
        try (LocalLlm llm = builder().model("tiny").build();
             GenerationStream stream = llm.stream(GenerationRequest.of("xy"))) {
            assertThat(stream.result().text()).isEqualTo("yx");
            assertThat(events(GenerationCompleted.class)).hasSize(1);
        }
    }

    @Test
    void closingTheFacadeStreamClosesTheEngineStream() {
        try (LocalLlm llm = builder().model("tiny").build()) {
            GenerationStream stream = llm.stream(GenerationRequest.of("abc"));
            stream.close();
            FakeModel model = (FakeModel) llm.model();
            assertThat(model.streams().get(0).isClosed()).isTrue();
        }
    }

    @Test
    void asyncGenerationGoesThroughTheFacade() throws Exception {
        try (LocalLlm llm = builder().model("tiny").build()) {
            GenerationResult result = llm.generateAsync(GenerationRequest.of("async")).get(20, TimeUnit.SECONDS);
            assertThat(result.text()).isEqualTo("cnysa");
            assertThat(events(GenerationCompleted.class)).hasSize(1);
        }
    }

    @Test
    void failuresAreReported() {
        try (LocalLlm llm = builder().model("tiny").build()) {
            assertThatThrownBy(() -> llm.generate(FakeModel.FAIL)).isInstanceOf(GenerationException.class);
            assertThatThrownBy(() -> llm.stream(GenerationRequest.of(FakeModel.FAIL)))
                    .isInstanceOf(GenerationException.class);

            List<GenerationFailed> failed = events(GenerationFailed.class);
            assertThat(failed).hasSize(2);
            assertThat(failed.get(0).model()).isEqualTo("tiny");
            assertThat(failed.get(0).error()).hasMessageContaining("told to fail");
            assertThat(events(GenerationCompleted.class)).isEmpty();
        }
    }

    @Test
    void failurePartWayThroughAStreamIsReported() {
        try (LocalLlm llm = builder().model("tiny").build();
             GenerationStream stream = llm.stream(GenerationRequest.of(FakeModel.FAIL_LATER))) {
            List<String> seen = new ArrayList<>();
            assertThatThrownBy(() -> stream.forEach(c -> seen.add(c.text())))
                    .isInstanceOf(GenerationException.class);

            assertThat(seen).hasSize(1);
            assertThat(events(GenerationFailed.class)).singleElement()
                    .satisfies(f -> assertThat(f.error()).hasMessageContaining("part way"));
            assertThat(events(GenerationCompleted.class)).isEmpty();
        }
    }

    @Test
    void throwingListenerDoesNotBreakGenerationOrOtherListeners() {
        List<LocalLlmEvent> after = new CopyOnWriteArrayList<>();
        LocalLlm.Builder b = builder()
                .listener(e -> {
                    throw new IllegalStateException("listener bug");
                })
                .listener(after::add);
        try (LocalLlm llm = b.model("tiny").build()) {
            assertThat(llm.generate("ok").text()).isEqualTo("ko");
            assertThat(llm.stream(GenerationRequest.of("ab")).result().text()).isEqualTo("ba");
        }
        assertThat(after).hasSize(4);
        assertThat(after.get(0)).isInstanceOf(ModelLoaded.class);
        assertThat(after.get(3)).isInstanceOf(ModelUnloaded.class);
    }

    @Test
    void closeUnloadsOnceAndReports() {
        LocalLlm llm = builder().model("tiny").build();
        FakeBackend backend = (FakeBackend) llm.backend();
        FakeModel model = (FakeModel) llm.model();

        llm.close();
        llm.close();

        assertThat(model.closeCalls()).isEqualTo(1);
        assertThat(backend.closeCalls()).isEqualTo(1);
        assertThat(events(ModelUnloaded.class)).singleElement().satisfies(u -> {
            assertThat(u.backend()).isEqualTo("fake");
            assertThat(u.model()).isEqualTo("tiny");
        });
    }
}
