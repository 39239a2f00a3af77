package io.github.localllm.backend.llamaserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelLoadException;
import io.github.localllm.ModelRef;
import io.github.localllm.backend.llamaserver.internal.LoadStages;
import io.github.localllm.backend.llamaserver.internal.ServerProcess;
import io.github.localllm.event.LocalLlmEvent;
import io.github.localllm.event.ModelLoadProgress;
import io.github.localllm.spi.ModelLoadRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stages of a load, read from what llama-server prints, reach the load's listener: from the real
 * b10470 server, and from scripted output (lines copied from b10470 at its default verbosity and at
 * {@code -lv 4}), including a load that fails part way.
 */
@ExtendWith(NoOrphans.class)
class LoadProgressTest {
    private static final LoadOptions SMALL = LoadOptions.builder().contextSize(256).threads(1).build();
    /** b10470 loading stories260K-f16.gguf at its default verbosity. */
    private static final List<String> DEFAULT_VERBOSITY = List.of(
            "0.00.003.472 I cmn  common_param: common_params_print_info: verbosity = 3 (adjust with the `-lv N` CLI arg)",
            "0.00.003.621 I srv          init: The UI is disabled",
            "0.00.004.998 I srv    load_model: loading model '/work/shared/models/stories260K-f16.gguf'",
            "0.00.013.926 I cmn          init: llama threadpool init, n_threads = 2",
            "0.00.015.525 I srv    load_model: initializing, n_slots = 4, n_ctx_slot = 256, kv_unified = 'true'",
            "0.00.018.673 I srv  llama_server: model loaded",
            "0.00.018.708 I srv  llama_server: listening on http://127.0.0.1:18777");
    /** The lines of stages b10470 prints only with {@code -lv 4}, in its order among the others. */
    private static final List<String> VERBOSE = List.of(
            "0.00.004.073 I srv    load_model: loading model '/work/shared/models/stories260K-f16.gguf'",
            "0.00.004.095 I cmn  common_init_: fitting params to device memory ...",
            "0.00.007.888 I load_tensors: loading model tensors, this can take a while... (load_mode = mmap)",
            "0.00.008.575 I llama_context: constructing llama_context",
            "0.00.010.365 I cmn          init: llama threadpool init, n_threads = 2",
            "0.00.010.371 I cmn  common_init_: warming up the model with an empty run - please wait ... (--no-warmup to disable)",
            "0.00.011.399 I srv    load_model: initializing, n_slots = 4, n_ctx_slot = 256, kv_unified = 'true'",
            "0.00.015.224 I srv  llama_server: model loaded",
            "0.00.015.229 I srv  llama_server: listening on http://127.0.0.1:18778");
    @TempDir
    Path dir;

    @AfterEach
    void nothingRuns() {
        assertThat(ServerProcess.running()).as("servers still running after the test").isEmpty();
    }

    private static List<String> stages(List<LocalLlmEvent> events) {
        return events.stream().map(e -> ((ModelLoadProgress) e).stage()).toList();
    }

    private static List<LocalLlmEvent> read(List<String> lines) {
        List<LocalLlmEvent> events = new CopyOnWriteArrayList<>();
        LoadStages stages = new LoadStages("llamaserver", "m", events::add);
        stages.starting();
        lines.forEach(stages);
        stages.ready();
        return events;
    }

    @Test
    void b10470sDefaultOutputGivesEachStageOnceInOrder() {
        List<LocalLlmEvent> events = read(DEFAULT_VERBOSITY);
        assertThat(stages(events)).containsExactly(LoadStages.STARTING, "reading the model", "warming up",
                "starting slots", "model loaded", "listening", LoadStages.READY);
        assertThat(events).allSatisfy(e -> assertThat(e).isInstanceOfSatisfying(ModelLoadProgress.class, p -> {
            assertThat(p.backend()).isEqualTo("llamaserver");
            assertThat(p.model()).isEqualTo("m");
        }));
        List<Double> fractions = events.stream().map(e -> ((ModelLoadProgress) e).fraction()).toList();
        assertThat(fractions).containsExactly(0.0, -1.0, -1.0, -1.0, -1.0, -1.0, 1.0);
    }

    @Test
    void theVerboseOutputGivesTheFinerStagesAndWarmingUpOnce() {
        assertThat(stages(read(VERBOSE))).containsExactly(LoadStages.STARTING, "reading the model",
                "fitting to memory", "reading weights", "creating the context", "warming up", "starting slots",
                "model loaded", "listening", LoadStages.READY);
    }

    @Test
    void aStagePrintedLateOrTwiceIsNotSentAgainNorAnythingAfterReady() {
        List<LocalLlmEvent> events = new CopyOnWriteArrayList<>();
        LoadStages stages = new LoadStages("llamaserver", "m", events::add);
        stages.accept(DEFAULT_VERBOSITY.get(4)); // starting slots
        stages.accept(DEFAULT_VERBOSITY.get(2)); // reading the model: earlier, so late
        stages.accept(DEFAULT_VERBOSITY.get(4));
        stages.ready();
        stages.accept(DEFAULT_VERBOSITY.get(6));
        assertThat(stages(events)).containsExactly("starting slots", LoadStages.READY);
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheLoadOfStages() {
        List<String> seen = new CopyOnWriteArrayList<>();
        LoadStages stages = new LoadStages("llamaserver", "m", e -> {
            seen.add(((ModelLoadProgress) e).stage());
            throw new IllegalStateException("listener bug");
        });
        stages.starting();
        DEFAULT_VERBOSITY.forEach(stages);
        assertThat(seen).hasSize(6);
    }

    @Test
    void theRealServerReportsItsStagesToTheLoadsListener() {
        List<LocalLlmEvent> events = new CopyOnWriteArrayList<>();
        try (ModelInstance model = TestEngines.backend(dir).load(new ModelLoadRequest(
                ModelRef.file(TestEngines.model()), SMALL, events::add))) {
            assertThat(events).allSatisfy(e -> assertThat(e).isInstanceOfSatisfying(ModelLoadProgress.class,
                    p -> assertThat(p.model()).isEqualTo(model.info().name())));
            assertThat(stages(events)).startsWith(LoadStages.STARTING).endsWith(LoadStages.READY)
                    .contains("reading the model", "starting slots", "model loaded");
            assertThat(stages(events)).doesNotHaveDuplicates();
        }
    }

    @Test
    void aScriptedServerThatFailsPartWayReportsTheStagesItReachedAndNoReady() {
        Path fake = TestEngines.fakeServer(dir.resolve("bin/llama-server"), 10470, "echo \""
                + DEFAULT_VERBOSITY.get(2) + "\"\n"
                + "echo '0.00.005.000 E llama_model_load: error loading model: missing tensor token_embd.weight'\n"
                + "exit 1");
        List<LocalLlmEvent> events = new CopyOnWriteArrayList<>();
        LlamaServerBackend backend = (LlamaServerBackend) new LlamaServerBackendProvider(name -> null)
                .create(TestEngines.config(dir, LlamaServerBackendProvider.PATH_KEY, fake.toString()));
        assertThatThrownBy(() -> backend.load(new ModelLoadRequest(ModelRef.file(TestEngines.model()), SMALL,
                events::add))).isInstanceOf(ModelLoadException.class);
        assertThat(stages(events)).containsExactly(LoadStages.STARTING, "reading the model");
    }

    @Test
    void aScriptedServerThatPrintsItsStagesSlowlyIsFollowedAsItGoes() {
        // Each line a while after the last, then the real server: the stages come as they are printed.
        StringBuilder script = new StringBuilder();
        for (String line : DEFAULT_VERBOSITY.subList(2, 5)) {
            script.append("echo \"").append(line).append("\"\nsleep 0.2\n");
        }
        script.append("exec '").append(TestEngines.binary()).append("' \"$@\"");
        Path fake = TestEngines.fakeServer(dir.resolve("bin/llama-server"), 10470, script.toString());
        List<Long> times = new CopyOnWriteArrayList<>();
        List<LocalLlmEvent> events = new CopyOnWriteArrayList<>();
        LlamaServerBackend backend = (LlamaServerBackend) new LlamaServerBackendProvider(name -> null)
                .create(TestEngines.config(dir, LlamaServerBackendProvider.PATH_KEY, fake.toString()));
        try (ModelInstance model = backend.load(new ModelLoadRequest(ModelRef.file(TestEngines.model()), SMALL, e -> {
            events.add(e);
            times.add(System.nanoTime());
        }))) {
            assertThat(stages(events)).startsWith(LoadStages.STARTING, "reading the model", "warming up",
                    "starting slots").endsWith("model loaded", "listening", LoadStages.READY);
            // Sent as printed, not all at the end: the scripted pauses lie between them.
            assertThat(times.get(2) - times.get(1)).isGreaterThan(100_000_000L);
        }
    }
}
