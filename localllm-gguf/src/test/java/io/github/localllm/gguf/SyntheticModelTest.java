package io.github.localllm.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The synthetic llama model reads back with the promised shape and is byte-for-byte deterministic. */
class SyntheticModelTest {
    @TempDir
    Path dir;

    @Test
    void tinyReadsBackAsALlamaModel() {
        SyntheticModel m = SyntheticModel.tiny();
        Path file = dir.resolve("tiny.gguf");
        long size = m.write(file);
        assertThat(size).isLessThan(1_000_000);

        GgufFile f = GgufFile.read(file);
        ModelMetadata model = f.model();
        assertThat(model.architecture()).contains("llama");
        assertThat(model.name()).contains("synthetic-tiny");
        assertThat(model.fileType()).contains(FileType.ALL_F32);
        assertThat(model.embeddingLength()).hasValue(m.embeddingLength());
        assertThat(model.blockCount()).hasValue(m.blockCount());
        assertThat(model.headCount()).hasValue(m.headCount());
        assertThat(model.headCountKv()).hasValue(m.headCountKv());
        assertThat(model.feedForwardLength()).hasValue(m.feedForwardLength());
        assertThat(model.contextLength()).hasValue(m.contextLength());
        assertThat(model.ropeDimensionCount()).hasValue(m.headDimension());
        assertThat(model.vocabularySize()).hasValue(m.vocabularySize());
        assertThat(model.tokenizerModel()).contains("gpt2");
        assertThat(model.tokenizerPre()).contains("default");
        assertThat(model.chatTemplate()).contains(SyntheticModel.CHATML_TEMPLATE);
        assertThat(model.eosTokenId()).hasValue(m.vocabularySize() - 1);
        assertThat(model.tokens().orElseThrow().get(m.vocabularySize() - 1)).isEqualTo("<|im_end|>");
        assertThat(model.tokens().orElseThrow().get(' ')).isEqualTo("Ġ");
        assertThat(model.addBosToken()).contains(false);
        assertThat(model.parameterCount()).isEqualTo(m.parameterCount());
        assertThat(f.tensors().stream().mapToLong(GgufTensorInfo::elementCount).sum()).isEqualTo(m.parameterCount());
        assertThat(f.tensors()).hasSize(3 + 9 * m.blockCount());
        assertThat(f.tensor("token_embd.weight").orElseThrow().dimensions())
                .containsExactly((long) m.embeddingLength(), (long) m.vocabularySize());
        assertThat(f.tensor("blk.1.attn_k.weight").orElseThrow().dimensions())
                .containsExactly((long) m.embeddingLength(), (long) m.headDimension() * m.headCountKv());
        assertThat(f.metadata().getArray("tokenizer.ggml.merges").orElseThrow().size())
                .isEqualTo(m.vocabularySize() - 259);
        assertThat(f.tensorDataOffset() + f.tensorDataSize()).isEqualTo(size);
    }

    @Test
    void q8_0KeepsNormsF32AndFallsBackToF16ForOddRows() {
        SyntheticModel m = SyntheticModel.builder().embeddingLength(48).headCount(4).headCountKv(2)
                .feedForwardLength(64).tensorType(GgmlType.Q8_0).build();
        GgufFile f = GgufFile.read(write(m, "q8.gguf"));
        assertThat(f.model().fileType()).contains(FileType.MOSTLY_Q8_0);
        assertThat(f.model().quantizationVersion()).hasValue(2);
        assertThat(f.tensor("output_norm.weight").orElseThrow().type()).isEqualTo(GgmlType.F32);
        assertThat(f.tensor("blk.0.attn_norm.weight").orElseThrow().type()).isEqualTo(GgmlType.F32);
        assertThat(f.tensor("blk.0.attn_q.weight").orElseThrow().type()).isEqualTo(GgmlType.F16); // 48 % 32 != 0
        assertThat(f.tensor("blk.0.ffn_down.weight").orElseThrow().type()).isEqualTo(GgmlType.Q8_0); // 64 % 32 == 0
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherWeights() throws IOException {
        SyntheticModel a = SyntheticModel.tiny().toBuilder().tensorType(GgmlType.Q8_0).seed(1).build();
        byte[] first = Files.readAllBytes(write(a, "a1.gguf"));
        byte[] second = Files.readAllBytes(write(a.toBuilder().build(), "a2.gguf"));
        byte[] other = Files.readAllBytes(write(a.toBuilder().seed(2).build(), "b.gguf"));
        assertThat(second).isEqualTo(first);
        assertThat(other).hasSameSizeAs(first).isNotEqualTo(first);
    }

    @Test
    void parameterCountPresets() {
        for (long target : new long[] {25_000_000L, 100_000_000L, 300_000_000L}) {
            SyntheticModel m = SyntheticModel.withParameterCount(target).tensorType(GgmlType.Q8_0).build();
            assertThat((double) m.parameterCount()).as(m.toString()).isCloseTo(target, within(target * 0.05));
            assertThat(m.embeddingLength() % 64).isZero();
            assertThat(m.headCount() % m.headCountKv()).isZero();
        }
    }

    @Test
    void inconsistentDimensionsAreRejected() {
        assertThatThrownBy(() -> SyntheticModel.builder().embeddingLength(60).headCount(8).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of the head count");
        assertThatThrownBy(() -> SyntheticModel.builder().headCount(4).headCountKv(3).build())
                .hasMessageContaining("head count kv");
        assertThatThrownBy(() -> SyntheticModel.builder().vocabularySize(100).build())
                .hasMessageContaining("at least 259");
        assertThatThrownBy(() -> SyntheticModel.builder().tensorType(GgmlType.Q4_K).build())
                .hasMessageContaining("F32, F16 or Q8_0");
    }

    private Path write(SyntheticModel m, String name) {
        Path p = dir.resolve(name);
        m.write(p);
        return p;
    }
}
