package io.github.localllm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.testkit.FakeOpenAi.Flavor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Log probabilities as each OpenAI-compatible server reports them, shaped as the captures of llama-server b10470. */
class FakeLogprobsTest {
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Once\"}],"
            + "\"max_tokens\":2,\"temperature\":0,";

    private static FakeOpenAi server(Flavor flavor) {
        return FakeOpenAi.builder(flavor).model("m")
                .answer(ScriptedAnswer.builder().pieces("\"", "H").stopReason(StopReason.LENGTH).build()).start();
    }

    /** The member names of the SSE events that carry text, in order. */
    private static List<String> textEventKeys(String sse) {
        return sse.lines().filter(l -> l.contains("\"logprobs\":{")).map(l -> String.join(",", Fixtures.keys(l))).toList();
    }

    @Test
    void llamaCppChatAnswersCarryTheCapturedMembersInTheirOrder() {
        try (FakeOpenAi server = server(Flavor.LLAMA_CPP)) {
            String whole = Client.post(server.uri("/v1/chat/completions"), CHAT + "\"logprobs\":true,\"top_logprobs\":2}").body();
            String streamed = Client.post(server.uri("/v1/chat/completions"),
                    CHAT + "\"logprobs\":true,\"top_logprobs\":1,\"stream\":true}").body();

            assertThat(Fixtures.keys(whole)).isEqualTo(Fixtures.keys(Fixtures.httpBody("llama-server/31-logprobs-chat.http")));
            assertThat(textEventKeys(streamed))
                    .isEqualTo(textEventKeys(Fixtures.httpBody("llama-server/31b-logprobs-chat-stream.http")))
                    .hasSize(2);
            assertThat(whole).contains("\"logprobs\":{\"content\":[{\"id\":1000,\"token\":\"\\\"\",\"bytes\":[34],"
                    + "\"logprob\":-0.125,\"top_logprobs\":[{\"id\":1000,\"token\":\"\\\"\",\"bytes\":[34],\"logprob\":-0.125},"
                    + "{\"id\":1001,\"token\":\"alt1\",\"bytes\":[97,108,116,49],\"logprob\":-1.125}]}");
        }
    }

    @Test
    void llamaCppCompletionsUseTheChatShapeAndZeroAlternativesReportNothing() {
        try (FakeOpenAi server = server(Flavor.LLAMA_CPP)) {
            String completion = Client.post(server.uri("/v1/completions"),
                    "{\"prompt\":\"Once upon\",\"max_tokens\":2,\"logprobs\":2,\"temperature\":0}").body();
            String zero = Client.post(server.uri("/v1/chat/completions"), CHAT + "\"logprobs\":true,\"top_logprobs\":0}").body();

            assertThat(Fixtures.keys(completion))
                    .isEqualTo(Fixtures.keys(Fixtures.httpBody("llama-server/31c-logprobs-completions.http")));
            assertThat(Fixtures.keys(zero))
                    .isEqualTo(Fixtures.keys(Fixtures.httpBody("llama-server/31d-logprobs-zero-alternatives.http")))
                    .doesNotContain("logprobs");
        }
    }

    @Test
    void openAiAndVllmKeepTheLegacyColumnsForCompletionsAndLmStudioReportsNone() {
        for (Flavor flavor : List.of(Flavor.OPENAI, Flavor.VLLM)) {
            try (FakeOpenAi server = server(flavor)) {
                String completion = Client.post(server.uri("/v1/completions"),
                        "{\"model\":\"m\",\"prompt\":\"Once upon\",\"max_tokens\":2,\"logprobs\":1}").body();
                String chat = Client.post(server.uri("/v1/chat/completions"), CHAT + "\"logprobs\":true}").body();

                assertThat(completion).as(flavor.name()).contains("\"logprobs\":{\"text_offset\":[0,1],"
                        + "\"token_logprobs\":[-0.125,-0.25],\"tokens\":[\"\\\"\",\"H\"],"
                        + "\"top_logprobs\":[{\"\\\"\":-0.125},{\"H\":-0.25}]}");
                assertThat(chat).as(flavor.name()).contains("\"logprobs\":{\"content\":[{\"token\":\"\\\"\","
                        + "\"logprob\":-0.125,\"bytes\":[34],\"top_logprobs\":[]}");
            }
        }
        try (FakeLmStudio server = FakeLmStudio.builder().model("m")
                .answer(ScriptedAnswer.builder().pieces("\"", "H").build()).start()) {
            String chat = Client.post(server.uri("/v1/chat/completions"), CHAT + "\"logprobs\":true,\"top_logprobs\":2}").body();

            assertThat(chat).contains("\"logprobs\":null").doesNotContain("top_logprobs");
        }
    }
}
