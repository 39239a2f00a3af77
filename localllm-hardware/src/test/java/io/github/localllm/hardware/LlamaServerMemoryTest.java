package io.github.localllm.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.gguf.GgmlType;
import io.github.localllm.gguf.GgufFile;
import io.github.localllm.gguf.LlamaCppBuild;
import io.github.localllm.gguf.MemoryEstimate;
import io.github.localllm.gguf.SyntheticModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plan against the real {@code llama-server}: a small llama model made now with the project's writer
 * (21M parameters, feed-forward a multiple of 256 so that every layer matrix is a K-quant), quantized by
 * {@code llama-quantize} to Q4_K_M, loaded at two contexts; every buffer the server logs is within 10% of
 * the plan's estimate for this machine and the server's own build.
 */
class LlamaServerMemoryTest {
    private static final Logger LOG = LoggerFactory.getLogger(LlamaServerMemoryTest.class);

    @Test
    void thePlanMatchesTheBuffersTheRealServerReports(@TempDir Path dir) throws Exception {
        Path server = RealLlamaCpp.server();
        Path quantize = RealLlamaCpp.quantize(server);
        InferenceEngine engine = InferenceEngine.currentLlamaCpp().withBuild(LlamaCppBuild.of(RealLlamaCpp.build(server, dir)));

        Path f16 = dir.resolve("plan-f16.gguf");
        SyntheticModel.builder().name("plan-test").embeddingLength(512).blockCount(4).headCount(8).headCountKv(4)
                .feedForwardLength(1536).vocabularySize(8192).contextLength(2048).tensorType(GgmlType.F16).build()
                .write(f16);
        Path q4 = dir.resolve("plan-q4_k_m.gguf");
        RealLlamaCpp.run(List.of(quantize.toString(), f16.toString(), q4.toString(), "Q4_K_M", "2"),
                dir, Duration.ofMinutes(3));
        GgufFile header = GgufFile.read(q4);
        HardwareProfile machine = HardwareDetector.create().detect();

        for (int context : new int[] {512, 2048}) {
            EngineLog log = EngineLog.parse(RealLlamaCpp.loadLog(server, q4, dir, "-c", Integer.toString(context), "-np", "1",
                    "-t", "2"));
            FitPlan plan = FitPlanner.plan(machine, FitRequest.builder(header).targetContext(context).engine(engine)
                    .calibrations(SpeedCalibrations.none()).build());
            assertThat(plan.runnable()).as(plan.explanation()).isTrue();
            assertThat(plan.mode()).isEqualTo(InferenceMode.CPU);
            MemoryEstimate e = plan.memory();
            List<EngineLogMemoryTest.Buffer> buffers = EngineLogMemoryTest.buffers(e, log, true);
            String table = EngineLogMemoryTest.table("llama-server " + engine.build() + ", 21M Q4_K_M, context "
                    + context + ":", buffers);
            LOG.info("{}", table);
            for (EngineLogMemoryTest.Buffer b : buffers) {
                // Repacking depends on the CPU (AVX2 here); where it repacks nothing, nothing is reported either.
                assertThat(Math.abs(b.error())).as("%s%n%s", b.name(), table).isLessThanOrEqualTo(0.10);
            }
            assertThat(log.kvCache()).isGreaterThan(1L << 20);
            assertThat(log.compute()).isGreaterThan(10L << 20);
            if (machine.cpu().features().contains(CpuFeature.AVX2)) {
                assertThat(log.repacked()).as("Q4_K matrices repacked for AVX2").isGreaterThan(4L << 20);
            }
        }
    }
}
