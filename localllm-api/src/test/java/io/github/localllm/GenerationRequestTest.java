package io.github.localllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenerationRequestTest {

    @Test
    void builderCarriesEveryField() {
        GenerationRequest request = GenerationRequest.builder()
                .prompt("Why is the sky blue?")
                .raw(true)
                .temperature(0.5)
                .seed(42)
                .stop("\n\n", "END")
                .maxTokens(64)
                .responseFormat(ResponseFormat.json())
                .build();

        assertThat(request.prompt()).isEqualTo("Why is the sky blue?");
        assertThat(request.messages()).isEmpty();
        assertThat(request.raw()).isTrue();
        // temperature() and seed() must compose rather than overwrite each other
        assertThat(request.sampling().temperature()).isEqualTo(0.5);
        assertThat(request.sampling().seed()).isEqualTo(42L);
        assertThat(request.stop()).containsExactly("\n\n", "END");
        assertThat(request.maxTokens()).isEqualTo(64);
        assertThat(request.responseFormat()).isSameAs(ResponseFormat.json());
    }

    @Test
    void defaultsFillMissingParts() {
        GenerationRequest request = GenerationRequest.of("hi");

        assertThat(request.sampling()).isEqualTo(SamplingParameters.defaults());
        assertThat(request.responseFormat()).isSameAs(ResponseFormat.text());
        assertThat(request.stop()).isEmpty();
        assertThat(request.maxTokens()).isNull();
        assertThat(request.raw()).isFalse();
    }

    @Test
    void chatKeepsMessageOrder() {
        GenerationRequest request = GenerationRequest.builder()
                .system("be brief").user("hi").assistant("hello").message(Role.TOOL, "{}").build();

        assertThat(request.prompt()).isNull();
        assertThat(request.messages()).extracting(ChatMessage::role)
                .containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.TOOL);
    }

    @Test
    void toBuilderRoundTrips() {
        GenerationRequest original = GenerationRequest.builder().user("hi").stop("x").maxTokens(3).build();

        assertThat(original.toBuilder().build()).isEqualTo(original);
        assertThat(original.toBuilder().maxTokens(9).build().maxTokens()).isEqualTo(9);
    }

    @Test
    void requestIsImmutable() {
        List<ChatMessage> messages = new ArrayList<>(List.of(ChatMessage.user("a")));
        GenerationRequest request = new GenerationRequest(null, messages, false, null, null, null, null);
        messages.add(ChatMessage.user("b"));

        // a caller's later change to its list must not leak into the request
        assertThat(request.messages()).hasSize(1);
        assertThatThrownBy(() -> request.messages().add(ChatMessage.user("c")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void promptAndMessagesAreExclusive() {
        assertThatThrownBy(() -> GenerationRequest.builder().prompt("p").user("u").build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("either a prompt or chat messages");
    }

    @Test
    void emptyRequestIsRejected() {
        assertThatThrownBy(() -> GenerationRequest.builder().build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("give a prompt or at least one chat message");
    }

    @Test
    void emptyPromptIsRejected() {
        assertThatThrownBy(() -> GenerationRequest.of(""))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("prompt is empty");
    }

    @Test
    void allEmptyMessagesAreRejected() {
        assertThatThrownBy(() -> GenerationRequest.chat(ChatMessage.system(""), ChatMessage.user("")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("every chat message is empty");
    }

    @Test
    void oneNonEmptyMessageIsEnough() {
        // an empty system message next to a real question is a legitimate conversation
        assertThat(GenerationRequest.chat(ChatMessage.system(""), ChatMessage.user("hi")).messages()).hasSize(2);
    }

    @Test
    void rawAppliesToPromptsOnly() {
        assertThatThrownBy(() -> GenerationRequest.builder().user("hi").raw(true).build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("raw applies to prompts only");
    }

    @Test
    void emptyStopSequenceIsRejected() {
        assertThatThrownBy(() -> GenerationRequest.builder().prompt("p").stop("ok", "").build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("stop sequences must not be empty");
    }

    @Test
    void nullStopSequenceIsAnInvalidRequestNotANullPointer() {
        // a null in a caller's list is a request mistake and deserves the helpful message
        assertThatThrownBy(() -> GenerationRequest.builder().prompt("p").stop((String) null).build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("stop sequences");
        assertThatThrownBy(() -> new GenerationRequest("p", null, false, null, Arrays.asList("a", null), null, null))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("stop sequences");
    }

    @Test
    void nonPositiveMaxTokensIsRejectedWithAHint() {
        for (int bad : new int[] {0, -1}) {
            assertThatThrownBy(() -> GenerationRequest.builder().prompt("p").maxTokens(bad).build())
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("maxTokens must be positive, was " + bad)
                    .hasMessageContaining("leave it unset");
        }
    }

    @Test
    void outputRetriesDefaultToNoneAndTheBuilderCarriesThem() {
        assertThat(GenerationRequest.of("hi").outputRetries()).isZero();
        GenerationRequest request = GenerationRequest.builder().user("JSON please")
                .responseFormat(ResponseFormat.json()).outputRetries(2).build();

        assertThat(request.outputRetries()).isEqualTo(2);
        assertThat(request.toBuilder().build()).isEqualTo(request);
        assertThat(GenerationRequest.builder().prompt("p").outputRetries(GenerationRequest.MAX_OUTPUT_RETRIES)
                .responseFormat(ResponseFormat.jsonSchema("{\"type\":\"array\"}")).build().outputRetries())
                .isEqualTo(5);
    }

    @Test
    void theSevenArgumentConstructorMeansNoRetries() {
        // existing callers of the old canonical constructor keep compiling and mean what they meant
        GenerationRequest request = new GenerationRequest("p", null, false, null, null, null, ResponseFormat.json());

        assertThat(request.outputRetries()).isZero();
        assertThat(request).isEqualTo(new GenerationRequest("p", null, false, null, null, null,
                ResponseFormat.json(), 0));
    }

    @Test
    void outputRetriesOutOfRangeAreRejectedWithTheRange() {
        for (int bad : new int[] {-1, 6}) {
            assertThatThrownBy(() -> GenerationRequest.builder().prompt("p").responseFormat(ResponseFormat.json())
                    .outputRetries(bad).build())
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("outputRetries must be between 0 and 5, was " + bad)
                    .hasMessageContaining("loosen the schema");
        }
    }

    @Test
    void outputRetriesNeedAJsonFormat() {
        // there is no schema to check a text or grammar answer against, so a retry could never trigger
        assertThatThrownBy(() -> GenerationRequest.builder().prompt("p").outputRetries(1).build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("outputRetries applies to JSON answers only")
                .hasMessageContaining("response format is text")
                .hasMessageContaining("ResponseFormat.jsonSchema(...)");
        assertThatThrownBy(() -> GenerationRequest.builder().prompt("p").outputRetries(1)
                .responseFormat(ResponseFormat.grammar("root ::= \"yes\"")).build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("response format is a grammar");
    }

    @Test
    void invalidRequestIsALocalLlmException() {
        // callers catch the root type; every request error must be one
        assertThatThrownBy(() -> GenerationRequest.of("")).isInstanceOf(LocalLlmException.class);
    }

    @Test
    void logprobsAskForZeroToTwentyAlternativesAndSurviveToBuilder() {
        GenerationRequest request = GenerationRequest.builder().prompt("p").logprobs(3).build();

        assertThat(request.logprobs()).isEqualTo(3);
        assertThat(request.toBuilder().build().logprobs()).isEqualTo(3);
        assertThat(GenerationRequest.of("p").logprobs()).isNull();
        assertThat(GenerationRequest.builder().prompt("p").logprobs(0).build().logprobs()).isZero();
        for (int wrong : new int[] {-1, 21}) {
            assertThatThrownBy(() -> GenerationRequest.builder().prompt("p").logprobs(wrong).build())
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("logprobs asks for " + wrong + " alternatives per token")
                    .hasMessageContaining("ask for 0 (the chosen tokens only) to 20");
        }
    }

    @Test
    void anEngineWithoutLogprobsNamesThemAsMissing() {
        GenerationRequest request = GenerationRequest.builder().prompt("p").logprobs(1).build();

        assertThat(io.github.localllm.spi.EngineCapabilities.unknown().missingFor(request)).isEqualTo("log probabilities");
        assertThat(io.github.localllm.spi.EngineCapabilities.builder().logprobs(true).build().missingFor(request)).isEmpty();
    }
}
