package io.github.localllm.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The recipe against files {@code llama-quantize} b10470 wrote from the project's synthetic models (F16
 * written by {@link SyntheticModel#withParameterCount}, then {@code llama-quantize <f16> <out> <type>}):
 * the bytes of each type among the layers' matrices and the output matrix, as the files' headers list them.
 */
class QuantRecipeTest {
    private static Map<GgmlType, Long> bytesByType(ModelShape shape, String quantization) {
        Map<GgmlType, Long> sum = new EnumMap<>(GgmlType.class);
        for (WeightMatrix w : QuantRecipe.of(quantization).orElseThrow().matrices(shape)) {
            sum.merge(w.type(), w.bytes(), Long::sum);
        }
        return sum;
    }

    private static ModelShape synthetic(long parameters) {
        SyntheticModel m = SyntheticModel.withParameterCount(parameters).build();
        return ModelShape.of("llama", m.blockCount(), m.embeddingLength(), m.headCount(), m.headCountKv(),
                m.feedForwardLength(), m.vocabularySize(), OptionalLong.of(m.contextLength()), false);
    }

    @Test
    void q4KMGivesSixOfThirteenLayersQ6KForAttnVAndFfnDown() {
        assertThat(bytesByType(synthetic(134_000_000), "Q4_K_M"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(GgmlType.Q4_K, 41_140_224L, GgmlType.Q6_K, 29_352_960L));
    }

    @Test
    void rowsThatBlocksOf256DoNotDivideFallBackAsLlamaQuantizeDoes() {
        // The 1B model's feed-forward is 4800 wide: ffn_down falls back from Q4_K to Q5_0 and from Q6_K to Q8_0.
        assertThat(bytesByType(synthetic(1_000_000_000), "Q4_K_M")).containsExactlyInAnyOrderEntriesOf(Map.of(
                GgmlType.Q4_K, 365_654_016L, GgmlType.Q5_0, 70_963_200L, GgmlType.Q6_K, 64_162_560L,
                GgmlType.Q8_0, 118_809_600L));
        // 20M: 1408 wide.
        assertThat(bytesByType(synthetic(20_000_000), "q4_k_s")).containsExactlyInAnyOrderEntriesOf(Map.of(
                GgmlType.Q4_K, 4_718_592L, GgmlType.Q5_0, 1_982_464L, GgmlType.Q5_K, 360_448L, GgmlType.Q6_K, 3_440_640L));
        assertThat(bytesByType(synthetic(20_000_000), "Q5_K_M")).containsExactlyInAnyOrderEntriesOf(Map.of(
                GgmlType.Q5_1, 1_081_344L, GgmlType.Q5_K, 5_947_392L, GgmlType.Q6_K, 3_655_680L,
                GgmlType.Q8_0, 1_531_904L));
        assertThat(bytesByType(synthetic(20_000_000), "Q3_K_M")).containsExactlyInAnyOrderEntriesOf(Map.of(
                GgmlType.Q3_K, 3_153_920L, GgmlType.Q4_K, 737_280L, GgmlType.Q5_0, 1_982_464L, GgmlType.Q5_K, 180_224L,
                GgmlType.Q6_K, 3_440_640L));
    }

    @Test
    void singleTypeFilesKeepTheOutputAtQ6KExceptQ8_0() {
        assertThat(bytesByType(synthetic(20_000_000), "Q4_0")).containsExactlyInAnyOrderEntriesOf(Map.of(
                GgmlType.Q4_0, 6_635_520L, GgmlType.Q6_K, 3_440_640L));
        assertThat(bytesByType(synthetic(20_000_000), "IQ4_NL")).containsExactlyInAnyOrderEntriesOf(Map.of(
                GgmlType.IQ4_NL, 6_635_520L, GgmlType.Q6_K, 3_440_640L));
        assertThat(bytesByType(synthetic(134_000_000), "Q8_0")).containsExactlyInAnyOrderEntriesOf(Map.of(
                GgmlType.Q8_0, 115_728_384L));
    }

    @Test
    void unknownNamesHaveNoRecipe() {
        assertThat(QuantRecipe.of("Q9_Z")).isEmpty();
        assertThat(QuantRecipe.of(null)).isEmpty();
        assertThat(QuantRecipe.of("GUESSED")).isEmpty();
    }
}
