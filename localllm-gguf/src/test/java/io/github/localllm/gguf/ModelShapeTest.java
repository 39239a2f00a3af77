package io.github.localllm.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A memory model from hyperparameters and a file size must agree with the one read from the header. */
class ModelShapeTest {

    private static ModelShape shapeOf(SyntheticModel s) {
        return ModelShape.of("llama", s.blockCount(), s.embeddingLength(), s.headCount(), s.headCountKv(),
                s.feedForwardLength(), s.vocabularySize(), OptionalLong.of(s.contextLength()), false);
    }

    @Test
    void parameterCountMatchesTheSyntheticModel() {
        SyntheticModel s = SyntheticModel.withParameterCount(25_000_000).build();
        assertThat(shapeOf(s).parameterCount()).isEqualTo(s.parameterCount());
    }

    @Test
    void fromShapeEstimatesLikeTheHeader(@TempDir Path dir) throws Exception {
        for (GgmlType type : new GgmlType[] {GgmlType.F32, GgmlType.Q8_0}) {
            SyntheticModel s = SyntheticModel.withParameterCount(25_000_000).tensorType(type).build();
            Path file = dir.resolve("m-" + type + ".gguf");
            s.write(file);
            MemoryModel header = MemoryModel.of(GgufFile.read(file));
            MemoryModel shape = MemoryModel.fromShape(shapeOf(s), Files.size(file));

            assertThat(shape.blockCount()).isEqualTo(header.blockCount());
            assertThat(shape.vocabularySize()).isEqualTo(header.vocabularySize());
            assertThat((double) shape.totalWeightBytes()).isCloseTo(header.totalWeightBytes(),
                    within(header.totalWeightBytes() * 0.02));
            assertThat((double) shape.tokenEmbeddingBytes()).isCloseTo(header.tokenEmbeddingBytes(),
                    within(header.tokenEmbeddingBytes() * 0.03));
            for (int gpuLayers : new int[] {0, s.blockCount() / 2, s.blockCount() + 1}) {
                for (int context : new int[] {512, 2048}) {
                    LoadSettings settings = LoadSettings.builder(context).gpuLayers(gpuLayers).build();
                    MemoryEstimate a = header.estimate(settings);
                    MemoryEstimate b = shape.estimate(settings);
                    String what = type + ", " + gpuLayers + " GPU layers, context " + context;
                    assertThat((double) b.totalBytes()).as(what).isCloseTo(a.totalBytes(), within(a.totalBytes() * 0.03));
                    assertThat((double) b.hostBytes()).as(what).isCloseTo(a.hostBytes(), within(a.totalBytes() * 0.03));
                    // KV cache, compute, output and overhead come from the shape alone: identical.
                    assertThat(b.kvCacheBytes()).as(what).isEqualTo(a.kvCacheBytes());
                    assertThat(b.computeBytes()).as(what).isEqualTo(a.computeBytes());
                    assertThat(b.outputBufferBytes()).isEqualTo(a.outputBufferBytes());
                    assertThat(b.overheadBytes()).isEqualTo(a.overheadBytes());
                }
            }
        }
    }

    @Test
    void slidingWindowAndWideHeadsCarryOver() {
        // gemma3-like: 256-wide heads on a 640-wide stream, five of six layers windowed.
        ModelShape shape = new ModelShape("gemma3", 12, 640, 4, 1, 256, 256, 2048, 4096, OptionalLong.of(32768),
                OptionalLong.of(1024), true);
        MemoryModel m = MemoryModel.fromShape(shape, 50_000_000);
        assertThat(m.hasSlidingWindowLayers()).isTrue();
        LoadSettings full = LoadSettings.builder(32768).build();
        LoadSettings capped = full.toBuilder().slidingWindowCache(true).build();
        assertThat(m.layerKvBytes(0, capped)).isLessThan(m.layerKvBytes(0, full));
        assertThat(m.layerKvBytes(5, capped)).isEqualTo(m.layerKvBytes(5, full));
        assertThat(m.totalWeightBytes()).isCloseTo(50_000_000L, within((long) shape.blockCount()));
    }

    @Test
    void nonPositiveSizesAreRejected() {
        assertThatThrownBy(() -> ModelShape.of("llama", 0, 64, 4, 4, 128, 256, OptionalLong.empty(), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blockCount");
        assertThatThrownBy(() -> new ModelShape("llama", 2, 64, 4, 4, 16, 16, 128, 256, OptionalLong.of(-1),
                OptionalLong.empty(), false)).hasMessageContaining("contextLength");
        ModelShape ok = ModelShape.of("llama", 2, 64, 4, 4, 128, 256, OptionalLong.empty(), false);
        assertThatThrownBy(() -> MemoryModel.fromShape(ok, 0)).hasMessageContaining("file size");
    }

    @Test
    void weightBytesAreTheTensorBytesOfAWrittenFile(@TempDir Path dir) throws Exception {
        for (GgmlType type : new GgmlType[] {GgmlType.F16, GgmlType.Q8_0}) {
            SyntheticModel s = SyntheticModel.withParameterCount(25_000_000).tensorType(type).build();
            Path file = dir.resolve("w-" + type + ".gguf");
            s.write(file);
            long tensors = GgufFile.read(file).tensors().stream().mapToLong(GgufTensorInfo::byteSize).sum();

            assertThat(shapeOf(s).weightBytes(type.name())).hasValue(tensors);
        }
    }

    @Test
    void aTiedEmbeddingSavesOneMatrixAndTakesTheOutputMatrixType() {
        ModelShape untied = ModelShape.of("llama", 16, 2048, 32, 8, 8192, 128256, OptionalLong.empty(), false);
        ModelShape tied = ModelShape.of("llama", 16, 2048, 32, 8, 8192, 128256, OptionalLong.empty(), true);
        long matrix = 2048L * 128256;

        // F16: the output matrix is F16 like everything else, so tying saves exactly one F16 matrix.
        assertThat(untied.weightBytes("F16").getAsLong() - tied.weightBytes("F16").getAsLong()).isEqualTo(matrix * 2);
        // Q4_K_M: untied = Q4_K embedding + Q6_K output; tied = the embedding alone, at Q6_K.
        assertThat(untied.weightBytes("Q4_K_M").getAsLong() - tied.weightBytes("Q4_K_M").getAsLong())
                .isEqualTo(GgmlType.Q4_K.byteSize(matrix));
        assertThat(QuantRecipe.of("Q4_K_M").orElseThrow().tokenEmbeddingType(tied)).isEqualTo(GgmlType.Q6_K);
        assertThat(QuantRecipe.of("Q4_K_M").orElseThrow().tokenEmbeddingType(untied)).isEqualTo(GgmlType.Q4_K);
        // 896 wide (Qwen2.5 0.5B): 256 does not divide the rows, so Q4_K falls back to Q5_0 and Q6_K to Q8_0.
        ModelShape narrow = ModelShape.of("qwen2", 24, 896, 14, 2, 4864, 151936, OptionalLong.empty(), true);
        assertThat(QuantRecipe.of("Q4_K_M").orElseThrow().tokenEmbeddingType(narrow)).isEqualTo(GgmlType.Q8_0);
        assertThat(untied.weightBytes("NOT_A_TYPE")).isEmpty();
    }
}
