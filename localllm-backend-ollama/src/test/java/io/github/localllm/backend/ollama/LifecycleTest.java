package io.github.localllm.backend.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.GenerationRequest;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInfo;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.ModelRef;
import io.github.localllm.event.LocalLlmEvent;
import io.github.localllm.event.ModelPullProgress;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.spi.LoadedModel;
import io.github.localllm.spi.ModelLoadRequest;
import io.github.localllm.spi.ModelSummary;
import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.FakeOllama;
import io.github.localllm.testkit.RecordedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    private static final FakeModel QWEN = FakeModel.builder("qwen2.5:7b").family("qwen2").parameterSize("7.6B")
            .quantization("Q4_K_M").contextLength(32768).sizeBytes(4_683_075_271L)
            .capabilities("completion", "tools", "vision").build();

    @AfterEach
    void noReaderLeftBehind() {
        Threads.assertNoneLeftBehind();
    }

    @Test
    void loadingReadsShowIntoTheModelInfoAndMakesTheModelResidentWithItsOptions() {
        try (FakeOllama ollama = FakeOllama.builder().model(QWEN).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "qwen2.5:7b", LoadOptions.builder().contextSize(8192)
                     .keepAlive(Duration.ofMinutes(30)).build())) {
            ModelInfo info = model.info();

            assertThat(info.name()).isEqualTo("qwen2.5:7b");
            assertThat(info.backend()).isEqualTo("ollama");
            assertThat(info.architecture()).isEqualTo("qwen2");
            assertThat(info.parameterCount()).isEqualTo(7_600_000_000L);
            assertThat(info.quantization()).isEqualTo("Q4_K_M");
            assertThat(info.trainedContextLength()).isEqualTo(32768);
            assertThat(info.options().contextSize()).isEqualTo(8192);
            assertThat(info.options().keepAlive()).isEqualTo(Duration.ofMinutes(30));
            assertThat(info.capabilities().tools()).isTrue();
            assertThat(info.capabilities().images()).isTrue();
            assertThat(info.capabilities().thinking()).isFalse();
            assertThat(info.loadTime()).isPositive();
            assertThat(ollama.requests()).extracting(r -> r.method() + " " + r.path()).containsExactly(
                    "POST /api/show", "GET /api/version", "GET /api/ps", "POST /api/generate", "GET /api/ps");
            RecordedRequest load = ollama.requests("/api/generate").get(0);
            assertThat(load.json("/options/num_ctx")).contains("8192");
            assertThat(load.json("/keep_alive")).contains("1800");

            List<LoadedModel> loaded = engine.loadedModels();
            assertThat(loaded).hasSize(1);
            LoadedModel m = loaded.get(0);
            assertThat(m.ref()).isEqualTo(ModelRef.name("qwen2.5:7b"));
            assertThat(m.memoryBytes()).isEqualTo(4_683_075_271L);
            assertThat(m.gpuMemoryBytes()).isEqualTo(4_683_075_271L);
            assertThat(m.contextSize()).isEqualTo(8192);
            assertThat(m.expiresAt()).isBetween(Instant.now().plus(Duration.ofMinutes(29)),
                    Instant.now().plus(Duration.ofMinutes(31)));
        }
    }

    @Test
    void theContextInEffectIsTheOneTheServerHoldsClampedToTheTrainedOne() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance asked = Engines.load(engine, "llama3.2", LoadOptions.builder().contextSize(65536).build())) {
            assertThat(asked.info().options().contextSize()).isEqualTo(4096);
            // Later requests still say what was asked, so the server keeps the runner it has.
            asked.generate(GenerationRequest.of("Hi"));
            assertThat(ollama.lastRequest().json("/options/num_ctx")).contains("65536");
        }
    }

    @Test
    void aMissingModelSaysHowToPullIt() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").start();
             FakeOllama older = FakeOllama.builder().pullHintNotFound().start();
             OllamaBackend engine = Engines.engine(ollama);
             OllamaBackend olderEngine = Engines.engine(older)) {
            assertThatThrownBy(() -> Engines.load(engine, "mistral"))
                    .isInstanceOf(ModelNotFoundException.class)
                    .hasMessageContaining("mistral")
                    .hasMessageContaining("run `ollama pull mistral`")
                    .hasMessageContaining("pull(ModelRef.name(\"mistral\"))");
            assertThatThrownBy(() -> Engines.load(olderEngine, "mistral"))
                    .isInstanceOf(ModelNotFoundException.class)
                    .hasMessageContaining("try pulling it first")
                    .hasMessageContaining("run `ollama pull mistral`");
        }
    }

    @Test
    void aMissingModelIsPulledWhenConfiguredWithProgressToTheLoadsListener() {
        List<LocalLlmEvent> events = new CopyOnWriteArrayList<>();
        try (FakeOllama ollama = FakeOllama.builder().pullable(FakeModel.of("qwen2.5:0.5b")).start();
             OllamaBackend engine = Engines.engine(ollama, "ollama.pull", "true");
             ModelInstance model = engine.load(new ModelLoadRequest(ModelRef.name("qwen2.5:0.5b"), LoadOptions.defaults(),
                     events::add))) {
            assertThat(model.info().name()).isEqualTo("qwen2.5:0.5b");
            List<ModelPullProgress> progress = events.stream().map(ModelPullProgress.class::cast).toList();
            assertThat(progress).extracting(ModelPullProgress::status).startsWith("pulling manifest")
                    .endsWith("verifying sha256 digest", "writing manifest", "success");
            long size = 2_019_393_189L;
            assertThat(progress).extracting(ModelPullProgress::completedBytes).containsExactly(-1L, 0L, size / 2, size, -1L,
                    -1L, -1L);
            assertThat(progress).extracting(ModelPullProgress::totalBytes).containsExactly(-1L, size, size, size, -1L, -1L,
                    -1L);
            assertThat(progress.get(3).fraction()).isEqualTo(1.0);
            assertThat(progress).allSatisfy(p -> {
                assertThat(p.backend()).isEqualTo("ollama");
                assertThat(p.model()).isEqualTo("qwen2.5:0.5b");
            });
        }
    }

    @Test
    void pullReturnsTheInstalledModelAndAnUnknownOneIsNotFound() {
        List<LocalLlmEvent> events = new CopyOnWriteArrayList<>();
        FakeModel hub = FakeModel.builder("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M").sizeBytes(807_690_656L)
                .build();
        try (FakeOllama ollama = FakeOllama.builder().pullable(FakeModel.of("qwen2.5:0.5b")).pullable(hub).start();
             OllamaBackend engine = Engines.engine(ollama)) {
            ModelSummary pulled = engine.pull(ModelRef.name("qwen2.5:0.5b"), events::add);
            ModelSummary fromHub = engine.pull(ModelRef.hub("bartowski/Llama-3.2-1B-Instruct-GGUF",
                    "Llama-3.2-1B-Instruct-Q4_K_M.gguf"), events::add);

            assertThat(pulled.name()).isEqualTo("qwen2.5:0.5b");
            assertThat(pulled.sizeBytes()).isEqualTo(2_019_393_189L);
            assertThat(fromHub.name()).isEqualTo("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M");
            assertThat(ollama.requests("/api/pull").get(1).json("/model"))
                    .contains("\"hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M\"");
            assertThat(events).hasSize(14);
            assertThatThrownBy(() -> engine.pull(ModelRef.name("no-such-model"), events::add))
                    .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("no-such-model")
                    .hasMessageContaining("file does not exist").hasMessageContaining("ollama.com/library");
        }
    }

    @Test
    void modelsListTheLibraryWithDigestsAndWhatIsLoaded() {
        try (FakeOllama ollama = FakeOllama.builder().model(FakeModel.builder("llama3.2").loaded(true).build())
                .model(QWEN).start();
             OllamaBackend engine = Engines.engine(ollama)) {
            List<ModelSummary> models = engine.models();

            assertThat(models).extracting(ModelSummary::name).containsExactly("llama3.2:latest", "qwen2.5:7b");
            ModelSummary llama = models.get(0);
            assertThat(llama.sizeBytes()).isEqualTo(2_019_393_189L);
            assertThat(llama.architecture()).isEqualTo("llama");
            assertThat(llama.parameterSize()).isEqualTo("3.2B");
            assertThat(llama.quantization()).isEqualTo("Q4_K_M");
            assertThat(llama.modifiedAt()).isEqualTo(Instant.parse("2025-05-04T17:37:44.706015396Z"));
            assertThat(llama.digest()).matches("sha256:[0-9a-f]{64}");
            assertThat(llama.loaded()).isTrue();
            assertThat(models.get(1).loaded()).isFalse();
        }
    }

    @Test
    void copyAndDeleteChangeTheLibraryAndMissingModelsAreNotFound() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").start();
             OllamaBackend engine = Engines.engine(ollama)) {
            engine.copy(ModelRef.name("llama3.2"), "llama3-backup");
            assertThat(engine.models()).extracting(ModelSummary::name).contains("llama3-backup:latest");
            assertThat(ollama.requests("/api/copy").get(0).body())
                    .isEqualTo("{\"source\":\"llama3.2\",\"destination\":\"llama3-backup\"}");

            engine.delete(ModelRef.name("llama3-backup"));
            assertThat(engine.models()).extracting(ModelSummary::name).containsExactly("llama3.2:latest");
            assertThat(ollama.requests("/api/delete").get(0).method()).isEqualTo("DELETE");

            assertThatThrownBy(() -> engine.delete(ModelRef.name("llama3-backup")))
                    .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("llama3-backup");
            assertThatThrownBy(() -> engine.copy(ModelRef.name("nope"), "other"))
                    .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("nope");
        }
    }

    @Test
    void closingUnloadsAModelThisEngineLoadedOnlyWhenItsLastInstanceCloses() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").start();
             OllamaBackend engine = Engines.engine(ollama)) {
            ModelInstance first = Engines.load(engine, "llama3.2");
            ModelInstance second = Engines.load(engine, "llama3.2");
            first.close();
            assertThat(unloads(ollama)).isZero();
            assertThat(engine.loadedModels()).hasSize(1);

            second.close();
            second.close();
            assertThat(unloads(ollama)).isEqualTo(1);
            assertThat(engine.loadedModels()).isEmpty();
            assertThatThrownBy(() -> second.generate(GenerationRequest.of("Hi"))).hasMessageContaining("closed");
        }
    }

    @Test
    void closingLeavesAModelTheServerHeldBeforeUnlessToldToUnloadAlways() {
        try (FakeOllama ollama = FakeOllama.builder().model(FakeModel.builder("llama3.2").loaded(true).build()).start();
             OllamaBackend engine = Engines.engine(ollama);
             OllamaBackend always = Engines.engine(ollama, "ollama.unload.on.close", "always")) {
            Engines.load(engine, "llama3.2").close();
            assertThat(unloads(ollama)).isZero();
            assertThat(engine.loadedModels()).hasSize(1);

            Engines.load(always, "llama3.2").close();
            assertThat(unloads(ollama)).isEqualTo(1);
            assertThat(engine.loadedModels()).isEmpty();
        }
    }

    @Test
    void neverLeavesEvenAModelThisEngineLoaded() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").start();
             OllamaBackend engine = Engines.engine(ollama)) {
            LoadOptions never = LoadOptions.builder().engineOptions(OllamaOptions.builder()
                    .unloadOnClose(OllamaOptions.UnloadOnClose.NEVER).build()).build();
            Engines.load(engine, "llama3.2", never).close();

            assertThat(unloads(ollama)).isZero();
            assertThat(engine.loadedModels()).hasSize(1);
        }
    }

    @Test
    void unloadFreesTheModelAtOnceAndItsInstancesLoadItAgainWhenUsed() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").model(FakeModel.embedding("all-minilm")).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2");
             ModelInstance embedder = Engines.load(engine, "all-minilm")) {
            engine.unload(ModelRef.name("llama3.2"));
            engine.unload(ModelRef.name("all-minilm"));
            assertThat(engine.loadedModels()).isEmpty();
            assertThat(ollama.requests("/api/generate").get(1).body())
                    .isEqualTo("{\"model\":\"llama3.2\",\"keep_alive\":0}");

            assertThat(model.generate(GenerationRequest.of("Hi")).text()).isNotEmpty();
            assertThat(engine.loadedModels()).extracting(m -> m.ref().text()).containsExactly("llama3.2:latest");
        }
    }

    @Test
    void aZeroKeepAliveLoadsNothingAheadAndEachRequestLetsTheModelGo() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2", LoadOptions.builder().keepAlive(Duration.ZERO)
                     .build())) {
            assertThat(ollama.requests("/api/generate")).isEmpty();
            model.generate(GenerationRequest.of("Hi"));
            assertThat(ollama.lastRequest().json("/keep_alive")).contains("0");
        }
    }

    @Test
    void healthVersionAndInfoComeFromTheServer() {
        try (FakeOllama ollama = FakeOllama.builder().version("0.12.6").start();
             OllamaBackend engine = Engines.engine(ollama)) {
            EngineHealth health = engine.health();

            assertThat(health.up()).isTrue();
            assertThat(health.version()).isEqualTo("0.12.6");
            assertThat(engine.version()).isEqualTo("0.12.6");
            assertThat(engine.info().version()).isEqualTo("0.12.6");
            assertThat(engine.info().id()).isEqualTo("ollama");
            assertThat(engine.info().endpoint()).isEqualTo(ollama.uri());
            assertThat(engine.baseUri()).isEqualTo(ollama.uri());
        }
    }

    private static long unloads(FakeOllama ollama) {
        return ollama.requests("/api/generate").stream().filter(r -> r.json("/keep_alive").orElse("").equals("0"))
                .count();
    }
}
