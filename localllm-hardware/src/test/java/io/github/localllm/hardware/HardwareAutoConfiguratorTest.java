package io.github.localllm.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.InsufficientResourcesException;
import io.github.localllm.LocalLlm;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.ModelRef;
import io.github.localllm.backend.llamacpp.LlamaCppBackendProvider;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.ConfigKeys;
import io.github.localllm.config.ConfigSource;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.gguf.GgufFile;
import io.github.localllm.gguf.MemoryModel;
import io.github.localllm.gguf.SyntheticModel;
import io.github.localllm.spi.EngineCapabilities;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.InferenceBackendProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HardwareAutoConfiguratorTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    private static final Set<CpuFeature> AVX2 = Set.of(CpuFeature.AVX, CpuFeature.AVX2, CpuFeature.FMA, CpuFeature.F16C);

    private static HardwareProfile laptop(long ramBytes, Path disk) {
        return machine(new CpuInfo("Test CPU", 4, 8, AVX2), ramBytes, disk);
    }

    private static HardwareProfile machine(CpuInfo cpu, long ramBytes, Path disk) {
        return new HardwareProfile("Linux", "6.1", "amd64", cpu,
                new MemoryInfo(Reading.of(ramBytes, "test"), Reading.of(ramBytes * 3 / 4, "test")),
                new DiskInfo(disk, Reading.of(100 * GIB, "test")), List.of(), Instant.now());
    }

    private static LocalLlmConfig config(Map<String, String> values) {
        return LocalLlmConfig.load(values, Map.of(), new ConfigEnvironment(Map.of(), Map.of(), Path.of("."),
                Path.of("no-such-user-config.json")));
    }

    @Test
    void theModelsPlanBecomesItsAutoDetectedSettings() {
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.tiny().write(model);
        HardwareAutoConfigurator auto = new HardwareAutoConfigurator(() -> laptop(8 * GIB, dir),
                ModelCatalog::defaultCatalog);
        Map<String, String> detected = auto.configure(config(Map.of(ConfigKeys.MODEL, model.toString())));
        assertThat(detected).containsEntry(ConfigKeys.CONTEXT_SIZE,
                Integer.toString(SyntheticModel.tiny().contextLength()))
                .containsEntry(ConfigKeys.GPU_LAYERS, "0").containsEntry(ConfigKeys.KV_CACHE_TYPE, "f16")
                .containsEntry(ConfigKeys.THREADS, "4")
                .doesNotContainKey(ConfigKeys.MODEL);
    }

    @Test
    void aContainerLimitedToTwoCpusOnASixteenCoreHostGetsTwoThreads() {
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.tiny().write(model);
        CpuInfo host = new CpuInfo("Test CPU", 16, 32, 2, AVX2, "test: a container with --cpus=2");
        HardwareAutoConfigurator auto = new HardwareAutoConfigurator(() -> machine(host, 8 * GIB, dir),
                ModelCatalog::defaultCatalog);

        Map<String, String> detected = auto.configure(config(Map.of(ConfigKeys.MODEL, model.toString())));

        assertThat(detected).containsEntry(ConfigKeys.THREADS, "2");
    }

    @Test
    void eachPlanUsesTheRamFreeWhenItIsMade() {
        Path model = dir.resolve("big.gguf");
        SyntheticModel.withParameterCount(25_000_000).tensorType(io.github.localllm.gguf.GgmlType.Q8_0).build().write(model);
        HardwareFixtures.ShiftingMemoryProbe probe = new HardwareFixtures.ShiftingMemoryProbe(HardwareFixtures.FakeProbe.typical());
        HardwareDetector detector = HardwareDetector.builder().osName("Windows 11").architecture("amd64")
                .commandRunner(new HardwareFixtures.ScriptedRunner()).systemProbe(probe).modelDirectory(dir).build();
        HardwareAutoConfigurator auto = new HardwareAutoConfigurator(detector);
        LocalLlmConfig config = config(Map.of(ConfigKeys.MODEL, model.toString()));

        assertThat(auto.configure(config)).containsKey(ConfigKeys.CONTEXT_SIZE);
        probe.availableMemory.set(16L << 20);

        assertThatThrownBy(() -> auto.configure(config))
                .isInstanceOf(InsufficientResourcesException.class).hasMessageContaining("big.gguf");
    }

    /** An engine from another jar; planning reads only its id, priority, what it accepts and its capabilities. */
    private record Engine(String id, int priority, EngineCapabilities capabilities, boolean files)
            implements InferenceBackendProvider {
        @Override
        public boolean accepts(ModelRef model) {
            return files == model instanceof ModelRef.File;
        }

        @Override
        public InferenceBackend create(LocalLlmConfig config) {
            throw new AssertionError("planning never creates an engine");
        }
    }

    @Test
    void thePlanIsForTheEngineThatWillLoadTheFile() {
        InferenceBackendProvider namesOnly = new Engine("names", 200, EngineCapabilities.unknown(), false);
        InferenceBackendProvider inProcess = new LlamaCppBackendProvider();
        InferenceBackendProvider llamaOnly = new Engine("llamaonly", 10,
                EngineCapabilities.builder().architectures(Set.of("llama")).build(), true);
        List<InferenceBackendProvider> installed = List.of(namesOnly, inProcess, llamaOnly);
        Path file = dir.resolve("m.gguf");

        assertThat(HardwareAutoConfigurator.engine(config(Map.of()), installed, file, false))
                .as("the highest priority that loads files").isEqualTo(InferenceEngine.of(inProcess));
        assertThat(HardwareAutoConfigurator.engine(config(Map.of(ConfigKeys.BACKEND, "llamaonly")), installed, file, false))
                .isEqualTo(InferenceEngine.of(llamaOnly));
        assertThat(HardwareAutoConfigurator.engine(config(Map.of(ConfigKeys.BACKEND, "llamaserver")), installed, file, false))
                .as("named but not installed").isEqualTo(InferenceEngine.currentLlamaCpp());
        assertThat(HardwareAutoConfigurator.engine(config(Map.of()), List.of(namesOnly), file, false))
                .isEqualTo(InferenceEngine.currentLlamaCpp());
    }

    @Test
    void anInstalledEnginesReportDecidesWhetherAndHowTheModelRuns() {
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.tiny().write(model);
        InferenceBackendProvider qwenOnly = new Engine("qwenonly", 500,
                EngineCapabilities.builder().architectures(Set.of("qwen2")).build(), true);
        HardwareAutoConfigurator auto = new HardwareAutoConfigurator(PlannerFixtures::rtx4090Desktop,
                ModelCatalog::defaultCatalog, () -> List.of(qwenOnly, new LlamaCppBackendProvider()));

        assertThatThrownBy(() -> auto.configure(config(Map.of(ConfigKeys.MODEL, model.toString(), ConfigKeys.BACKEND,
                "qwenonly")))).isInstanceOf(InsufficientResourcesException.class)
                .hasMessageContaining("qwenonly does not run the 'llama' architecture");
        // Named by nobody, the engine that can run it is chosen, though of lower priority.
        assertThat(auto.configure(config(Map.of(ConfigKeys.MODEL, model.toString()))))
                .containsEntry(ConfigKeys.BACKEND, "llamacpp");
        // The in-process engine's CPU build leaves the CUDA card idle; a current llama.cpp uses it.
        assertThat(auto.configure(config(Map.of(ConfigKeys.MODEL, model.toString(), ConfigKeys.BACKEND, "llamacpp"))))
                .containsEntry(ConfigKeys.GPU_LAYERS, "0");
        assertThat(auto.configure(config(Map.of(ConfigKeys.MODEL, model.toString(), ConfigKeys.BACKEND, "llamaserver"))))
                .containsEntry(ConfigKeys.GPU_LAYERS, Integer.toString(SyntheticModel.tiny().blockCount() + 1));
    }

    @Test
    void ofSeveralEnginesThatLoadTheFileTheOneWhosePlanRunsBestIsChosen() {
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.tiny().write(model);
        InferenceBackendProvider server = new Engine("llamaserver", 50, InferenceEngine.currentLlamaCpp().capabilities(),
                true);
        HardwareAutoConfigurator gpu = new HardwareAutoConfigurator(PlannerFixtures::rtx4090Desktop,
                ModelCatalog::defaultCatalog, () -> List.of(new LlamaCppBackendProvider(), server));
        Map<String, String> withoutCalibration = Map.of(ConfigKeys.MODEL, model.toString(), SpeedCalibrations.CONFIG_KEY,
                dir.resolve("calibration.json").toString());

        // A CUDA card: the in-process CPU build cannot use it, llama-server offloads every layer.
        assertThat(gpu.configure(config(withoutCalibration))).containsEntry(ConfigKeys.BACKEND, "llamaserver")
                .containsEntry(ConfigKeys.GPU_LAYERS, Integer.toString(SyntheticModel.tiny().blockCount() + 1));
        // Only one engine loads files: nothing to choose, no backend set.
        HardwareAutoConfigurator one = new HardwareAutoConfigurator(PlannerFixtures::rtx4090Desktop,
                ModelCatalog::defaultCatalog, () -> List.of(new LlamaCppBackendProvider()));
        assertThat(one.configure(config(withoutCalibration))).doesNotContainKey(ConfigKeys.BACKEND);
    }

    @Test
    void anApplicationThatSwapsModelsGetsTheEngineThatReturnsMemoryThoughTheOtherIsFaster() {
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.tiny().write(model);
        HardwareProfile hw = PlannerFixtures.xeon2Cores();
        InferenceBackendProvider inProcess = new LlamaCppBackendProvider();
        InferenceBackendProvider server = new Engine("llamaserver", 50, InferenceEngine.currentLlamaCpp().capabilities(),
                true);
        HardwareAutoConfigurator cpu = new HardwareAutoConfigurator(() -> hw, ModelCatalog::defaultCatalog,
                () -> List.of(inProcess, server));
        Map<String, String> values = Map.of(ConfigKeys.MODEL, model.toString(), SpeedCalibrations.CONFIG_KEY,
                dir.resolve("calibration.json").toString());
        // Measured here: the in-process engine runs this file three times as fast.
        MemoryModel memory = MemoryModel.of(GgufFile.read(model));
        SpeedCalibrations measured = SpeedCalibrations.forConfig(config(values));
        record(measured, hw, InferenceEngine.of(inProcess), memory, 300);
        record(measured, hw, InferenceEngine.of(server), memory, 100);
        assertThat(cpu.configure(config(values))).as("by speed").containsEntry(ConfigKeys.BACKEND, "llamacpp");

        Map<String, String> swapping = new java.util.HashMap<>(values);
        swapping.put(ConfigKeys.SWAPS_MODELS, "true");
        assertThat(cpu.configure(config(swapping))).as("for an application that swaps models")
                .containsEntry(ConfigKeys.BACKEND, "llamaserver");
        swapping.put(ConfigKeys.SWAPS_MODELS, "false");
        assertThat(cpu.configure(config(swapping))).containsEntry(ConfigKeys.BACKEND, "llamacpp");
        assertThat(InferenceEngine.of(inProcess).retainsClosedModels()).isTrue();
        assertThat(InferenceEngine.currentLlamaCpp().retainsClosedModels()).isFalse();
    }

    private static void record(SpeedCalibrations store, HardwareProfile hw, InferenceEngine engine, MemoryModel m,
                               double measured) {
        FitPlan plan = FitPlanner.plan(hw, FitRequest.builder(m).targetContext(256).engine(engine)
                .calibrations(SpeedCalibrations.none()).build());
        store.record(new SpeedSample(CalibrationKey.of(hw.cpu(), hw.cpu().generationThreads(), engine,
                m.weightFormat()), m.totalWeightBytes(), measured, plan.speed().orElseThrow().estimatedTokensPerSecond(),
                "a test's figures", Instant.EPOCH));
    }

    @Test
    void aModelTooLargeForTheMachineIsRefusedWithTheReason() {
        Path model = dir.resolve("big.gguf");
        SyntheticModel.withParameterCount(25_000_000).tensorType(io.github.localllm.gguf.GgmlType.Q8_0).build().write(model);
        HardwareAutoConfigurator auto = new HardwareAutoConfigurator(() -> laptop(32L << 20, dir),
                ModelCatalog::defaultCatalog);
        assertThatThrownBy(() -> auto.configure(config(Map.of(ConfigKeys.MODEL, model.toString()))))
                .isInstanceOf(InsufficientResourcesException.class).hasMessageContaining("big.gguf");
    }

    @Test
    void withoutAModelTheCatalogsChoiceIsNamedWithWhereToGetIt() {
        HardwareAutoConfigurator auto = new HardwareAutoConfigurator(() -> laptop(8 * GIB, dir),
                ModelCatalog::defaultCatalog);
        assertThatThrownBy(() -> auto.configure(config(Map.of(ConfigKeys.MODELS_DIR, dir.toString()))))
                .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("recommends")
                .hasMessageContaining("huggingface.co").hasMessageContaining(dir.toString())
                .hasMessageMatching("(?s).*\\.gguf \\((about )?[0-9,]+ bytes, (SHA-256 [0-9a-f]{64}|no published SHA-256)\\) into .*");
    }

    @Test
    void withoutAModelAnInstalledRecommendationIsUsed() throws Exception {
        HardwareProfile profile = laptop(8 * GIB, dir);
        Recommendation.Choice<FitPlan> choice = ModelCatalog.defaultCatalog().recommend(profile, ModelTask.CHAT)
                .choice().orElseThrow();
        // A synthetic stand-in under the recommended file's name: the planner reads only its header.
        Path installed = dir.resolve(choice.file().fileName());
        SyntheticModel.tiny().write(installed);
        HardwareAutoConfigurator auto = new HardwareAutoConfigurator(() -> profile, ModelCatalog::defaultCatalog);
        Map<String, String> detected = auto.configure(config(Map.of(ConfigKeys.MODELS_DIR, dir.toString())));
        assertThat(detected).containsEntry(ConfigKeys.MODEL, installed.toString())
                .containsKey(ConfigKeys.CONTEXT_SIZE);
        assertThat(Files.exists(installed)).isTrue();
    }

    @Test
    void autoDetectAppliesThePlanToTheLoadedModelAndExplicitSettingsWin() {
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.tiny().write(model);
        ConfigEnvironment env = new ConfigEnvironment(Map.of(), Map.of(), dir, dir.resolve("user.json"));
        try (LocalLlm llm = LocalLlm.builder().model(model).threads(1).environment(env).autoDetect().build()) {
            assertThat(llm.config().value(ConfigKeys.CONTEXT_SIZE).orElseThrow().source())
                    .isEqualTo(ConfigSource.AUTO_DETECTED);
            assertThat(llm.model().info().options().contextSize()).isEqualTo(SyntheticModel.tiny().contextLength());
            assertThat(llm.model().info().options().gpuLayers()).isZero();
            assertThat(llm.config().get(ConfigKeys.KV_CACHE_TYPE)).contains("f16");
            assertThat(llm.generate("Hi").text()).isNotNull();
        }
        try (LocalLlm llm = LocalLlm.builder().model(model).threads(1).contextSize(256).environment(env)
                .autoDetect().build()) {
            assertThat(llm.model().info().options().contextSize()).isEqualTo(256);
            assertThat(llm.config().value(ConfigKeys.CONTEXT_SIZE).orElseThrow().source())
                    .isEqualTo(ConfigSource.BUILDER);
        }
    }
}
