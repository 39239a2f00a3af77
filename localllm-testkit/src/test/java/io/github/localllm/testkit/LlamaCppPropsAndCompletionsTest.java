package io.github.localllm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.testkit.FakeOpenAi.Flavor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** llama.cpp's {@code /props}, legacy {@code /v1/completions} and embeddings refused, against the b10470 captures 03, 06, 07 and 10. */
class LlamaCppPropsAndCompletionsTest {
    private static final String MEDIA_MARKER = "<__media_[A-Za-z0-9]{32}__>";

    private static FakeOpenAi.Builder captured() {
        return FakeOpenAi.builder(Flavor.LLAMA_CPP).model(FakeModel.builder("small-q4_k_m").contextLength(2048)
                .quantization("Q4_K_M").build());
    }

    @Test
    void propsReplaysTheCaptureButForItsRandomMediaMarker() {
        try (FakeOpenAi server = captured().start()) {
            Raw.Response r = Raw.get(server.uri("/props"));

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers()).containsEntry("server", "llama.cpp")
                    .containsEntry("content-type", "application/json; charset=utf-8");
            assertThat(r.body().replaceAll(MEDIA_MARKER, "<marker>"))
                    .isEqualTo(Fixtures.httpBody("llama-server/03-GET-props.http").replaceAll(MEDIA_MARKER, "<marker>"));
        }
    }

    @Test
    void aWholeCompletionReplaysTheCaptureByteForByte() {
        ScriptedAnswer answer = ScriptedAnswer.builder().pieces(" yeuxty yeuxtyibleർible годинеർible bemible页ible页ible")
                .stopReason(StopReason.LENGTH).promptTokens(2).cachedPromptTokens(1).completionTokens(16)
                .promptEvalDuration(Duration.ofNanos(20_071_000)).evalDuration(Duration.ofNanos(347_998_000))
                .id("chatcmpl-8LVMZSYKU6i2pZ4542kpzSCRzfGv1OHI").build();
        try (FakeOpenAi server = captured().answer(answer).clock(Clocks.fixedSeconds(1795328405)).start()) {
            Raw.Response r = Raw.post(server.uri("/v1/completions"),
                    "{\"model\":\"small-q4_k_m\",\"prompt\":\"Hello\",\"max_tokens\":16}");

            assertThat(r.body()).isEqualTo(Fixtures.httpBody("llama-server/06-POST-v1-completions.http"));
        }
    }

    @Test
    void aStreamedCompletionReplaysTheCaptureByteForByte() {
        String capture = Fixtures.httpBody("llama-server/07-POST-v1-completions-stream.http");
        List<String> pieces = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"text\":\"([^\"]+)\"").matcher(capture);
        while (m.find()) {
            pieces.add(m.group(1));
        }
        ScriptedAnswer answer = ScriptedAnswer.builder().pieces(pieces.toArray(String[]::new)).stopReason(StopReason.LENGTH)
                .promptTokens(2).cachedPromptTokens(1).completionTokens(8)
                .promptEvalDuration(Duration.ofNanos(73_909_000)).evalDuration(Duration.ofNanos(190_299_000))
                .id("chatcmpl-gQQ1tvsywY0dwBscD3ztaqknxT2xeXK6").build();
        try (FakeOpenAi server = captured().answer(answer).clock(Clocks.fixedSeconds(1795328405)).start()) {
            Raw.Response r = Raw.post(server.uri("/v1/completions"),
                    "{\"model\":\"small-q4_k_m\",\"prompt\":\"Hello\",\"max_tokens\":8,\"stream\":true}");

            assertThat(pieces).hasSize(8);
            assertThat(r.body()).isEqualTo(capture);
            assertThat(r.headers()).containsEntry("x-accel-buffering", "no").containsEntry("content-type", "text/event-stream");
        }
    }

    @Test
    void otherServersAnswerCompletionsInTheOpenAiLegacyShape() {
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.VLLM).model("m").answer(" to find", " your purpose").start()) {
            Raw.Response whole = Raw.post(server.uri("/v1/completions"), "{\"model\":\"m\",\"prompt\":\"the meaning of life is\"}");
            Raw.Response stream = Raw.post(server.uri("/v1/completions"),
                    "{\"model\":\"m\",\"prompt\":\"x\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");

            assertThat(Fixtures.keys(whole.body())).isEqualTo(Fixtures.keys(
                    Fixtures.compactJson("openai/completions-legacy-response.json")));
            assertThat(whole.body()).contains("\"text\":\" to find your purpose\"");
            assertThat(List.of(stream.body().split("\n\n"))).hasSize(5).last().isEqualTo("data: [DONE]");
            assertThat(stream.body()).contains("\"choices\":[],\"usage\":{\"prompt_tokens\":10");
            assertThat(Raw.post(server.uri("/v1/completions"), "{\"model\":\"nope\",\"prompt\":\"x\"}").status()).isEqualTo(404);
            assertThat(Raw.post(server.uri("/v1/completions"), "{\"model\":\"m\"}").status()).isEqualTo(400);
        }
    }

    @Test
    void aServerStartedWithoutEmbeddingsRefusesThemAsCaptured() {
        try (FakeOpenAi server = captured().embeddings(false).start()) {
            Raw.Response r = Raw.post(server.uri("/v1/embeddings"), "{\"model\":\"small-q4_k_m\",\"input\":\"x\"}");

            assertThat(r.status()).isEqualTo(501);
            assertThat(r.body()).isEqualTo(Fixtures.httpBody("llama-server/10-ERR-v1-embeddings-on-gen-server.http"));
        }
    }
}
