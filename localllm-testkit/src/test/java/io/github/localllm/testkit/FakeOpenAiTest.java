package io.github.localllm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.testkit.FakeOpenAi.Flavor;
import io.github.localllm.testkit.internal.json.JsonObject;
import io.github.localllm.testkit.internal.json.JsonReader;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FakeOpenAiTest {
    private static final String TOOLS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"parameters\":{\"type\":\"object\"}}}]";

    /** The {@code delta.content} texts of a captured stream, in order. */
    private static List<String> capturedPieces(String body) {
        List<String> pieces = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: {")) {
                JsonObject chunk = JsonReader.parseObject(line.substring(6));
                List<?> choices = chunk.array("choices").orElseThrow();
                if (!choices.isEmpty()) {
                    ((JsonObject) choices.get(0)).object("delta").flatMap(d -> d.string("content")).ifPresent(pieces::add);
                }
            }
        }
        return pieces;
    }

    private static ScriptedAnswer.Builder captured(List<String> pieces, String id) {
        return ScriptedAnswer.builder().pieces(pieces.toArray(String[]::new)).stopReason(StopReason.LENGTH).id(id);
    }

    @Test
    void llamaCppReplaysTheCapturedStreamByteForByte() {
        String capture = Fixtures.httpBody("llama-server/05-POST-v1-chat-completions-stream.http");
        ScriptedAnswer answer = captured(capturedPieces(capture), "chatcmpl-YggVMlS7vLgazOhJiiQ0jy8sKHpc3Mg9")
                .promptTokens(9).cachedPromptTokens(1).completionTokens(8)
                .promptEvalDuration(Duration.ofNanos(61_694_000)).evalDuration(Duration.ofNanos(83_874_000)).build();
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.LLAMA_CPP).model("small-q4_k_m").answer(answer)
                .clock(Clocks.fixedSeconds(1795328404)).start()) {
            Raw.Response r = Raw.post(server.uri("/v1/chat/completions"), Fixtures.text("llama-server/05-chat-stream-request.json"));

            assertThat(r.body()).isEqualTo(capture);
            assertThat(r.headers()).containsEntry("server", "llama.cpp").containsEntry("access-control-allow-origin", "")
                    .containsEntry("x-accel-buffering", "no").containsEntry("content-type", "text/event-stream");
            // Each event is flushed as its own HTTP chunk and never split; the real server also never splits one,
            // but sometimes packs two into a chunk (05b, its raw framing).
            assertThat(r.chunkSizes()).hasSize(capture.split("\n\n").length + 1);
            assertThat(r.terminated()).isTrue();
            Raw.Response captured = Raw.parse(Fixtures.text("llama-server/05b-POST-v1-chat-completions-stream-RAW-chunked.http")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(captured.terminated()).isTrue();
            assertThat(captured.chunkSizes()).hasSizeLessThan(captured.body().split("\n\n").length + 1);
            assertThat(everyChunkEndsAnEvent(captured)).isTrue();
            assertThat(everyChunkEndsAnEvent(r)).isTrue();
        }
    }

    /** Whether each HTTP chunk ends at the end of an SSE event. */
    private static boolean everyChunkEndsAnEvent(Raw.Response r) {
        byte[] raw = r.payload().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int pos = 0;
        for (int size : r.chunkSizes()) {
            int start = pos + Integer.toHexString(size).length() + 2;
            if (size > 0 && !new String(raw, start + size - 2, 2, java.nio.charset.StandardCharsets.ISO_8859_1).equals("\n\n")) {
                return false;
            }
            pos = start + size + 2;
        }
        return true;
    }

    @Test
    void llamaCppReplaysTheCapturedUsageStreamWithItsMidStreamSecondChange() {
        String capture = Fixtures.httpBody("llama-server/05c-POST-v1-chat-completions-stream-include-usage.http");
        ScriptedAnswer answer = captured(capturedPieces(capture), "chatcmpl-rlFEcrx0XzBFz5h6K8ci00MIjErHZTVw")
                .promptTokens(9).cachedPromptTokens(8).completionTokens(4)
                .promptEvalDuration(Duration.ofNanos(15_466_000)).evalDuration(Duration.ofNanos(116_131_000)).build();
        // One reading when the request arrives, then one per chunk: llama.cpp stamps every chunk.
        Instant s404 = Instant.ofEpochSecond(1795328404);
        Instant s405 = Instant.ofEpochSecond(1795328405);
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.LLAMA_CPP).model("small-q4_k_m").answer(answer)
                .clock(Clocks.readings(s404, s404, s404, s405)).start()) {
            HttpResponse<String> r = Client.post(server.uri("/v1/chat/completions"), "{\"model\":\"small-q4_k_m\",\"messages\":"
                    + "[{\"role\":\"user\",\"content\":\"Hello\"}],\"max_tokens\":4,\"stream\":true,\"stream_options\":{\"include_usage\":true}}");

            assertThat(r.body()).isEqualTo(capture);
        }
    }

    @Test
    void llamaCppReplaysTheCapturedCompletionWithIdAfterUsageAndTimingsLast() {
        String capture = Fixtures.httpBody("llama-server/04-POST-v1-chat-completions.http");
        String content = JsonReader.parseObject(capture).array("choices").map(c -> (JsonObject) c.get(0))
                .flatMap(c -> c.object("message")).flatMap(m -> m.string("content")).orElseThrow();
        ScriptedAnswer answer = captured(List.of(content), "chatcmpl-wyu8xjBwsS8aMTnNlExcloqurNtB3QVG").promptTokens(27)
                .completionTokens(16).promptEvalDuration(Duration.ofNanos(1_211_702_000)).evalDuration(Duration.ofNanos(2_036_687_000))
                .build();
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.LLAMA_CPP).model("small-q4_k_m").answer(answer)
                .clock(Clocks.fixedSeconds(1795328404)).start()) {
            Raw.Response r = Raw.post(server.uri("/v1/chat/completions"), Fixtures.text("llama-server/04-chat-request.json"));

            assertThat(r.body()).isEqualTo(capture);
            assertThat(r.headers()).containsEntry("content-type", "application/json; charset=utf-8").containsEntry("content-length", "730");
        }
    }

    @Test
    void llamaCppReplaysTheCapturedEmbeddingsAndModelList() {
        String embeddings = Fixtures.httpBody("llama-server/11-POST-v1-embeddings.http");
        Matcher m = Pattern.compile("-?\\d+\\.\\d+(e-\\d+)?").matcher(embeddings.substring(embeddings.indexOf("\"embedding\":[")));
        List<Float> values = new ArrayList<>();
        while (m.find()) {
            values.add(Float.parseFloat(m.group()));
        }
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i);
        }
        FakeModel model = FakeModel.builder("small-q4_k_m").sizeBytes(85181952L).contextLength(2048).parameterSize("134.105856M").build();
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.LLAMA_CPP).model(model).embedding(vector)
                .clock(Clocks.fixedSeconds(1795328401)).start()) {
            String embedded = Client.post(server.uri("/v1/embeddings"), "{\"model\":\"small-q4_k_m\",\"input\":\"the quick fox\"}").body();
            String models = Client.get(server.uri("/v1/models")).body();

            assertThat(vector).hasSize(768);
            assertThat(embedded).isEqualTo(embeddings);
            assertThat(models).isEqualTo(Fixtures.httpBody("llama-server/02-GET-v1-models.http"));
            assertThat(Client.get(server.uri("/models")).body()).isEqualTo(models);
        }
    }

    @Test
    void llamaCppAnswersHealthUnknownRoutesAndBadRequestsAsCaptured() {
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.LLAMA_CPP).model("small-q4_k_m").start()) {
            HttpResponse<String> health = Client.get(server.uri("/health"));
            HttpResponse<String> unknown = Client.get(server.uri("/v1/nope"));
            HttpResponse<String> noMessages = Client.post(server.uri("/v1/chat/completions"), "{\"model\":\"small-q4_k_m\"}");
            HttpResponse<String> notJson = Client.post(server.uri("/v1/chat/completions"), "{no");

            assertThat(health.body()).isEqualTo(Fixtures.httpBody("llama-server/01-GET-health.http"));
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).isEqualTo(Fixtures.httpBody("llama-server/10d-ERR-404.http"));
            assertThat(noMessages.statusCode()).isEqualTo(400);
            assertThat(noMessages.body()).isEqualTo(Fixtures.httpBody("llama-server/10b-ERR-chat-bad-request.http"));
            // Invalid JSON is a 500 with the parser's message on llama.cpp (10c); the parser's wording is not imitated.
            assertThat(notJson.statusCode()).isEqualTo(500);
            assertThat(notJson.body()).startsWith("{\"error\":{\"code\":500,\"message\":\"[json.exception.parse_error.101] parse error")
                    .endsWith("\"type\":\"server_error\"}}");
        }
    }

    @Test
    void llamaCppStreamsToolCallArgumentsInFragmentsAfterAHeader() {
        ScriptedAnswer answer = ScriptedAnswer.toolCalls(FakeToolCall.of("get_weather", "{\"city\":\"San Francisco\",\"days\":3}").withId("abc"));
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.LLAMA_CPP).model("m").answer(answer).start()) {
            String stream = Client.post(server.uri("/v1/chat/completions"), "{\"model\":\"m\",\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]," + TOOLS + "}").body();
            String single = Client.post(server.uri("/v1/chat/completions"), "{\"model\":\"m\","
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]," + TOOLS + "}").body();

            StringBuilder arguments = new StringBuilder();
            Matcher m = Pattern.compile("\"function\":\\{\"arguments\":\"((?:[^\"\\\\]|\\\\.)*)\"}").matcher(stream);
            while (m.find()) {
                arguments.append(m.group(1).replace("\\\"", "\""));
            }
            assertThat(stream).contains("\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"abc\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}", "\"finish_reason\":\"tool_calls\"")
                    .endsWith("data: [DONE]\n\n");
            assertThat(arguments).hasToString("{\"city\":\"San Francisco\",\"days\":3}");
            assertThat(single).contains("\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"type\":\"function\","
                    + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"San Francisco\\\",\\\"days\\\":3}\"},\"id\":\"abc\"}]}");
        }
    }

    @Test
    void vllmStreamsAsItsSampleAndAsksForUsageAsSoonAsStreamOptionsArePresent() {
        ScriptedAnswer answer = ScriptedAnswer.builder().pieces("Hello", "!").promptTokens(20).completionTokens(3).id("chatcmpl-b3c0e5a1").build();
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.VLLM).model("Qwen/Qwen2.5-0.5B-Instruct").answer(answer)
                .clock(Clocks.fixedSeconds(1735142223)).start()) {
            String request = "{\"model\":\"Qwen/Qwen2.5-0.5B-Instruct\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";
            HttpResponse<String> withUsage = Client.post(server.uri("/v1/chat/completions"), request + ",\"stream_options\":{}}");
            String withoutUsage = Client.post(server.uri("/v1/chat/completions"), request + "}").body();

            assertThat(withUsage.headers().firstValue("Content-Type")).contains("text/event-stream; charset=utf-8");
            assertThat(withUsage.body()).isEqualTo(Fixtures.text("openai/vllm-chat-stream-include-usage-constructed.sse"));
            assertThat(withoutUsage).doesNotContain("\"usage\"").endsWith("\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
        }
    }

    @Test
    void vllmAnswersUnknownModelsRoutesAndMethodsLikeVllmAndFastApi() {
        FakeModel qwen = FakeModel.builder("Qwen/Qwen2.5-0.5B-Instruct").contextLength(32768).build();
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.VLLM).model(qwen).clock(Clocks.fixedSeconds(1735142223)).start()) {
            HttpResponse<String> missing = Client.post(server.uri("/v1/chat/completions"), "{\"model\":\"model\",\"messages\":[]}");
            HttpResponse<String> unknown = Client.get(server.uri("/v1/nope"));
            HttpResponse<String> wrongMethod = Client.get(server.uri("/v1/chat/completions"));
            String models = Client.get(server.uri("/v1/models")).body();

            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).isEqualTo(Fixtures.compactJson("openai/vllm-error-constructed.json"));
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).isEqualTo("{\"detail\":\"Not Found\"}");
            assertThat(wrongMethod.statusCode()).isEqualTo(405);
            assertThat(wrongMethod.body()).isEqualTo("{\"detail\":\"Method Not Allowed\"}");
            assertThat(models.replaceFirst("modelperm-[0-9a-f]+", "modelperm-0a1b2c3d4e5f"))
                    .isEqualTo(Fixtures.compactJson("openai/vllm-models-response-constructed.json"));
        }
    }

    @Test
    void openAiUsesStringErrorCodesInvalidUrlsAndNullUsageOnEveryChunk() {
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.OPENAI).model("gpt-4o").answer("Hi").start()) {
            HttpResponse<String> missing = Client.post(server.uri("/v1/chat/completions"), "{\"model\":\"gpt-4o-mini\",\"messages\":[]}");
            HttpResponse<String> unknown = Client.post(server.uri("/v1/chat/completion"), "{}");
            String stream = Client.post(server.uri("/v1/chat/completions"), "{\"model\":\"gpt-4o\",\"stream\":true,"
                    + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").body();

            assertThat(missing.body()).isEqualTo(Fixtures.compactJson("openai/openai-canonical-error-constructed.json"));
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).isEqualTo("{\"error\":{\"message\":\"Invalid URL (POST /v1/chat/completion)\","
                    + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
            List<String> events = List.of(stream.split("\n\n"));
            assertThat(events).hasSize(5);
            assertThat(events.get(0)).contains("\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}").endsWith(",\"usage\":null}");
            assertThat(events.get(2)).contains("\"finish_reason\":\"stop\"").endsWith(",\"usage\":null}");
            assertThat(events.get(3)).contains("\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":1,\"total_tokens\":11}");
            assertThat(events.get(4)).isEqualTo("data: [DONE]");
        }
    }
}
