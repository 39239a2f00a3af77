package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ConfigurationException;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.InsufficientResourcesException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInfo;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelLoadException;
import io.github.localllm.ModelRef;
import io.github.localllm.Tokenizer;
import io.github.localllm.Usage;
import io.github.localllm.event.LocalLlmEvent;
import io.github.localllm.event.ModelLoaded;
import io.github.localllm.event.ModelUnloaded;
import io.github.localllm.spi.BackendInfo;
import io.github.localllm.spi.ChunkFeed;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.ModelLoadRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RolesTest {

    /** Loads "models" that answer with their file name, counting how many are open at once. */
    private static final class Engine implements InferenceBackend {
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger mostOpen = new AtomicInteger();
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        volatile String failing;

        @Override
        public BackendInfo info() {
            return BackendInfo.builder("fake").name("fake engine").version("1").build();
        }

        @Override
        public ModelInstance load(ModelLoadRequest request) {
            String name = ((ModelRef.File) request.model()).path().getFileName().toString();
            if (name.equals(failing)) {
                throw new ModelLoadException("cannot load " + name);
            }
            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            log.add("load " + name);
            return new Instance(this, name);
        }

        @Override
        public void close() {
        }
    }

    private static final class Instance implements ModelInstance {
        private final Engine engine;
        private final String name;
        private final AtomicInteger closes = new AtomicInteger();

        Instance(Engine engine, String name) {
            this.engine = engine;
            this.name = name;
        }

        @Override
        public ModelInfo info() {
            return ModelInfo.builder(name, "fake").build();
        }

        @Override
        public Optional<Tokenizer> tokenizer() {
            return Optional.empty();
        }

        @Override
        public GenerationResult generate(GenerationRequest request) {
            try (GenerationStream s = stream(request)) {
                return s.result();
            }
        }

        @Override
        public GenerationStream stream(GenerationRequest request) {
            if (closes.get() > 0) {
                throw new AssertionError(name + " used after it was closed");
            }
            Iterator<String> pieces = List.of(name, ": ", request.prompt()).iterator();
            return ChunkFeed.builder(name).pull(f -> {
                if (pieces.hasNext()) {
                    return f.text(pieces.next());
                }
                f.finish(FinishReason.STOP, new Usage(1, 3));
                return false;
            }).build().stream();
        }

        @Override
        public EmbeddingResult embed(EmbeddingRequest request) {
            throw new InvalidRequestException("no embeddings");
        }

        @Override
        public void close() {
            if (closes.incrementAndGet() == 1) {
                engine.open.decrementAndGet();
                engine.log.add("close " + name);
            }
        }
    }

    private final Engine engine = new Engine();
    private final List<LocalLlmEvent> events = Collections.synchronizedList(new ArrayList<>());

    private Roles.Builder three() {
        return Roles.builder(engine).listener(events::add)
                .role("planner", ModelRef.file(Path.of("planner.gguf")))
                .role("critic", ModelRef.file(Path.of("critic.gguf")))
                .role("executor", ModelRef.file(Path.of("executor.gguf")));
    }

    @Test
    void oneModelAtATimeLoadedAsTheRolesTakeTurns() {
        try (Roles roles = three().build()) {
            assertThat(roles.model("planner").generate(GenerationRequest.of("plan")).text())
                    .isEqualTo("planner.gguf: plan");
            assertThat(roles.model("planner").generate(GenerationRequest.of("again")).text())
                    .isEqualTo("planner.gguf: again");
            assertThat(roles.model("critic").generate(GenerationRequest.of("judge")).text())
                    .isEqualTo("critic.gguf: judge");
            assertThat(roles.resident()).containsExactly("critic");
            roles.model("executor").generate(GenerationRequest.of("do"));
            roles.model("planner").generate(GenerationRequest.of("replan"));
            assertThat(roles.loads()).isEqualTo(4);
        }
        assertThat(engine.mostOpen).hasValue(1);
        assertThat(engine.open).as("close unloads").hasValue(0);
        assertThat(engine.log).containsExactly("load planner.gguf", "close planner.gguf", "load critic.gguf",
                "close critic.gguf", "load executor.gguf", "close executor.gguf", "load planner.gguf",
                "close planner.gguf");
        assertThat(events).extracting(e -> e.getClass().getSimpleName() + " " + (e instanceof ModelLoaded l
                ? l.model().name() : ((ModelUnloaded) e).model())).startsWith("ModelLoaded planner.gguf",
                "ModelUnloaded planner.gguf", "ModelLoaded critic.gguf");
    }

    @Test
    void theLeastRecentlyUsedGoesWhenTwoFit() {
        try (Roles roles = three().maxResident(2).build()) {
            roles.model("planner").generate(GenerationRequest.of("a"));
            roles.model("critic").generate(GenerationRequest.of("b"));
            roles.model("planner").generate(GenerationRequest.of("c"));
            roles.model("executor").generate(GenerationRequest.of("d"));
            assertThat(roles.resident()).containsExactlyInAnyOrder("planner", "executor");
        }
        assertThat(engine.mostOpen).hasValue(2);
    }

    @Test
    void rolesOfOneFileShareItsModel() {
        try (Roles roles = Roles.builder(engine).role("writer", ModelRef.file(Path.of("m.gguf")))
                .role("editor", ModelRef.file(Path.of("m.gguf"))).build()) {
            roles.model("writer").generate(GenerationRequest.of("x"));
            roles.model("editor").generate(GenerationRequest.of("y"));
            assertThat(roles.loads()).isEqualTo(1);
            assertThat(roles.resident()).containsExactly("editor", "writer");
        }
    }

    @Test
    void aModelInUseIsNotUnloadedUntilItsStreamEnds() throws Exception {
        try (Roles roles = three().build()) {
            GenerationStream open = roles.model("planner").stream(GenerationRequest.of("long"));
            CompletableFuture<String> critic = CompletableFuture.supplyAsync(
                    () -> roles.model("critic").generate(GenerationRequest.of("judge")).text());
            Thread.sleep(200);
            assertThat(critic).as("waits for the planner's stream").isNotDone();
            assertThat(roles.resident()).containsExactly("planner");
            List<String> text = new ArrayList<>();
            open.forEach(c -> text.add(c.text()));
            assertThat(String.join("", text)).isEqualTo("planner.gguf: long");
            assertThat(critic.get(10, TimeUnit.SECONDS)).isEqualTo("critic.gguf: judge");
            open.close();
        }
        assertThat(engine.mostOpen).hasValue(1);
    }

    @Test
    void aSwitchThatWaitsTooLongSaysWhy() {
        try (Roles roles = three().maxWait(Duration.ofMillis(100)).build()) {
            try (GenerationStream held = roles.model("planner").stream(GenerationRequest.of("x"))) {
                assertThatThrownBy(() -> roles.model("critic").generate(GenerationRequest.of("y")))
                        .isInstanceOf(InsufficientResourcesException.class)
                        .hasMessageContaining("role 'critic'").hasMessageContaining("raise maxResident");
            }
            assertThat(roles.model("critic").generate(GenerationRequest.of("y")).text()).isEqualTo("critic.gguf: y");
        }
    }

    @Test
    void aFailedLoadLeavesNothingLoadedAndIsTriedAgain() {
        try (Roles roles = three().build()) {
            roles.model("planner").generate(GenerationRequest.of("a"));
            engine.failing = "critic.gguf";
            assertThatThrownBy(() -> roles.model("critic").generate(GenerationRequest.of("b")))
                    .isInstanceOf(ModelLoadException.class);
            assertThat(roles.resident()).isEmpty();
            engine.failing = null;
            assertThat(roles.model("critic").generate(GenerationRequest.of("b")).text()).isEqualTo("critic.gguf: b");
        }
    }

    @Test
    void unknownRolesAndBadSettingsAreNamed() {
        try (Roles roles = three().build()) {
            assertThatThrownBy(() -> roles.model("reviewer")).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("no role named 'reviewer'").hasMessageContaining("planner");
        }
        assertThatThrownBy(() -> Roles.builder(engine).build()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no roles");
        assertThatThrownBy(() -> Roles.builder(engine).role("a", ModelRef.file(Path.of("a.gguf")))
                .role("a", ModelRef.file(Path.of("b.gguf"))).role(" ", ModelRef.file(Path.of("c.gguf")))
                .maxResident(0).build()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("two roles are named 'a'").hasMessageContaining("a role has no name")
                .hasMessageContaining("maxResident must be at least 1");
    }

    @Test
    void closedRolesRefuseWork() {
        Roles roles = three().build();
        roles.model("planner").generate(GenerationRequest.of("a"));
        roles.close();
        assertThat(engine.open).hasValue(0);
        assertThatThrownBy(() -> roles.model("planner").generate(GenerationRequest.of("a")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("closed");
    }

    @Test
    void concurrentRequestsAcrossRolesNeverHoldTwoModels() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Roles roles = three().build()) {
            String[] names = {"planner", "critic", "executor"};
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int start = t;
                all.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        String role = names[(start + i) % 3];
                        assertThat(roles.model(role).generate(GenerationRequest.of("p" + i)).text())
                                .isEqualTo(role + ".gguf: p" + i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(engine.mostOpen).hasValue(1);
        assertThat(engine.open).hasValue(0);
    }

    @Test
    void aRouterOverRolesPrefersTheOneWhoseModelIsLoaded() {
        try (Roles roles = three().build()) {
            Router router = Router.builder().target(Target.local("planner", roles.model("planner")).build())
                    .target(Target.local("critic", roles.model("critic")).build()).build();
            assertThat(router.generate(GenerationRequest.of("a")).routing().orElseThrow().target())
                    .as("nothing loaded: the order given").isEqualTo("planner");
            roles.model("critic").generate(GenerationRequest.of("b"));
            GenerationResult r = router.generate(GenerationRequest.of("c"));
            assertThat(r.routing().orElseThrow().target()).as("the critic's model is loaded").isEqualTo("critic");
            assertThat(r.text()).isEqualTo("critic.gguf: c");
            assertThat(roles.loads()).isEqualTo(2);
        }
    }

    @Test
    void loadOptionsGoToTheEngine() {
        List<LoadOptions> seen = new ArrayList<>();
        InferenceBackend recording = new InferenceBackend() {
            @Override
            public BackendInfo info() {
                return engine.info();
            }

            @Override
            public ModelInstance load(ModelLoadRequest request) {
                seen.add(request.options());
                return engine.load(request);
            }

            @Override
            public void close() {
            }
        };
        LoadOptions small = LoadOptions.builder().contextSize(512).build();
        try (Roles roles = Roles.builder(recording).role("a", ModelRef.file(Path.of("a.gguf")), small).build()) {
            roles.model("a").generate(GenerationRequest.of("x"));
        }
        assertThat(seen).containsExactly(small);
    }
}
