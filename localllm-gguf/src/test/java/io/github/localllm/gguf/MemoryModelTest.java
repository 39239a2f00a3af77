package io.github.localllm.gguf;

import io.github.localllm.KvCacheType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.localllm.InvalidModelFileException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory model against llama.cpp b4916's own numbers: the "KV self size" and "CPU compute buffer
 * size" it logged when loading the synthetic models of the accuracy test (native log on, ubatch 512).
 */
class MemoryModelTest {
    private static final double MIB = 1048576.0;

    private static MemoryModel model(ModelHeaders.Shape shape) {
        return MemoryModel.of(ModelHeaders.of(shape));
    }

    private static LoadSettings ctx(int context) {
        return LoadSettings.builder(context).build();
    }

    @Test
    void kvCacheMatchesWhatLlamaCppLogged() {
        assertThat(model(ModelHeaders.Shape.synthetic25m()).kvCacheBytes(ctx(512)) / MIB).isEqualTo(4.5);
        assertThat(model(ModelHeaders.Shape.synthetic25m()).kvCacheBytes(ctx(2048)) / MIB).isEqualTo(18.0);
        // Grouped-query: 5 of 10 heads keep K/V, so 640/2 wide.
        assertThat(model(ModelHeaders.Shape.synthetic100m()).kvCacheBytes(ctx(512)) / MIB).isEqualTo(8.125);
        assertThat(model(ModelHeaders.Shape.synthetic300m()).kvCacheBytes(ctx(2048)) / MIB).isEqualTo(60.0);
    }

    @Test
    void computeReserveMatchesWhatLlamaCppLogged() {
        // b4916 logged 19.26, 44.51, 66.01, 66.51, 68.51 and 94.01 MiB for these six loads.
        assertThat(model(ModelHeaders.Shape.synthetic25m()).computeReserveBytes(ctx(512)) / MIB).isCloseTo(19.26, within(0.1));
        assertThat(model(ModelHeaders.Shape.synthetic25m()).computeReserveBytes(ctx(2048)) / MIB).isCloseTo(44.51, within(0.1));
        assertThat(model(ModelHeaders.Shape.synthetic100m()).computeReserveBytes(ctx(512)) / MIB).isCloseTo(66.01, within(0.1));
        // The mask is dead when the logits are allocated; its 4 MiB hole holds the last two activations.
        assertThat(model(ModelHeaders.Shape.synthetic100m()).computeReserveBytes(ctx(2048)) / MIB).isCloseTo(66.51, within(0.1));
        assertThat(model(ModelHeaders.Shape.synthetic300m()).computeReserveBytes(ctx(512)) / MIB).isCloseTo(68.51, within(0.1));
        assertThat(model(ModelHeaders.Shape.synthetic300m()).computeReserveBytes(ctx(2048)) / MIB).isCloseTo(94.01, within(0.1));
    }

    @Test
    void cacheTypesUseGgmlBlockSizes() {
        MemoryModel m = model(ModelHeaders.Shape.synthetic25m());
        long f16 = m.kvCacheBytes(LoadSettings.builder(4096).build());
        assertThat(m.kvCacheBytes(LoadSettings.builder(4096).cacheType(KvCacheType.Q8_0).build()))
                .isEqualTo(f16 / 2 / 32 * 34);
        assertThat(m.kvCacheBytes(LoadSettings.builder(4096).cacheType(KvCacheType.Q4_0).build()))
                .isEqualTo(f16 / 2 / 32 * 18);
        assertThat(KvCacheType.Q8_0.bytes(33)).as("a partial block is allocated whole").isEqualTo(68);
    }

    @Test
    void cacheGrowsWithParallelSequencesAndIsPaddedTo32Or256() {
        MemoryModel m = model(ModelHeaders.Shape.synthetic25m());
        long perCell = m.kvCacheBytes(ctx(512)) / 512;
        assertThat(m.kvCacheBytes(LoadSettings.builder(512).parallel(4).build())).isEqualTo(perCell * 2048);
        assertThat(m.kvCacheBytes(ctx(500))).isEqualTo(perCell * 512);
        assertThat(m.kvCacheBytes(LoadSettings.builder(300).flashAttention(true).build())).isEqualTo(perCell * 512);
        assertThat(m.kvCacheBytes(ctx(513))).isEqualTo(perCell * 544);
    }

    @Test
    void flashAttentionDropsTheScoresFromTheComputeBuffer() {
        MemoryModel m = model(ModelHeaders.Shape.synthetic300m());
        LoadSettings plain = ctx(8192);
        LoadSettings flash = plain.toBuilder().flashAttention(true).build();
        assertThat(m.computeReserveBytes(plain) - m.computeReserveBytes(flash))
                .as("20 heads × 8192 cells × 512 tokens × 4 bytes").isGreaterThanOrEqualTo(20L * 8192 * 512 * 4 - (80L << 20));
    }

    @Test
    void offloadTakesTheLastLayersThenTheOutput() {
        MemoryModel m = model(ModelHeaders.Shape.synthetic100m());
        int n = m.blockCount();
        MemoryEstimate cpu = m.estimate(ctx(2048));
        assertThat(cpu.deviceBytes()).isZero();
        assertThat(cpu.hostWeightBytes()).isEqualTo(m.totalWeightBytes());

        MemoryEstimate two = m.estimate(LoadSettings.builder(2048).gpuLayers(2).build());
        assertThat(two.deviceWeightBytes()).isEqualTo(m.layerWeightBytes(n - 1) + m.layerWeightBytes(n - 2));
        assertThat(two.deviceKvBytes()).isEqualTo(m.layerKvBytes(n - 1, ctx(2048)) * 2);
        assertThat(two.outputOffloaded()).isFalse();

        MemoryEstimate all = m.estimate(LoadSettings.builder(2048).gpuLayers(n).build());
        assertThat(all.outputOffloaded()).isFalse();
        assertThat(all.hostWeightBytes()).isEqualTo(m.tokenEmbeddingBytes() + m.outputLayerBytes());

        MemoryEstimate full = m.estimate(LoadSettings.builder(2048).gpuLayers(n + 1).build());
        assertThat(full.outputOffloaded()).isTrue();
        assertThat(full.hostWeightBytes()).as("the embedding lookup stays on the CPU").isEqualTo(m.tokenEmbeddingBytes());
        assertThat(full.hostKvBytes()).isZero();
        assertThat(full.deviceComputeBytes()).isEqualTo(m.computeReserveBytes(ctx(2048)));
        assertThat(full.totalBytes()).isEqualTo(full.hostBytes() + full.deviceBytes());
    }

    @Test
    void tiedOutputIsTheEmbeddingOnTheCpuAndACopyOnTheGpu() {
        ModelHeaders.Shape s = ModelHeaders.Shape.synthetic100m();
        MemoryModel tied = MemoryModel.of(ModelHeaders.of(new ModelHeaders.Shape(s.arch(), s.embd(), s.layers(),
                s.heads(), s.kvHeads(), s.ff(), s.vocab(), s.context(), s.type(), true, null)));
        assertThat(tied.outputLayerBytes()).isGreaterThan(tied.tokenEmbeddingBytes());
        MemoryEstimate cpu = tied.estimate(ctx(512));
        assertThat(cpu.hostWeightBytes()).isEqualTo(tied.totalWeightBytes());
        MemoryEstimate full = tied.estimate(LoadSettings.builder(512).gpuLayers(s.layers() + 1).build());
        assertThat(full.deviceWeightBytes() + full.hostWeightBytes())
                .isEqualTo(tied.totalWeightBytes() + tied.tokenEmbeddingBytes());
    }

    @Test
    void slidingWindowLayersAreCappedOnlyWhereTheEngineDoesIt() {
        // gemma3: five of every six layers attend to a 1024-token window.
        MemoryModel m = MemoryModel.of(ModelHeaders.of(new ModelHeaders.Shape("gemma3", 640, 12, 4, 1, 2048, 4096,
                32768, GgmlType.Q8_0, true, 1024)));
        assertThat(m.hasSlidingWindowLayers()).isTrue();
        LoadSettings full = LoadSettings.builder(32768).build();
        LoadSettings capped = full.toBuilder().slidingWindowCache(true).build();
        assertThat(m.layerKvBytes(0, capped)).isEqualTo(m.layerKvBytes(0, full) * (1024 + 512) / 32768);
        assertThat(m.layerKvBytes(5, capped)).as("every sixth layer is global").isEqualTo(m.layerKvBytes(5, full));
        assertThat(m.kvCacheBytes(capped)).isLessThan(m.kvCacheBytes(full) / 4);
    }

    @Test
    void bytesReadPerTokenSkipTheEmbeddingMatrix() {
        MemoryModel m = model(ModelHeaders.Shape.synthetic100m());
        long expected = m.totalWeightBytes() - m.tokenEmbeddingBytes() + m.tokenEmbeddingBytes() / m.vocabularySize();
        assertThat(m.weightBytesReadPerToken()).isCloseTo(expected, within(2L));
    }

    @Test
    void missingKeysAreAnInvalidFileNotAGuess(@TempDir Path dir) {
        GgufFile noBlocks = new GgufFile(3, 32, 64, 64, GgufMetadata.of(Map.of("general.architecture",
                GgufValue.string("llama"))), java.util.List.of());
        assertThatThrownBy(() -> MemoryModel.of(noBlocks)).isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining("llama.block_count").hasMessageContaining("re-convert");
        GgufFile noArch = new GgufFile(3, 32, 64, 64, GgufMetadata.of(Map.of()), java.util.List.of());
        assertThatThrownBy(() -> MemoryModel.of(noArch)).isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining("general.architecture");
    }

    @Test
    void aWrittenSyntheticModelReadsLikeTheInMemoryHeader(@TempDir Path dir) {
        Path file = dir.resolve("tiny.gguf");
        SyntheticModel.tiny().write(file);
        MemoryModel m = MemoryModel.of(GgufFile.read(file));
        assertThat(m.architecture()).isEqualTo("llama");
        assertThat(m.totalWeightBytes()).isCloseTo(GgufFile.read(file).tensorDataSize(), within(4096L));
        assertThat(m.estimate(ctx(512)).describe()).contains("weights").contains("KV cache").contains("MiB");
    }
}
