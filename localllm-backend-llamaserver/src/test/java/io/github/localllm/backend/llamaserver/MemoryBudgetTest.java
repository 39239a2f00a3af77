package io.github.localllm.backend.llamaserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationStream;
import io.github.localllm.InsufficientResourcesException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelRef;
import io.github.localllm.backend.llamaserver.internal.ServerProcess;
import io.github.localllm.event.LocalLlmEvent;
import io.github.localllm.event.LocalLlmEventListener;
import io.github.localllm.event.ModelUnloaded;
import io.github.localllm.gguf.GgufFile;
import io.github.localllm.spi.LoadedModel;
import io.github.localllm.spi.ModelLoadRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several models at once on the real llama-server, under a small budget: room for two of the tiny
 * model's copies (each its own file, so its own server), not three. A third load unloads the least
 * recently used model that no request is using, telling both loads' listeners; or, when each is in
 * use or the policy says so, fails naming what is loaded and what to do, starting nothing.
 */
@ExtendWith(NoOrphans.class)
class MemoryBudgetTest {
    private static final LoadOptions SMALL = LoadOptions.builder().contextSize(256).threads(1)
            .engineOptions(LlamaServerOptions.builder().parallel(1).build()).build();
    @TempDir
    Path dir;
    private final List<ModelInstance> opened = new ArrayList<>();
    private final List<GenerationStream> streams = new ArrayList<>();
    private Path a;
    private Path b;
    private Path c;
    private long each;

    @BeforeEach
    void copies() throws Exception {
        Path model = TestEngines.model();
        a = Files.copy(model, dir.resolve("a.gguf"));
        b = Files.copy(model, dir.resolve("b.gguf"));
        c = Files.copy(model, dir.resolve("c.gguf"));
        each = TestEngines.backend(dir).estimate(a, GgufFile.read(a), SMALL, LlamaServerOptions.builder().parallel(1)
                .build());
        assertThat(each).as("the tiny model's estimate").isPositive();
    }

    @AfterEach
    void closeAll() {
        streams.forEach(GenerationStream::close);
        opened.forEach(ModelInstance::close);
        assertThat(ServerProcess.running()).as("servers still running after the test").isEmpty();
    }

    /** Room for two of the models, not three. */
    private String twoAndAHalf() {
        return Long.toString(each * 5 / 2);
    }

    private ModelInstance load(LlamaServerBackend backend, Path file, List<LocalLlmEvent> events) {
        return load(backend, file, (LocalLlmEventListener) events::add);
    }

    private ModelInstance load(LlamaServerBackend backend, Path file, LocalLlmEventListener listener) {
        ModelInstance m = backend.load(new ModelLoadRequest(ModelRef.file(file), SMALL, listener));
        opened.add(m);
        return m;
    }

    private static void use(ModelInstance m) {
        m.generate(GenerationRequest.builder().prompt("Once").raw(true).maxTokens(2).build());
    }

    /** A request in flight: a stream opened and not read, which holds the model in use until closed. */
    private void busy(ModelInstance m) {
        streams.add(m.stream(GenerationRequest.builder().prompt("Once upon").raw(true).maxTokens(4).build()));
    }

    /** @return the unloads among the events, which also tell the stages of each load */
    private static List<LocalLlmEvent> unloads(List<LocalLlmEvent> events) {
        return events.stream().filter(e -> e instanceof ModelUnloaded).toList();
    }

    private static List<String> names(LlamaServerBackend backend) {
        return backend.loadedModels().stream().map(LoadedModel::ref).map(ModelRef::text)
                .map(t -> Path.of(t).getFileName().toString()).sorted().toList();
    }

    @Test
    void aModelThatDoesNotFitUnloadsTheLeastRecentlyUsedIdleOneAndSaysSo() {
        LlamaServerBackend backend = TestEngines.backend(dir, new Residency(() -> -1),
                LlamaServerBackendProvider.MEMORY_BUDGET_KEY, twoAndAHalf());
        List<LocalLlmEvent> ofA = new CopyOnWriteArrayList<>();
        List<LocalLlmEvent> ofB = new CopyOnWriteArrayList<>();
        List<LocalLlmEvent> ofC = new CopyOnWriteArrayList<>();
        ModelInstance first = load(backend, a, ofA);
        ModelInstance second = load(backend, b, ofB);
        long secondPid = ((ManagedModel) second).server().orElseThrow().pid();
        use(first); // b is now the least recently used

        ModelInstance third = load(backend, c, ofC);

        assertThat(names(backend)).containsExactly("a.gguf", "c.gguf");
        assertThat(ProcessHandle.of(secondPid).filter(ProcessHandle::isAlive)).as("b's server").isEmpty();
        assertThat(unloads(ofC)).singleElement().isInstanceOfSatisfying(ModelUnloaded.class, e -> {
            assertThat(e.model()).isEqualTo("b");
            assertThat(e.backend()).isEqualTo(LlamaServerBackendProvider.ID);
        });
        assertThat(unloads(ofB)).singleElement().isInstanceOf(ModelUnloaded.class);
        assertThat(unloads(ofA)).isEmpty();
        assertThatThrownBy(() -> use(second)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("b was unloaded").hasMessageContaining("to make room for c")
                .hasMessageContaining(LlamaServerBackendProvider.MEMORY_BUDGET_KEY);
        use(first);
        use(third);
    }

    @Test
    void aModelInUseIsNotUnloadedThoughLeastRecentlyUsed() {
        LlamaServerBackend backend = TestEngines.backend(dir, new Residency(() -> -1),
                LlamaServerBackendProvider.MEMORY_BUDGET_KEY, twoAndAHalf());
        List<LocalLlmEvent> events = new CopyOnWriteArrayList<>();
        LocalLlmEventListener listener = events::add; // one listener for all: told once of each unload
        ModelInstance first = load(backend, a, listener);
        ModelInstance second = load(backend, b, listener);
        use(second);
        busy(first); // a is the least recently used, but a request of its own is still open

        load(backend, c, listener);

        assertThat(names(backend)).containsExactly("a.gguf", "c.gguf");
        assertThat(unloads(events)).singleElement().isInstanceOfSatisfying(ModelUnloaded.class,
                e -> assertThat(e.model()).isEqualTo("b"));
        assertThat(streams.get(0).result().text()).isNotNull();
    }

    @Test
    void whenEveryLoadedModelIsInUseTheLoadFailsNamingThemAndStartsNothing() {
        LlamaServerBackend backend = TestEngines.backend(dir, new Residency(() -> -1),
                LlamaServerBackendProvider.MEMORY_BUDGET_KEY, twoAndAHalf());
        busy(load(backend, a, e -> { }));
        busy(load(backend, b, e -> { }));

        assertThatThrownBy(() -> load(backend, c, e -> { })).isInstanceOf(InsufficientResourcesException.class)
                .hasMessageContaining("cannot load c").hasMessageContaining("a (about")
                .hasMessageContaining("b (about").hasMessageContaining("in use by 1 request(s)")
                .hasMessageContaining("Every one of them is in use")
                .hasMessageContaining(LlamaServerBackendProvider.MEMORY_BUDGET_KEY);
        assertThat(ServerProcess.running()).hasSize(2);

        streams.remove(0).close(); // a's request ends: a can make room now
        load(backend, c, e -> { });
        assertThat(names(backend)).containsExactly("b.gguf", "c.gguf");
    }

    @Test
    void withTheFailPolicyALoadThatDoesNotFitFailsNamingTheLoadedModels() {
        LlamaServerBackend backend = TestEngines.backend(dir, new Residency(() -> -1),
                LlamaServerBackendProvider.MEMORY_BUDGET_KEY, twoAndAHalf(),
                LlamaServerBackendProvider.MEMORY_FULL_KEY, "fail");
        load(backend, a, e -> { });
        load(backend, b, e -> { });

        assertThatThrownBy(() -> load(backend, c, e -> { })).isInstanceOf(InsufficientResourcesException.class)
                .hasMessageContaining("beside the models loaded: a (about").hasMessageContaining("b (about")
                .hasMessageContaining("idle").hasMessageContaining("Close a model you no longer need")
                .hasMessageContaining("llamaserver.memory.full=unload-lru");
        assertThat(names(backend)).containsExactly("a.gguf", "b.gguf");
    }

    @Test
    void aModelLargerThanTheWholeBudgetFailsAtOnce() {
        LlamaServerBackend backend = TestEngines.backend(dir, new Residency(() -> -1),
                LlamaServerBackendProvider.MEMORY_BUDGET_KEY, Long.toString(each / 2));
        assertThatThrownBy(() -> load(backend, a, e -> { })).isInstanceOf(InsufficientResourcesException.class)
                .hasMessageContaining("more than the whole memory budget");
        assertThat(ServerProcess.running()).isEmpty();
    }

    @Test
    void withoutABudgetTheMemoryAvailableDecidesAndAClosedOrFailedLoadGivesItsPlaceBack() throws Exception {
        // The system's memory, as loaded servers leave it: room for two models and a half.
        LlamaServerBackend[] engine = new LlamaServerBackend[1];
        Residency residency = new Residency(() -> each * 5 / 2 - each * engine[0].loadedModels().size());
        engine[0] = TestEngines.backend(dir, residency);
        List<LocalLlmEvent> events = new CopyOnWriteArrayList<>();
        LocalLlmEventListener listener = events::add;
        load(engine[0], a, listener);
        ModelInstance second = load(engine[0], b, listener);
        use(second);
        load(engine[0], c, listener);
        assertThat(unloads(events)).singleElement().isInstanceOfSatisfying(ModelUnloaded.class,
                e -> assertThat(e.model()).isEqualTo("a"));
        assertThat(residency.held()).containsExactlyInAnyOrder("b", "c");

        second.close();
        assertThat(residency.held()).containsExactly("c");
        Path bad = Files.writeString(dir.resolve("bad.gguf"), "not a model");
        assertThatThrownBy(() -> load(engine[0], bad, e -> { })).isInstanceOf(RuntimeException.class);
        assertThat(residency.held()).containsExactly("c");
    }
}
