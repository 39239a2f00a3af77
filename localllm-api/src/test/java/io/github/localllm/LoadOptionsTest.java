package io.github.localllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoadOptionsTest {

    @ParameterizedTest
    @ValueSource(ints = {0, -1, -4096})
    void nonPositiveSizesAreRejected(int bad) {
        assertThatThrownBy(() -> LoadOptions.builder().contextSize(bad).build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("contextSize must be positive, was " + bad)
                .hasMessageContaining("leave it unset");
        assertThatThrownBy(() -> LoadOptions.builder().threads(bad).build())
                .hasMessageContaining("threads must be positive");
        assertThatThrownBy(() -> LoadOptions.builder().batchSize(bad).build())
                .hasMessageContaining("batchSize must be positive");
        assertThatThrownBy(() -> LoadOptions.builder().parallel(bad).build())
                .hasMessageContaining("parallel must be positive");
    }

    @Test
    void gpuLayersAllowsMinusOneAndZero() {
        assertThat(LoadOptions.builder().gpuLayers(-1).build().gpuLayers()).isEqualTo(-1);
        assertThat(LoadOptions.builder().gpuLayers(0).build().gpuLayers()).isZero();
        assertThatThrownBy(() -> LoadOptions.builder().gpuLayers(-2).build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("gpuLayers must be -1 (all), 0 (CPU only)");
    }

    @Test
    void defaultsAreAllUnset() {
        assertThat(LoadOptions.defaults())
                .isEqualTo(new LoadOptions(null, null, null, null, null, null, null, null));
    }

    @Test
    void toBuilderCopiesEveryField() {
        LoadOptions o = new LoadOptions(4096, 8, 512, -1, 2, true, false, "q8_0");
        assertThat(o.toBuilder().build()).isEqualTo(o);
    }
}
