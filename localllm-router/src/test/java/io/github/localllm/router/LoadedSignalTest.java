package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.GenerationRequest;
import io.github.localllm.LoadOptions;
import io.github.localllm.LocalLlm;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelRef;
import io.github.localllm.RoutingDecision;
import io.github.localllm.backend.lmstudio.LmStudioBackend;
import io.github.localllm.backend.ollama.OllamaBackend;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.ModelLoadRequest;
import io.github.localllm.testkit.FakeLmStudio;
import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.FakeOllama;
import io.github.localllm.testkit.FakeOpenAi;
import io.github.localllm.testkit.FakeOpenAi.Flavor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whether a server's model is loaded now, from the engine's own list (Ollama's {@code /api/ps}, LM
 * Studio's model states), asked off the request path: prefer-local puts the target whose model is loaded
 * before one the server unloaded.
 */
class LoadedSignalTest {
    private static final String QWEN = "qwen2.5:7b";
    private static final String LLAMA = "llama3.2:latest";

    @TempDir
    Path dir;
    private FakeOllama ollama;
    private LocalLlm qwen;
    private LocalLlm llama;

    @BeforeEach
    void start() {
        ollama = FakeOllama.builder().model(FakeModel.of(QWEN)).model(FakeModel.of(LLAMA)).answer("Hi").start();
        qwen = engine(QWEN);
        // Without its tag, as users write it; Ollama's /api/ps says llama3.2:latest.
        llama = engine("llama3.2");
        ollama.clearRequests();
    }

    @AfterEach
    void stop() {
        llama.close();
        qwen.close();
        ollama.close();
    }

    private LocalLlm engine(String model) {
        return LocalLlm.builder().environment(new ConfigEnvironment(Map.of(), Map.of(), dir, dir.resolve("user.json")))
                .backend("ollama").set("ollama.url", ollama.uri().toString()).model(model).build();
    }

    private Router.Builder router(Duration refresh) {
        return Router.builder().target(Target.local("qwen", qwen).build()).target(Target.local("llama", llama).build())
                .loadedRefresh(refresh);
    }

    private void unloadQwen() {
        ((OllamaBackend) qwen.backend()).unload(ModelRef.name(QWEN));
    }

    @Test
    void preferLocalPutsTheTargetWhoseModelIsLoadedFirst() {
        Router router = router(Duration.ofHours(1)).build();
        router.refreshLoaded();
        assertThat(router.candidates()).allMatch(Candidate::loaded);
        assertThat(router.generate(GenerationRequest.of("Hi")).routing().orElseThrow().target()).isEqualTo("qwen");

        unloadQwen();
        router.refreshLoaded();
        assertThat(router.candidates()).extracting(Candidate::name, Candidate::loaded).containsExactly(
                org.assertj.core.groups.Tuple.tuple("qwen", false), org.assertj.core.groups.Tuple.tuple("llama", true));
        RoutingDecision d = router.generate(GenerationRequest.of("Hi")).routing().orElseThrow();
        assertThat(d.target()).isEqualTo("llama");
        assertThat(d.reason()).startsWith("prefer-local ranked [llama, qwen]");
    }

    @Test
    void requestsNeverAskTheEngineWhileWhatItSaidIsFresh() {
        Router router = router(Duration.ofHours(1)).build();
        // The router asks each engine (each LocalLlm has its own) once when it is built, on another thread.
        Await.until(() -> ollama.requests("/api/ps").size() == 2, "the first /api/ps of each engine");
        for (int i = 0; i < 20; i++) {
            router.generate(GenerationRequest.of("Hi"));
        }
        assertThat(ollama.requests("/api/ps")).hasSize(2);
    }

    @Test
    void aStaleAnswerIsRefreshedOffThePathWhenRequestsCome() {
        // Requests for code go to llama first, so that the ones that refresh the list never load qwen again.
        Router router = router(Duration.ofMillis(20)).task(TaskType.CODE, RoutingStrategy.preferLocal(), "llama")
                .build();
        Await.until(() -> ollama.requests("/api/ps").size() >= 1, "the first /api/ps");
        unloadQwen();
        var code = router.with(RoutingOptions.task(TaskType.CODE));
        Await.until(() -> {
            code.generate(GenerationRequest.of("Hi"));
            return !router.candidates().get(0).loaded();
        }, "qwen seen unloaded");
        assertThat(router.generate(GenerationRequest.of("Hi")).routing().orElseThrow().target()).isEqualTo("llama");
    }

    @Test
    void aModelInstanceTargetIsWatchedThroughTheEngineItIsGiven() {
        OllamaBackend backend = (OllamaBackend) llama.backend();
        try (ModelInstance instance = backend.load(new ModelLoadRequest(ModelRef.name(QWEN), LoadOptions.defaults()))) {
            Router router = Router.builder().target(Target.local("qwen", instance).engine(backend).build())
                    .target(Target.local("llama", llama).build()).loadedRefresh(Duration.ofHours(1)).build();
            unloadQwen();
            router.refreshLoaded();
            assertThat(router.candidates().get(0).loaded()).isFalse();
            assertThat(router.generate(GenerationRequest.of("Hi")).routing().orElseThrow().target()).isEqualTo("llama");
        }
    }

    @Test
    void lmStudiosLoadedStateCountsToo() {
        try (FakeLmStudio studio = FakeLmStudio.builder().model(FakeModel.of("qwen2.5-7b-instruct"))
                .model(FakeModel.of("llama-3.2-1b-instruct")).answer("Hi").start();
             LocalLlm first = studioEngine(studio, "qwen2.5-7b-instruct");
             LocalLlm second = studioEngine(studio, "llama-3.2-1b-instruct")) {
            Router router = Router.builder().target(Target.local("qwen", first).build())
                    .target(Target.local("llama", second).build()).loadedRefresh(Duration.ofHours(1)).build();
            router.refreshLoaded();
            assertThat(router.candidates()).allMatch(Candidate::loaded);
            ((LmStudioBackend) first.backend()).unload(first.model().info().name());
            router.refreshLoaded();
            assertThat(router.candidates()).extracting(Candidate::loaded).containsExactly(false, true);
            assertThat(router.generate(GenerationRequest.of("Hi")).routing().orElseThrow().target()).isEqualTo("llama");
        }
    }

    private LocalLlm studioEngine(FakeLmStudio studio, String model) {
        return LocalLlm.builder().environment(new ConfigEnvironment(Map.of(), Map.of(), dir, dir.resolve("user.json")))
                .backend("lmstudio").set("lmstudio.url", studio.uri().toString()).model(model).build();
    }

    @Test
    void engineThatNeverListsItsModelsLeavesTargetsCountedLoaded() {
        try (FakeOpenAi cloud = FakeOpenAi.builder(Flavor.OPENAI).model("gpt-4o-mini").answer("Hi").start();
             LocalLlm openai = LocalLlm.builder().environment(new ConfigEnvironment(Map.of(), Map.of(), dir,
                     dir.resolve("user.json"))).backend("openai").set("openai.url", cloud.uri() + "/v1")
                     .model("gpt-4o-mini").build()) {
            assertThat(LoadedWatch.reports(openai.backend())).isTrue();
            Router router = Router.builder().target(Target.local("openai", openai).build())
                    .loadedRefresh(Duration.ofHours(1)).build();
            router.refreshLoaded();
            assertThat(router.candidates().get(0).loaded()).isTrue();
        }
    }

    @Test
    void cloudTargetsAndEnginesWithoutAListAreNotWatched() {
        Router router = Router.builder().target(Target.cloud("remote", qwen).build())
                .target(Target.local("plain", new FakeTarget("plain")).build()).build();
        assertThat(router.candidates()).allMatch(Candidate::loaded);
        InferenceBackend silent = new InferenceBackend() {
            @Override
            public io.github.localllm.spi.BackendInfo info() {
                return new io.github.localllm.spi.BackendInfo("silent", "silent", "1");
            }

            @Override
            public ModelInstance load(ModelLoadRequest request) {
                throw new AssertionError("never loaded");
            }

            @Override
            public void close() {
            }
        };
        assertThat(LoadedWatch.reports(silent)).isFalse();
        assertThat(LoadedWatch.reports(qwen.backend())).isTrue();
    }

    @Test
    void namesMatchAsEnginesSpellThem() {
        assertThat(LoadedWatch.sameModel(ModelRef.name("llama3.2:latest"), "llama3.2")).isTrue();
        assertThat(LoadedWatch.sameModel(ModelRef.name("llama3.2"), "llama3.2:latest")).isTrue();
        assertThat(LoadedWatch.sameModel(ModelRef.name("llama3.2:1b"), "llama3.2")).isFalse();
        assertThat(LoadedWatch.sameModel(ModelRef.file(Path.of("/m/Qwen3-0.6B-Q8_0.gguf")), "Qwen3-0.6B-Q8_0")).isTrue();
        assertThat(LoadedWatch.sameModel(ModelRef.file(Path.of("/m/other.gguf")), "Qwen3-0.6B-Q8_0")).isFalse();
    }
}
