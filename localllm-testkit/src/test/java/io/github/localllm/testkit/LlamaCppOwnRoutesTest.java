package io.github.localllm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.testkit.FakeOpenAi.Flavor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * llama.cpp's {@code /tokenize}, {@code /detokenize}, {@code /slots} and {@code /metrics} against
 * the b10470 captures 20 to 23 (stories260K).
 */
class LlamaCppOwnRoutesTest {

    private static FakeOpenAi.Builder server() {
        return FakeOpenAi.builder(Flavor.LLAMA_CPP).model(FakeModel.builder("stories260K-q8_0").contextLength(256)
                .quantization("Q8_0").build());
    }

    @Test
    void tokenizeReplaysTheCapturesByteForByte() {
        try (FakeOpenAi s = server().start()) {
            Raw.Response plain = Raw.post(s.uri("/tokenize"), "{\"content\":\"Once upon a time\"}");
            Raw.Response bos = Raw.post(s.uri("/tokenize"), "{\"content\":\"Once upon a time\",\"add_special\":true}");

            assertThat(plain.status()).isEqualTo(200);
            assertThat(plain.headers()).containsEntry("server", "llama.cpp")
                    .containsEntry("content-type", "application/json; charset=utf-8");
            assertThat(plain.body()).isEqualTo(Fixtures.httpBody("llama-server/20-POST-tokenize.http"));
            assertThat(bos.body()).isEqualTo(Fixtures.httpBody("llama-server/20b-POST-tokenize-add-special.http"));
        }
    }

    @Test
    void specialTokensArePartsOfTheTextOnlyWhenParsed() {
        try (FakeOpenAi s = server().start()) {
            String parsed = Raw.post(s.uri("/tokenize"), "{\"content\":\"<s>Once\",\"with_pieces\":true}").body();
            String plain = Raw.post(s.uri("/tokenize"), "{\"content\":\"<s>Once\",\"parse_special\":false}").body();

            // As 20c: <s> is token 1, and the text after it gets its space: " Once" is 403.
            assertThat(parsed).startsWith("{\"tokens\":[{\"id\":1,\"piece\":\"<s>\"},{\"id\":403,\"piece\":\" Once\"}]}");
            assertThat(plain).doesNotContain("[1,").doesNotContain(",1,");
        }
    }

    @Test
    void detokenizeReplaysTheCaptureAndFailsOutsideTheVocabularyAsTheServerDoes() {
        try (FakeOpenAi s = server().start()) {
            Raw.Response text = Raw.post(s.uri("/detokenize"), "{\"tokens\":[403,407,261,378]}");
            Raw.Response past = Raw.post(s.uri("/detokenize"), "{\"tokens\":[403,1048576]}");
            Raw.Response negative = Raw.post(s.uri("/detokenize"), "{\"tokens\":[-1]}");

            assertThat(text.body()).isEqualTo(Fixtures.httpBody("llama-server/21-POST-detokenize.http"));
            // 21c/21d with the fake's vocabulary of 32000 (the n_vocab its model list reports) instead of 512.
            assertThat(past.status()).isEqualTo(500);
            assertThat(past.body()).isEqualTo(Fixtures.httpBody("llama-server/21c-POST-detokenize-out-of-range.http")
                    .replace("(which is 512)", "(which is 32000)"));
            assertThat(negative.body()).isEqualTo(Fixtures.httpBody("llama-server/21d-POST-detokenize-negative.http")
                    .replace("(which is 512)", "(which is 32000)"));
        }
    }

    @Test
    void tokenizeAndDetokenizeRoundTripNewWords() {
        try (FakeOpenAi s = server().start()) {
            String tokens = Raw.post(s.uri("/tokenize"), "{\"content\":\"the dragon slept\"}").body();
            String ids = tokens.substring(tokens.indexOf('[') + 1, tokens.indexOf(']'));

            assertThat(ids.split(",")).hasSize(3);
            assertThat(Raw.post(s.uri("/detokenize"), "{\"tokens\":[" + ids + "]}").body())
                    .isEqualTo("{\"content\":\" the dragon slept\"}");
        }
    }

    @Test
    void slotsThatNeverServedSayOnlyTheirContextAsCaptured() {
        try (FakeOpenAi s = server().start()) {
            Raw.Response r = Raw.get(s.uri("/slots"));

            String captured = Fixtures.httpBody("llama-server/22-GET-slots.http");
            String idle = captured.substring(1, captured.indexOf('}') + 1);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).startsWith("[" + idle + ",").contains("{\"id\":3,\"n_ctx\":256");
        }
    }

    @Test
    void aSlotThatServedReportsItsTaskAndTokens() {
        ScriptedAnswer answer = ScriptedAnswer.builder().pieces("a", "b").promptTokens(12).completionTokens(8).build();
        try (FakeOpenAi s = server().answer(answer).start()) {
            Raw.post(s.uri("/v1/completions"), "{\"prompt\":\"Once upon a time\",\"max_tokens\":8}");
            String body = Raw.get(s.uri("/slots")).body();

            assertThat(Fixtures.keys(body.substring(1, body.indexOf(",{\"id\":1")))).isEqualTo(Fixtures.keys(
                    slotOne(Fixtures.httpBody("llama-server/22-GET-slots.http"))));
            assertThat(body).contains("\"n_prompt_tokens\":12").contains("\"n_decoded\":8");
        }
    }

    private static String slotOne(String captured) {
        return captured.substring(captured.indexOf("{\"id\":1"), captured.length() - 1);
    }

    @Test
    void metricsWithoutTheFlagAreRefusedAsCaptured() {
        try (FakeOpenAi s = server().start()) {
            Raw.Response r = Raw.get(s.uri("/metrics"));

            assertThat(r.status()).isEqualTo(501);
            assertThat(r.body()).isEqualTo(Fixtures.httpBody("llama-server/23b-ERR-metrics-disabled.http"));
            assertThat(Raw.get(s.uri("/props")).body()).contains("\"endpoint_metrics\":false");
        }
    }

    @Test
    void metricsHaveTheCapturedLinesAndCountTheAnswers() {
        ScriptedAnswer answer = ScriptedAnswer.builder().pieces("a", "b").promptTokens(43).cachedPromptTokens(1)
                .completionTokens(16).promptEvalDuration(Duration.ofNanos(3_502_000))
                .evalDuration(Duration.ofNanos(4_166_000)).build();
        try (FakeOpenAi s = server().metrics(true).answer(answer).start()) {
            Raw.Response fresh = Raw.get(s.uri("/metrics"));
            Raw.post(s.uri("/v1/chat/completions"), "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
            Raw.Response after = Raw.get(s.uri("/metrics"));

            assertThat(fresh.headers()).containsEntry("content-type", "text/plain; version=0.0.4")
                    .containsKey("process-start-time-unix");
            assertThat(fresh.body()).isEqualTo(Fixtures.httpBody("llama-server/23a-GET-metrics-fresh.http"));
            assertThat(comments(after.body())).isEqualTo(comments(Fixtures.httpBody("llama-server/23-GET-metrics.http")));
            assertThat(after.body()).contains("llamacpp:prompt_tokens_total 42\n", "llamacpp:prompt_tokens_cached_total 1\n",
                    "llamacpp:prompt_seconds_total 0.003502\n", "llamacpp:tokens_predicted_total 16\n",
                    "llamacpp:tokens_predicted_seconds_total 0.004166\n", "llamacpp:predicted_tokens_seconds 3600.58\n");
            assertThat(Raw.get(s.uri("/props")).body()).contains("\"endpoint_metrics\":true");
        }
    }

    private static List<String> comments(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            out.add(line.startsWith("#") ? line : line.substring(0, line.indexOf(' ')));
        }
        return out;
    }
}
