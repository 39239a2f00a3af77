package io.github.localllm.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.backend.llamacpp.LlamaCppBackendProvider;
import io.github.localllm.gguf.GgufFile;
import io.github.localllm.gguf.LlamaCppBuild;
import io.github.localllm.gguf.LoadSettings;
import io.github.localllm.gguf.MemoryEstimate;
import io.github.localllm.gguf.MemoryModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The planner's memory estimate against the buffers each engine reported when it loaded the same files
 * (test resources {@code engine-logs/}, made as their README says): the synthetic 134M model at Q4_K_M and
 * Q8_0, contexts 512 and 2048, on the in-process engine (b4916) and {@code llama-server} b10470. Each
 * buffer within 10%: the mapped weights, the repacked copies, the KV cache, the compute buffer and the
 * output buffer.
 */
class EngineLogMemoryTest {
    private static final Logger LOG = LoggerFactory.getLogger(EngineLogMemoryTest.class);
    private static final double MIB = 1048576.0;
    private static final InferenceEngine IN_PROCESS = InferenceEngine.of(new LlamaCppBackendProvider());
    private static final InferenceEngine SERVER = InferenceEngine.currentLlamaCpp();
    /** A llama-server started with {@code --embeddings}. */
    private static final InferenceEngine EMBEDDING_SERVER = SERVER.withEmbeddingContext(true);

    static MemoryModel model(String quantization) {
        return MemoryModel.of(manifest(quantization));
    }

    static GgufFile manifest(String quantization) {
        return TensorManifest.read("/engine-logs/m134-" + quantization + ".tensors");
    }

    static EngineLog log(String path) throws IOException {
        try (InputStream in = EngineLogMemoryTest.class.getResourceAsStream("/engine-logs/" + path)) {
            return EngineLog.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static MemoryEstimate plan(InferenceEngine engine, String quantization, int context) {
        FitPlan plan = FitPlanner.plan(PlannerFixtures.xeon2Cores(), FitRequest.builder(model(quantization))
                .targetContext(context).engine(engine).calibrations(SpeedCalibrations.none()).build());
        assertThat(plan.runnable()).isTrue();
        assertThat(plan.contextSize()).isEqualTo(context);
        return plan.memory();
    }

    /** One buffer, estimated and reported. */
    record Buffer(String name, long estimate, long reported) {
        double error() {
            return reported == 0 ? (estimate == 0 ? 0 : 1) : (double) (estimate - reported) / reported;
        }
    }

    static List<Buffer> buffers(MemoryEstimate e, EngineLog log, boolean withOutput) {
        List<Buffer> b = new ArrayList<>();
        b.add(new Buffer("weights (mapped)", e.hostWeightBytes(), log.mappedWeights()));
        b.add(new Buffer("repacked weights", e.hostRepackBytes(), log.repacked()));
        b.add(new Buffer("KV cache", e.kvCacheBytes(), log.kvCache()));
        b.add(new Buffer("compute", e.hostComputeReserveBytes(), log.compute()));
        if (withOutput) {
            b.add(new Buffer("output", e.outputBufferBytes(), log.output()));
        }
        return b;
    }

    static String table(String title, List<Buffer> buffers) {
        StringBuilder t = new StringBuilder(title).append('\n');
        for (Buffer x : buffers) {
            t.append(String.format(Locale.ROOT, "  %-18s estimate %8.2f MiB  reported %8.2f MiB  %+6.1f%%%n", x.name(),
                    x.estimate() / MIB, x.reported() / MIB, x.error() * 100));
        }
        return t.toString();
    }

    @ParameterizedTest(name = "{0} {1} context {2}")
    @CsvSource({"b10470, q4_k_m, 512", "b10470, q4_k_m, 2048", "b10470, q8_0, 512", "b10470, q8_0, 2048",
        "b4916, q4_k_m, 512", "b4916, q4_k_m, 2048", "b4916, q8_0, 512", "b4916, q8_0, 2048"})
    void everyBufferIsWithinTenPercentOfWhatTheEngineReported(String build, String quantization, int context)
            throws IOException {
        boolean server = build.equals("b10470");
        MemoryEstimate e = plan(server ? SERVER : IN_PROCESS, quantization, context);
        EngineLog log = log(build + "/m134-" + quantization + "-ctx" + context + ".log");
        // b4916 allocates its output buffer at the first decode and logs 0.00 MiB at load.
        List<Buffer> buffers = buffers(e, log, server);
        String table = table(build + " " + quantization + " context " + context + ":", buffers);
        LOG.info("{}", table);
        for (Buffer b : buffers) {
            assertThat(Math.abs(b.error())).as("%s%n%s", b.name(), table).isLessThanOrEqualTo(0.10);
        }
    }

    @Test
    void b10470RepacksTheQ4KMatricesOfTheQ4KMFileOnAnAvx2CpuAndNothingOfQ8_0() throws IOException {
        MemoryEstimate q4 = plan(SERVER, "q4_k_m", 512);
        assertThat(q4.hostRepackBytes()).as("every Q4_K matrix but the embedding").isEqualTo(41_140_224L);
        // The log prints two decimals of MiB.
        assertThat(q4.hostRepackBytes() - log("b10470/m134-q4_k_m-ctx512.log").repacked()).isBetween(-6000L, 6000L);
        assertThat(plan(SERVER, "q8_0", 512).hostRepackBytes()).isZero();
        assertThat(plan(IN_PROCESS, "q4_k_m", 512).hostRepackBytes()).as("b4916 repacks only Q4_0").isZero();
        assertThat(q4.describe()).contains("repacked weights 39.2 MiB");
        assertThat(q4.hostBytes()).as("the repacked copy is RAM too")
                .isEqualTo(q4.hostWeightBytes() + q4.hostRepackBytes() + q4.hostKvBytes() + q4.hostComputeBytes()
                        + q4.outputBufferBytes() + q4.overheadBytes());
    }

    @Test
    void aServerWithEmbeddingsReservesEveryTokensLogitsAsB10470Did() throws IOException {
        for (int context : new int[] {512, 2048}) {
            MemoryEstimate e = plan(EMBEDDING_SERVER, "q4_k_m", context);
            EngineLog log = log("b10470/m134-q4_k_m-ctx" + context + "-embeddings.log");
            List<Buffer> buffers = buffers(e, log, true);
            String table = table("b10470 q4_k_m context " + context + " --embeddings:", buffers);
            LOG.info("{}", table);
            for (Buffer b : buffers) {
                assertThat(Math.abs(b.error())).as("%s%n%s", b.name(), table).isLessThanOrEqualTo(0.10);
            }
            assertThat(log.compute() / MIB).as("the issue's 65.5 MiB").isEqualTo(65.5);
        }
    }

    @Test
    void withoutFlashAttentionTheScoresDominateAsB10470Reported() throws IOException {
        MemoryModel m = model("q4_k_m");
        LoadSettings off = LoadSettings.builder(2048).engineBuild(LlamaCppBuild.B10470).flashAttention(false)
                .cpuFeatures(FitPlanner.cpuFeatures(PlannerFixtures.xeon2Cores())).build();
        long reported = log("b10470/m134-q4_k_m-ctx2048-noflash.log").compute();
        assertThat((double) m.computeReserveBytes(off) / reported).isBetween(0.9, 1.1);
        assertThat(m.computeReserveBytes(off)).as("12 heads x 2048 cells x 512 tokens x 4 bytes dominate")
                .isGreaterThan(12L * 2048 * 512 * 4);
    }

    @Test
    void theEngineBuildIsAParameterOfThePlan() {
        FitPlan server = FitPlanner.plan(PlannerFixtures.xeon2Cores(), FitRequest.builder(model("q4_k_m"))
                .targetContext(512).engine(SERVER).calibrations(SpeedCalibrations.none()).build());
        FitPlan older = FitPlanner.plan(PlannerFixtures.xeon2Cores(), FitRequest.builder(model("q4_k_m"))
                .targetContext(512).engine(SERVER.withBuild(LlamaCppBuild.of(5000)))
                .calibrations(SpeedCalibrations.none()).build());
        assertThat(server.engine().build()).isEqualTo(LlamaCppBuild.B10470);
        assertThat(server.memory().settings().engineBuild()).isEqualTo(LlamaCppBuild.B10470);
        assertThat(server.flashAttention()).as("b10470's auto turns it on for the CPU").isTrue();
        assertThat(older.flashAttention()).isFalse();
        assertThat(older.memory().hostRepackBytes()).isZero();
        assertThat(older.memory().hostComputeReserveBytes()).as("an older build reserves every token's logits")
                .isGreaterThan(60L << 20);
        assertThat(server.explanation()).contains("b10470").contains("Q4_K_M");
    }

    @Test
    void theLogReaderNeedsTheBufferLines() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EngineLog.parse("srv  llama_server: model loaded\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-lv 4");
    }
}
