package io.github.localllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SamplingParametersTest {

    static Stream<Arguments> outOfRange() {
        return Stream.of(
                Arguments.of("temperature", (UnaryOperator<SamplingParameters.Builder>) b -> b.temperature(-0.1)),
                Arguments.of("temperature", (UnaryOperator<SamplingParameters.Builder>) b -> b.temperature(2.01)),
                Arguments.of("temperature", (UnaryOperator<SamplingParameters.Builder>) b -> b.temperature(Double.NaN)),
                Arguments.of("topP", (UnaryOperator<SamplingParameters.Builder>) b -> b.topP(1.5)),
                Arguments.of("minP", (UnaryOperator<SamplingParameters.Builder>) b -> b.minP(-0.5)),
                Arguments.of("repeatPenalty", (UnaryOperator<SamplingParameters.Builder>) b -> b.repeatPenalty(-1.0)),
                Arguments.of("frequencyPenalty", (UnaryOperator<SamplingParameters.Builder>) b -> b.frequencyPenalty(2.5)),
                Arguments.of("presencePenalty", (UnaryOperator<SamplingParameters.Builder>) b -> b.presencePenalty(-3.0)),
                Arguments.of("topK", (UnaryOperator<SamplingParameters.Builder>) b -> b.topK(-1)),
                Arguments.of("repeatLastN", (UnaryOperator<SamplingParameters.Builder>) b -> b.repeatLastN(-2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outOfRange")
    void outOfRangeValueNamesTheParameter(String name, UnaryOperator<SamplingParameters.Builder> set) {
        assertThatThrownBy(() -> set.apply(SamplingParameters.builder()).build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith(name + " must be");
    }

    @Test
    void boundariesAreAccepted() {
        assertThatCode(() -> SamplingParameters.builder().temperature(0.0).topP(1.0).minP(0.0)
                .frequencyPenalty(-2.0).presencePenalty(2.0).topK(0).repeatLastN(-1).repeatPenalty(1.0).build())
                .doesNotThrowAnyException();
        assertThat(SamplingParameters.builder().temperature(2.0).build().temperature()).isEqualTo(2.0);
    }

    @Test
    void defaultsLeaveEverythingToTheEngine() {
        SamplingParameters d = SamplingParameters.defaults();
        assertThat(d).isEqualTo(new SamplingParameters(null, null, null, null, null, null, null, null, null));
    }

    @Test
    void greedyIsTemperatureZero() {
        assertThat(SamplingParameters.greedy().temperature()).isZero();
    }

    @Test
    void toBuilderCopiesEveryField() {
        SamplingParameters p = new SamplingParameters(0.7, 40, 0.9, 0.05, 1.1, 64, 0.1, 0.2, 7L);
        assertThat(p.toBuilder().build()).isEqualTo(p);
    }
}
