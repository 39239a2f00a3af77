package io.github.localllm.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.ModelRef;
import io.github.localllm.backend.llamacpp.LlamaCppBackendProvider;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.ConfigKeys;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.gguf.GgufWriter;
import io.github.localllm.gguf.LlamaCppArchitectures;
import io.github.localllm.gguf.LlamaCppBuild;
import io.github.localllm.gguf.SyntheticModel;
import io.github.localllm.hardware.HardwareFixtures.FakeProbe;
import io.github.localllm.hardware.HardwareFixtures.ScriptedRunner;
import io.github.localllm.spi.EngineCapabilities;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.InferenceBackendProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The managed llama-server reports the architectures of the build its binary's {@code --version} names, and
 * planning and {@code autoDetect()} pick it for what the in-process b4916 engine refuses and for GPU machines,
 * on machines replayed from recorded outputs.
 */
class LlamaServerChoiceTest {
    @TempDir
    Path dir;

    /**
     * The managed llama-server as planning sees it (its module depends on this one, so it cannot be used
     * here): id, priority 110, GGUF files, the capabilities it reports before a binary is found, and a
     * health check answering with the version its binary printed.
     */
    private record Server(String version) implements InferenceBackendProvider {
        @Override
        public String id() {
            return "llamaserver";
        }

        @Override
        public int priority() {
            return 110;
        }

        @Override
        public boolean accepts(ModelRef model) {
            return model instanceof ModelRef.File;
        }

        @Override
        public EngineCapabilities capabilities() {
            return EngineCapabilities.builder().architectures(LlamaCppArchitectures.B10470)
                    .gpuBackends(Set.of("cuda", "vulkan")).build();
        }

        @Override
        public EngineHealth probe(LocalLlmConfig config, Duration timeout) {
            return version == null ? EngineHealth.down("llama-server not found", Duration.ZERO)
                    : EngineHealth.up(version, Duration.ZERO);
        }

        @Override
        public InferenceBackend create(LocalLlmConfig config) {
            throw new AssertionError("planning never creates an engine");
        }
    }

    private HardwareProfile recorded(boolean nvidia) {
        ScriptedRunner runner = new ScriptedRunner();
        if (nvidia) {
            runner.prints("nvidia-smi", HardwareFixtures.text("nvidia/rtx4090-a100.csv"));
        }
        return HardwareDetector.builder().osName("Linux").architecture("amd64").commandRunner(runner)
                .fileSystemRoot(HardwareFixtures.path("linux-x86")).systemProbe(FakeProbe.typical())
                .modelDirectory(dir).build().detect();
    }

    private static LocalLlmConfig config(Map<String, String> values) {
        return LocalLlmConfig.load(values, Map.of(), new ConfigEnvironment(Map.of(), Map.of(), Path.of("."),
                Path.of("no-such-user-config.json")));
    }

    /** The tiny synthetic model, written as another architecture (same tensors, keys under its name). */
    private Path model(String architecture) {
        SyntheticModel m = SyntheticModel.tiny();
        GgufWriter w = m.writer().putString("general.architecture", architecture)
                .putUInt32(architecture + ".context_length", m.contextLength())
                .putUInt32(architecture + ".embedding_length", m.embeddingLength())
                .putUInt32(architecture + ".block_count", m.blockCount())
                .putUInt32(architecture + ".feed_forward_length", m.feedForwardLength())
                .putUInt32(architecture + ".attention.head_count", m.headCount())
                .putUInt32(architecture + ".attention.head_count_kv", m.headCountKv())
                .putUInt32(architecture + ".rope.dimension_count", m.headDimension())
                .putUInt32(architecture + ".vocab_size", m.vocabularySize());
        Path file = dir.resolve(architecture + ".gguf");
        w.write(file);
        return file;
    }

    private Map<String, String> plan(HardwareProfile hw, Path model, InferenceBackendProvider server) {
        HardwareAutoConfigurator auto = new HardwareAutoConfigurator(() -> hw, ModelCatalog::defaultCatalog,
                () -> List.of(server, new LlamaCppBackendProvider()));
        return auto.configure(config(Map.of(ConfigKeys.MODEL, model.toString(), SpeedCalibrations.CONFIG_KEY,
                dir.resolve("calibration.json").toString())));
    }

    @Test
    void theBuildComesFromTheVersionTheServersCheckReports() {
        InferenceEngine found = InferenceEngine.of(new Server("b10470 (34af94cd9)"),
                new Server("b10470 (34af94cd9)").probe(config(Map.of()), Duration.ofSeconds(1)));

        assertThat(found.build()).isEqualTo(LlamaCppBuild.B10470);
        assertThat(found.supports("qwen3")).isTrue();
        assertThat(found.supports("gpt-oss")).isTrue();
        assertThat(found.supports("gemma3n")).isTrue();
        assertThat(found.supports("no-such-architecture")).isFalse();
    }

    @Test
    void anOlderServerIsPlannedWithWhatItsBuildIsKnownToLoad() {
        Server older = new Server("b8000 (0123abcde)");
        InferenceEngine found = InferenceEngine.of(older, older.probe(config(Map.of()), Duration.ofSeconds(1)));

        assertThat(found.build()).isEqualTo(LlamaCppBuild.of(8000));
        assertThat(found.capabilities().architectures()).isEqualTo(LlamaCppArchitectures.B4916);
        assertThat(found.supports("llama")).isTrue();
        assertThat(found.supports("qwen3")).isFalse();
        // Newer than every known build: at least the newest list.
        Server newer = new Server("b12000");
        assertThat(InferenceEngine.of(newer, newer.probe(config(Map.of()), Duration.ZERO)).capabilities()
                .architectures()).isEqualTo(LlamaCppArchitectures.B10470);
    }

    @Test
    void aCheckWithoutABuildLeavesTheEngineAsItDescribesItself() {
        Server missing = new Server(null);
        assertThat(InferenceEngine.of(missing, missing.probe(config(Map.of()), Duration.ZERO)))
                .isEqualTo(InferenceEngine.of(missing));
        assertThat(InferenceEngine.of(missing, EngineHealth.up("0.12.3", Duration.ZERO)))
                .isEqualTo(InferenceEngine.of(missing));
        assertThat(InferenceEngine.of(missing, EngineHealth.up("b99999999999", Duration.ZERO)))
                .isEqualTo(InferenceEngine.of(missing));
        // An engine with no list is not given one by a build: it is not known to refuse anything.
        assertThat(InferenceEngine.currentLlamaCpp().withBuild(LlamaCppBuild.of(8000)).capabilities().architectures())
                .isEmpty();
    }

    @Test
    void autoDetectPicksTheServerForAnArchitectureTheInProcessBuildRefuses() {
        Map<String, String> cpu = plan(recorded(false), model("qwen3"), new Server("b10470 (34af94cd9)"));

        assertThat(cpu).containsEntry(ConfigKeys.BACKEND, "llamaserver").containsEntry(ConfigKeys.GPU_LAYERS, "0");
    }

    @Test
    void autoDetectPicksTheServerOnAGpuMachine() {
        Map<String, String> gpu = plan(recorded(true), model("llama"), new Server("b10470 (34af94cd9)"));

        assertThat(gpu).containsEntry(ConfigKeys.BACKEND, "llamaserver")
                .containsEntry(ConfigKeys.GPU_LAYERS, Integer.toString(SyntheticModel.tiny().blockCount() + 1));
    }

    @Test
    void theInProcessEngineKeepsWhatBothRunOnTheCpuWhenTheServerIsAbsent() {
        Map<String, String> cpu = plan(recorded(false), model("llama"), new Server(null));

        // The server's check failed: only the in-process engine is planned, nothing to choose.
        assertThat(cpu).doesNotContainKey(ConfigKeys.BACKEND).containsEntry(ConfigKeys.GPU_LAYERS, "0");
    }

    @Test
    void thePlannerChoosesTheServerForModelsOnlyItRuns() {
        InferenceEngine inProcess = InferenceEngine.of(new LlamaCppBackendProvider());
        Server s = new Server("b10470 (34af94cd9)");
        InferenceEngine server = InferenceEngine.of(s, s.probe(config(Map.of()), Duration.ZERO));
        for (String arch : List.of("qwen3", "gemma3n", "gpt-oss", "smollm3")) {
            FitRequest request = FitRequest.builder(io.github.localllm.gguf.GgufFile.read(model(arch)))
                    .targetContext(256).calibrations(SpeedCalibrations.none()).build();

            FitPlan plan = FitPlanner.chooseEngine(recorded(false), request, List.of(inProcess, server)).orElseThrow();

            assertThat(plan.engine()).as(arch).isEqualTo(server);
            assertThat(plan.runnable()).as(arch).isTrue();
            assertThat(FitPlanner.plan(recorded(false), request.toBuilder().engine(inProcess).build()).runnable())
                    .as(arch + " in process").isFalse();
        }
    }
}
