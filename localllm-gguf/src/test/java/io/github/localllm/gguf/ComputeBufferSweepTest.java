package io.github.localllm.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.KvCacheType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The memory model against 110 loads of both measured builds (test resource {@code memory/compute-buffers.csv},
 * made as its README says): 8 shapes, contexts 300 to 4096, flash attention on and off, with and without
 * embeddings, f16 and q8_0 caches, one and two sequences.
 */
class ComputeBufferSweepTest {
    private static final double MIB = 1048576.0;

    record Row(LlamaCppBuild build, String model, ModelHeaders.Shape shape, int context, int parallel, boolean flash,
               boolean embeddings, KvCacheType kvType, double computeMib, double kvMib) {
        LoadSettings settings() {
            return LoadSettings.builder(context).parallel(parallel).flashAttention(flash).embeddings(embeddings)
                    .cacheType(kvType).engineBuild(build).build();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s %s context %d x%d flash=%s embeddings=%s %s", build, model, context,
                    parallel, flash, embeddings, kvType.wireName());
        }
    }

    static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = ComputeBufferSweepTest.class.getResourceAsStream("/memory/compute-buffers.csv")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].strip().split(",");
                ModelHeaders.Shape shape = ModelHeaders.Shape.llama(Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                        Integer.parseInt(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[6]), Integer.parseInt(f[7]),
                        8192, GgmlType.F16);
                rows.add(new Row(LlamaCppBuild.of(Integer.parseInt(f[0].substring(1))), f[1], shape,
                        Integer.parseInt(f[8]), Integer.parseInt(f[9]), Boolean.parseBoolean(f[10]),
                        Boolean.parseBoolean(f[11]), KvCacheType.valueOf(f[12].toUpperCase(Locale.ROOT)),
                        Double.parseDouble(f[13]), Double.parseDouble(f[14])));
            }
        }
        return rows;
    }

    @Test
    void theKvCacheIsWhatEachBuildAllocated() throws IOException {
        for (Row r : rows()) {
            MemoryModel m = MemoryModel.of(ModelHeaders.of(r.shape()));
            // The log prints two decimals.
            assertThat(m.kvCacheBytes(r.settings()) / MIB).as(r.toString()).isCloseTo(r.kvMib(),
                    org.assertj.core.api.Assertions.within(0.006));
        }
    }

    @Test
    void theComputeBufferIsWithinTenPercentOfWhatEachBuildReserved() throws IOException {
        List<Row> rows = rows();
        assertThat(rows).hasSize(110);
        int exact = 0;
        for (Row r : rows) {
            MemoryModel m = MemoryModel.of(ModelHeaders.of(r.shape()));
            double estimate = m.computeReserveBytes(r.settings()) / MIB;
            double error = (estimate - r.computeMib()) / r.computeMib();
            if (r.shape().ff() >= 2 * r.shape().embd()) {
                assertThat(Math.abs(error)).as("%s: estimate %.2f MiB, reported %.2f", r, estimate, r.computeMib())
                        .isLessThanOrEqualTo(0.10);
            } else {
                // A feed-forward as narrow as the residual fits into the holes attention leaves; the
                // estimate then errs high, never low.
                assertThat(error).as("%s: estimate %.2f MiB, reported %.2f", r, estimate, r.computeMib())
                        .isBetween(-0.10, 0.40);
            }
            exact += Math.abs(estimate - r.computeMib()) < 0.15 ? 1 : 0;
        }
        assertThat(exact).as("loads whose estimate is within 0.15 MiB").isGreaterThanOrEqualTo(95);
    }

    @Test
    void whatDominatesIsNamedByTheBuild() throws IOException {
        ModelHeaders.Shape s = ModelHeaders.Shape.llama(768, 13, 12, 6, 2048, 32000, 2048, GgmlType.Q4_K);
        MemoryModel m = MemoryModel.of(ModelHeaders.of(s));
        LoadSettings server = LoadSettings.builder(512).engineBuild(LlamaCppBuild.B10470).flashAttention(true).build();
        // b10470 without embeddings: the feed-forward, 3 × 2048 × 512 × 4 + 4 × 768 × 512 × 4 + the f16 mask.
        assertThat(m.computeReserveBytes(server)).isEqualTo(3L * 2048 * 512 * 4 + 4L * 768 * 512 * 4 + 512L * 512 * 2);
        // With embeddings every token's logits: 32000 × 512 × 4 + two activations.
        assertThat(m.computeReserveBytes(server.toBuilder().embeddings(true).build()))
                .isEqualTo(32000L * 512 * 4 + 2L * 768 * 512 * 4);
        // b4916 always reserves every token's logits, on top of its f32 mask and the activations that do not fit the mask's hole.
        assertThat(m.computeReserveBytes(LoadSettings.builder(512).build()))
                .isEqualTo(32000L * 512 * 4 + 512L * 512 * 4 + 2L * 768 * 512 * 4);
        // What generation touches on the CPU: one output row, so the logits term all but vanishes.
        assertThat(m.hostComputeBytes(LoadSettings.builder(512).build())).isLessThan(20L << 20);
    }
}
