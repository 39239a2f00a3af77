package io.github.localllm.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class LlamaCppBuildTest {
    private static final Set<String> AVX2 = Set.of("avx", "avx2", "fma", "f16c");
    private static final Set<String> AVX512 = Set.of("avx", "avx2", "avx512f");
    private static final Set<String> APPLE = Set.of("neon", "dotprod", "i8mm");

    @Test
    void onAnAvx2CpuB10470RepacksTheFourBitTypesAndB4916OnlyQ4_0() {
        // Measured: the CPU_REPACK buffer of Q4_0, Q4_K_S/M, IQ4_NL files held exactly these matrices.
        for (GgmlType t : new GgmlType[] {GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.IQ4_NL, GgmlType.MXFP4}) {
            assertThat(LlamaCppBuild.B10470.repacks(t, 768, AVX2)).as(t.name()).isTrue();
        }
        for (GgmlType t : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q6_K, GgmlType.Q5_K, GgmlType.Q5_0, GgmlType.Q2_K,
            GgmlType.Q3_K, GgmlType.IQ4_XS, GgmlType.F16}) {
            assertThat(LlamaCppBuild.B10470.repacks(t, 768, AVX2)).as(t.name()).isFalse();
        }
        assertThat(LlamaCppBuild.B4916.repacks(GgmlType.Q4_0, 768, AVX2)).isTrue();
        assertThat(LlamaCppBuild.B4916.repacks(GgmlType.Q4_K, 768, AVX2)).isFalse();
        assertThat(LlamaCppBuild.B4916.repacks(GgmlType.IQ4_NL, 768, AVX2)).isFalse();
    }

    @Test
    void rowsMustInterleaveAndTheCpuMustHaveTheKernels() {
        assertThat(LlamaCppBuild.B10470.repacks(GgmlType.Q4_K, 772, AVX2)).as("772 rows are not a multiple of 8")
                .isFalse();
        assertThat(LlamaCppBuild.B10470.repacks(GgmlType.Q4_K, 768, Set.of("avx"))).isFalse();
        assertThat(LlamaCppBuild.B10470.repacks(GgmlType.Q2_K, 768, AVX512)).isTrue();
        assertThat(LlamaCppBuild.B10470.repacks(GgmlType.Q8_0, 768, APPLE)).isTrue();
        assertThat(LlamaCppBuild.B10470.repacks(GgmlType.Q6_K, 768, APPLE)).isTrue();
        assertThat(LlamaCppBuild.B10470.repacks(GgmlType.Q8_0, 768, Set.of("neon"))).isFalse();
        assertThat(LlamaCppBuild.B4916.repacks(GgmlType.Q4_0, 4, APPLE)).isTrue();
        assertThat(LlamaCppBuild.B4916.repacks(GgmlType.Q4_K, 768, APPLE)).isFalse();
    }

    @Test
    void buildsFrom6500ArePlannedAsB10470() {
        assertThat(LlamaCppBuild.of(6500).current()).isTrue();
        assertThat(LlamaCppBuild.of(6499).current()).isFalse();
        assertThat(LlamaCppBuild.B10470.kvCachePadding(false)).isEqualTo(256);
        assertThat(LlamaCppBuild.B4916.kvCachePadding(false)).isEqualTo(32);
        assertThat(LlamaCppBuild.B4916.kvCachePadding(true)).isEqualTo(256);
        assertThat(LlamaCppBuild.B10470.flashAttentionByDefault()).isTrue();
        assertThat(LlamaCppBuild.B4916.flashAttentionByDefault()).isFalse();
        assertThat(LlamaCppBuild.B10470.reservesEveryOutput(false)).isFalse();
        assertThat(LlamaCppBuild.B10470.reservesEveryOutput(true)).isTrue();
        assertThat(LlamaCppBuild.B4916.reservesEveryOutput(false)).isTrue();
        assertThat(LlamaCppBuild.B10470).hasToString("b10470");
        assertThat(LlamaCppBuild.B4916).isLessThan(LlamaCppBuild.B10470);
        assertThatThrownBy(() -> LlamaCppBuild.of(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
