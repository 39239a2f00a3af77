package io.github.localllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StructuredOutputExceptionTest {

    @Test
    void aMismatchNamesTheFirstThreeViolationsAndTheWayOut() {
        List<String> violations = List.of("$.a: one", "$.b: two", "$.c: three", "$.d: four");
        StructuredOutputException e = new StructuredOutputException("{\"a\":1}", violations, FinishReason.STOP,
                7, 1, new Usage(10, 7));

        assertThat(e.getMessage()).isEqualTo("the answer does not match the JSON schema: $.a: one; $.b: two;"
                + " $.c: three; ...; retry with GenerationRequest.builder().outputRetries(n) or loosen the schema");
        assertThat(e.text()).isEqualTo("{\"a\":1}");
        assertThat(e.violations()).containsExactlyElementsOf(violations);
        assertThat(e.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.usage()).isEqualTo(new Usage(10, 7));
        assertThat(e).isInstanceOf(GenerationException.class);
    }

    @Test
    void aCutOffAnswerSaysToRaiseTheTokenLimit() {
        StructuredOutputException e = new StructuredOutputException("{\"a\":[1,2", List.of("the answer is not"
                + " valid JSON: unexpected end-of-input at line 1, column 10"), FinishReason.LENGTH, 64, 3,
                new Usage(90, 192));

        assertThat(e.getMessage()).startsWith("the answer was cut off by the token limit after 64 tokens, before its"
                + " JSON was complete (after 3 attempts); raise maxTokens (GenerationRequest.builder().maxTokens(n))");
        assertThat(e.attempts()).isEqualTo(3);
        assertThat(e.usage().totalTokens()).isEqualTo(282);
    }

    @Test
    void aCutOffAnswerThatHappensToParseIsStillReported() {
        StructuredOutputException e = new StructuredOutputException("[]", List.of(), FinishReason.LENGTH, 2, 1,
                new Usage(1, 2));

        assertThat(e.getMessage()).contains("cut off by the token limit after 2 tokens; its JSON parses")
                .contains("raise maxTokens");
        assertThat(e.violations()).isEmpty();
    }

    @Test
    void violationsAreACopyThatCannotChange() {
        List<String> violations = new ArrayList<>(List.of("$: wrong"));
        StructuredOutputException e = new StructuredOutputException("1", violations, FinishReason.STOP, 1, 1,
                new Usage(1, 1));
        violations.add("$: later");

        assertThat(e.violations()).containsExactly("$: wrong");
        assertThatThrownBy(() -> e.violations().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aMismatchWithoutViolationsIsAProgrammingError() {
        assertThatThrownBy(() -> new StructuredOutputException("1", List.of(), FinishReason.STOP, 1, 1,
                new Usage(1, 1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("violation");
        assertThatThrownBy(() -> new StructuredOutputException("1", List.of("$: x"), FinishReason.STOP, 1, 0,
                new Usage(1, 1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attempts");
    }
}
