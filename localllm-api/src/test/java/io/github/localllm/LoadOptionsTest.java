package io.github.localllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
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
    }

    @Test
    void gpuLayersAllowsMinusOneAndZero() {
        assertThat(LoadOptions.builder().gpuLayers(-1).build().gpuLayers()).isEqualTo(-1);
        assertThat(LoadOptions.builder().gpuLayers(0).build().gpuLayers()).isZero();
        assertThatThrownBy(() -> LoadOptions.builder().gpuLayers(-2).build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("gpuLayers must be -1 (all), 0 (CPU only)");
    }

    record OneEngine(String value) implements EngineOptions {
        @Override
        public String engine() {
            return "one";
        }
    }

    record OtherEngine(int value) implements EngineOptions {
        @Override
        public String engine() {
            return "other";
        }
    }

    @Test
    void defaultsAreAllUnset() {
        assertThat(LoadOptions.defaults()).isEqualTo(new LoadOptions(null, null, null, null, null));
        assertThat(LoadOptions.defaults().engineOptions()).isEmpty();
    }

    @Test
    void toBuilderCopiesEveryField() {
        LoadOptions o = new LoadOptions(4096, -1, 8, Duration.ofMinutes(5), List.of(new OneEngine("x")));
        assertThat(o.toBuilder().build()).isEqualTo(o);
    }

    @Test
    void eachEngineFindsItsOwnOptionsAndALaterSettingReplacesAnEarlierOne() {
        LoadOptions o = LoadOptions.builder().engineOptions(new OneEngine("first")).engineOptions(new OtherEngine(2))
                .engineOptions(new OneEngine("second")).build();
        assertThat(o.engineOptions(OneEngine.class)).contains(new OneEngine("second"));
        assertThat(o.engineOptions(OtherEngine.class)).contains(new OtherEngine(2));
        assertThat(LoadOptions.defaults().engineOptions(OneEngine.class)).isEmpty();
    }

    @Test
    void twoOptionsOfOneEngineInTheRecordAreRefused() {
        assertThatThrownBy(() -> new LoadOptions(null, null, null, null,
                List.of(new OneEngine("a"), new OneEngine("b"))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("two OneEngine were given");
    }
}
