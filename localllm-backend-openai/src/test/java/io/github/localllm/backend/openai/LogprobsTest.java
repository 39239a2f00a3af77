package io.github.localllm.backend.openai;

import static io.github.localllm.backend.openai.Servers.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelInstance;
import io.github.localllm.TokenLogprob;
import io.github.localllm.testkit.FakeOpenAi;
import io.github.localllm.testkit.FakeOpenAi.Flavor;
import io.github.localllm.testkit.RecordedRequest;
import io.github.localllm.testkit.ScriptedAnswer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Log probabilities in both of their wire shapes: the chat shape ({@code logprobs.content}, also
 * llama.cpp's completions) and the legacy columns of the OpenAI API's and vLLM's completions. The
 * fakes report {@code -(i % 8 + 1) / 8} for token {@code i} and {@code alt<k>} alternatives {@code k} less.
 */
class LogprobsTest {
    private static final ScriptedAnswer ANSWER = ScriptedAnswer.builder().pieces("The", " sky", " is").completionTokens(3)
            .build();

    @AfterEach
    void noThreadLeft() {
        Servers.assertNoThreadLeft();
    }

    private static FakeOpenAi server(Flavor flavor) {
        return FakeOpenAi.builder(flavor).model(MODEL).answer(ANSWER).answer(ANSWER).start();
    }

    private static List<TokenLogprob> expected(int alternatives) {
        String[] tokens = {"The", " sky", " is"};
        return java.util.stream.IntStream.range(0, tokens.length).mapToObj(i -> new TokenLogprob(tokens[i],
                -(i + 1) / 8.0, java.util.stream.IntStream.range(0, alternatives)
                        .mapToObj(k -> new TokenLogprob(k == 0 ? tokens[i] : "alt" + k, -(i + 1) / 8.0 - k)).toList()))
                .toList();
    }

    @ParameterizedTest
    @EnumSource(value = Flavor.class, names = {"LLAMA_CPP", "VLLM", "OPENAI"})
    void chatAnswersCarryEachTokensLogprobWithItsAlternatives(Flavor flavor) {
        GenerationRequest request = GenerationRequest.builder().user("Why?").logprobs(2).build();
        try (FakeOpenAi server = server(flavor); ModelInstance model = Servers.load(server)) {
            GenerationResult whole = model.generate(request);
            RecordedRequest sent = server.lastRequest();
            GenerationResult streamed = model.stream(request).result();

            assertThat(whole.logprobs()).isEqualTo(expected(2));
            assertThat(streamed.logprobs()).isEqualTo(expected(2));
            assertThat(sent.json("/logprobs")).contains("true");
            assertThat(sent.json("/top_logprobs")).contains("2");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Flavor.class, names = {"LLAMA_CPP", "VLLM", "OPENAI"})
    void rawPromptsReadTheLegacyColumnsOrTheChatShape(Flavor flavor) {
        GenerationRequest request = GenerationRequest.builder().prompt("The sky").raw(true).logprobs(1).build();
        try (FakeOpenAi server = server(flavor); ModelInstance model = Servers.load(server)) {
            GenerationResult whole = model.generate(request);
            RecordedRequest sent = server.lastRequest();
            List<TokenLogprob> streamed = new java.util.ArrayList<>();
            try (var stream = model.stream(request)) {
                stream.forEach(chunk -> streamed.addAll(chunk.logprobs()));
            }

            assertThat(sent.path()).isEqualTo("/v1/completions");
            assertThat(sent.json("/logprobs")).contains("1");
            assertThat(whole.logprobs()).isEqualTo(expected(1));
            assertThat(streamed).isEqualTo(expected(1));
        }
    }

    @Test
    void llamaCppIsAskedForOneAlternativeWhenNoneAreWantedBecauseItReportsNothingForZero() {
        try (FakeOpenAi server = server(Flavor.LLAMA_CPP); ModelInstance model = Servers.load(server)) {
            GenerationResult result = model.generate(GenerationRequest.builder().user("Why?").logprobs(0).build());

            assertThat(server.lastRequest().json("/top_logprobs")).contains("1");
            assertThat(result.logprobs()).isEqualTo(expected(0));
        }
    }

    @Test
    void theOpenAiApiIsAskedForAtMostFiveAlternativesOnARawPrompt() {
        try (FakeOpenAi server = server(Flavor.OPENAI); ModelInstance model = Servers.load(server)) {
            long before = server.requests().size();

            assertThatThrownBy(() -> model.generate(GenerationRequest.builder().prompt("The sky").raw(true).logprobs(6)
                    .build()))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("at most 5 alternatives per token for a raw prompt")
                    .hasMessageContaining("raw(false)");
            assertThat(server.requests()).hasSize((int) before);
        }
    }

    @Test
    void answersWithoutLogprobsHaveNoneAndTheRequestAsksForNone() {
        try (FakeOpenAi server = server(Flavor.LLAMA_CPP); ModelInstance model = Servers.load(server)) {
            GenerationResult result = model.generate(GenerationRequest.builder().user("Why?").build());

            assertThat(result.logprobs()).isEmpty();
            assertThat(server.lastRequest().json("/logprobs")).isEmpty();
        }
    }

    @Test
    void aRequestAskingForMoreThanTwentyAlternativesIsRefusedWhenBuilt() {
        assertThatThrownBy(() -> GenerationRequest.builder().user("Why?").logprobs(21).build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("0 (the chosen tokens only) to 20");
    }
}
