package io.github.localllm.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class QuantizationPreferenceTest {
    private static final List<String> NAMES = Arrays.asList("F16", "q8_0", "Q4_K_L", "Q2_K", "Q4_K_M", "Q5_K_M",
            null, "Q3_K_M", "Q4_0");

    @Test
    void balancedTriesQ4KMThenSmallerThenLargerAndUnknownNamesLast() {
        assertThat(QuantizationPreference.BALANCED.order(NAMES, Function.identity()))
                .containsExactly("Q4_K_M", "Q4_0", "Q3_K_M", "Q2_K", "Q5_K_M", "q8_0", "F16", "Q4_K_L", null);
    }

    @Test
    void highestQualityTriesTheLargestFirstAndUnknownNamesLast() {
        assertThat(QuantizationPreference.HIGHEST_QUALITY.order(NAMES, Function.identity()))
                .containsExactly("F16", "q8_0", "Q5_K_M", "Q4_K_M", "Q4_0", "Q3_K_M", "Q2_K", "Q4_K_L", null);
    }

    @Test
    void withoutAQ4KMTheNextSmallerComesBeforeAnythingLarger() {
        assertThat(QuantizationPreference.BALANCED.order(List.of("Q8_0", "Q6_K", "Q3_K_S"), Function.identity()))
                .containsExactly("Q3_K_S", "Q6_K", "Q8_0");
    }
}
