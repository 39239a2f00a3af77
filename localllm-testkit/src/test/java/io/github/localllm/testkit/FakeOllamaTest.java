package io.github.localllm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeOllamaTest {
    private static final String TOOLS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";

    private static ScriptedAnswer skyAnswer() {
        return ScriptedAnswer.builder().pieces("The", " sky", " appears", " blue", " because", " of", " Rayleigh", " scattering", ".")
                .totalDuration(Duration.ofNanos(1162761250)).loadDuration(Duration.ofNanos(6683708)).promptTokens(31)
                .promptEvalDuration(Duration.ofNanos(201222000)).evalDuration(Duration.ofNanos(953997000)).build();
    }

    @Test
    void generateStreamsTheDocumentedNdjsonLineByLine() {
        // One clock reading when the model is marked loaded, then one per line, 11.834 ms apart as in the sample.
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(skyAnswer())
                .clock(Clocks.stepping(Instant.parse("2024-07-22T20:47:51.135727Z"), Duration.ofNanos(11_834_000))).start()) {
            Raw.Response r = Raw.post(ollama.uri("/api/generate"), "{\"model\":\"llama3.2\",\"prompt\":\"Why is the sky blue?\"}");

            List<String> sample = Fixtures.lines("ollama/generate-stream-response-full-constructed.ndjson");
            String last = sample.get(sample.size() - 1).replaceFirst("\"context\":\\[[0-9,]*\\],", "");
            StringBuilder expected = new StringBuilder();
            sample.subList(0, sample.size() - 1).forEach(l -> expected.append(l).append('\n'));
            expected.append(last).append('\n');
            assertThat(r.statusLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(r.headers()).containsEntry("content-type", "application/x-ndjson").containsEntry("transfer-encoding", "chunked");
            assertThat(r.body()).isEqualTo(expected.toString());
            // One HTTP chunk per line, then the terminating empty chunk.
            assertThat(r.chunkSizes()).hasSize(sample.size() + 1).endsWith(0);
            assertThat(r.terminated()).isTrue();
        }
    }

    @Test
    void generateWithoutStreamingAnswersOneGoJsonBodyWithoutNewline() {
        ScriptedAnswer answer = ScriptedAnswer.builder().pieces("The sky is blue because it is the color of the sky.")
                .totalDuration(Duration.ofNanos(5043500667L)).loadDuration(Duration.ofNanos(5025959)).promptTokens(26)
                .promptEvalDuration(Duration.ofNanos(325953000)).completionTokens(290).evalDuration(Duration.ofNanos(4709213000L)).build();
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(answer)
                .clock(Clocks.fixed("2023-08-04T19:22:45.499127Z")).start()) {
            HttpResponse<String> r = Client.post(ollama.uri("/api/generate"),
                    "{\"model\":\"llama3.2\",\"prompt\":\"Why is the sky blue?\",\"stream\":false}");

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
            // The doc sample has the deprecated context (the fake has no tokens to put there) and predates done_reason.
            assertThat(r.body()).isEqualTo(Fixtures.compactJson("ollama/generate-nonstream-response.json")
                    .replace("\"context\":[1,2,3],", "").replace("\"done\":true,", "\"done\":true,\"done_reason\":\"stop\","));
        }
    }

    @Test
    void chatStreamsToolCallsAsObjectsWithTheIdAndIndexCurrentServersAdd() {
        ScriptedAnswer answer = ScriptedAnswer.builder().toolCall(FakeToolCall.of("get_weather", "{\"city\":\"Tokyo\"}").withId("call_k3x9q2ab"))
                .totalDuration(Duration.ofNanos(182242375)).loadDuration(Duration.ofNanos(41295167)).promptTokens(169)
                .promptEvalDuration(Duration.ofNanos(24573166)).completionTokens(15).evalDuration(Duration.ofNanos(115959084)).build();
        Instant first = Instant.parse("2025-07-07T20:22:19.184789Z");
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(answer)
                .clock(Clocks.readings(first, first, Instant.parse("2025-07-07T20:22:19.19314Z"))).start()) {
            Raw.Response r = Raw.post(ollama.uri("/api/chat"), "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"What is the weather today in Tokyo?\"}]," + TOOLS + "}");

            // The doc sample predates tool call ids and indexes, and its last line has done_reason before done
            // (an older ChatResponse); v0.33.0-rc2's api/types.go writes both as below.
            List<String> sample = Fixtures.lines("ollama/chat-tools-stream-response.ndjson");
            String toolLine = sample.get(0).replace("[{\"function\":{\"name\"", "[{\"id\":\"call_k3x9q2ab\",\"function\":{\"index\":0,\"name\"");
            String doneLine = sample.get(1).replace("\"done_reason\":\"stop\",\"done\":true", "\"done\":true,\"done_reason\":\"stop\"");
            assertThat(r.body()).isEqualTo(toolLine + "\n" + doneLine + "\n");
        }
    }

    @Test
    void chatSendsToolCallsOnlyWhenTheRequestOffersTools() {
        ScriptedAnswer answer = ScriptedAnswer.builder().pieces("Sunny").toolCall(FakeToolCall.of("get_weather", "{\"city\":\"Tokyo\"}")).build();
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(answer).start()) {
            String without = Client.post(ollama.uri("/api/chat"), "{\"model\":\"llama3.2\",\"stream\":false,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").body();
            String with = Client.post(ollama.uri("/api/chat"), "{\"model\":\"llama3.2\",\"stream\":false,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + TOOLS + "}").body();

            assertThat(without).contains("\"content\":\"Sunny\"}").doesNotContain("tool_calls");
            assertThat(with).containsPattern("\"tool_calls\":\\[\\{\"id\":\"call_[a-z0-9]{8}\",\"function\":\\{\"index\":0,"
                    + "\"name\":\"get_weather\",\"arguments\":\\{\"city\":\"Tokyo\"}}}]").contains("\"done_reason\":\"stop\"");
        }
    }

    @Test
    void chatWithoutStreamingMatchesTheDocumentedBodyPlusItsDoneReason() {
        ScriptedAnswer answer = ScriptedAnswer.builder().pieces("Hello! How are you today?").totalDuration(Duration.ofNanos(5191566416L))
                .loadDuration(Duration.ofNanos(2154458)).promptTokens(26).promptEvalDuration(Duration.ofNanos(383809000))
                .completionTokens(298).evalDuration(Duration.ofNanos(4799921000L)).build();
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(answer)
                .clock(Clocks.fixed("2023-12-12T14:13:43.416799Z")).start()) {
            String body = Client.post(ollama.uri("/api/chat"), "{\"model\":\"llama3.2\",\"stream\":false,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"why is the sky blue?\"}]}").body();

            assertThat(body).isEqualTo(Fixtures.compactJson("ollama/chat-nonstream-response.json")
                    .replace("\"done\":true,", "\"done\":true,\"done_reason\":\"stop\","));
        }
    }

    @Test
    void loadsAndUnloadsOnEmptyRequestsAndReportsKeepAliveInPs() {
        Instant now = Instant.parse("2024-09-12T03:54:03.516566Z");
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").clock(Clocks.fixed(now.toString())).start()) {
            String load = Client.post(ollama.uri("/api/chat"), "{\"model\":\"llama3.2\",\"messages\":[],\"keep_alive\":\"10m\"}").body();
            String ps = Client.get(ollama.uri("/api/ps")).body();
            String unload = Client.post(ollama.uri("/api/generate"), "{\"model\":\"llama3.2\",\"keep_alive\":0}").body();
            String psAfter = Client.get(ollama.uri("/api/ps")).body();
            String chatUnload = Client.post(ollama.uri("/api/chat"), "{\"model\":\"llama3.2\",\"messages\":[],\"keep_alive\":\"0s\"}").body();
            String generateLoad = Client.post(ollama.uri("/api/generate"), "{\"model\":\"llama3.2\"}").body();

            // The doc samples put done_reason before done (an older ChatResponse); v0.33.0-rc2 writes done first.
            assertThat(load).isEqualTo(Fixtures.compactJson("ollama/chat-load-response.json")
                    .replace("2024-09-12T21:17:29.110811Z", now.toString()).replace("\"done_reason\":\"load\",\"done\":true", "\"done\":true,\"done_reason\":\"load\""));
            assertThat(ps).contains("\"name\":\"llama3.2:latest\"", "\"expires_at\":\"2024-09-12T04:04:03.516566Z\"",
                    "\"context_length\":4096");
            assertThat(unload).isEqualTo(Fixtures.compactJson("ollama/generate-unload-response.json"));
            assertThat(psAfter).isEqualTo("{\"models\":[]}");
            assertThat(chatUnload).isEqualTo(Fixtures.compactJson("ollama/chat-unload-response.json")
                    .replace("2024-09-12T21:33:17.547535Z", now.toString()).replace("\"done_reason\":\"unload\",\"done\":true", "\"done\":true,\"done_reason\":\"unload\""));
            assertThat(generateLoad).isEqualTo(Fixtures.compactJson("ollama/generate-load-response.json")
                    .replace("2023-12-18T19:52:07.071755Z", "2024-09-12T03:54:03.516566Z").replace("\"done\":true", "\"done\":true,\"done_reason\":\"load\""));
        }
    }

    @Test
    void listsModelsInTagsWithGoOrderAndABareHexDigest() throws Exception {
        FakeModel deepseek = FakeModel.builder("deepseek-r1:latest").sizeBytes(4683075271L).family("qwen2").parameterSize("7.6B")
                .modifiedAt(Instant.parse("2025-05-10T15:06:48.639712648Z")).build();
        FakeModel llama = FakeModel.builder("llama3.2").modifiedAt(Instant.parse("2025-05-05T00:37:44.706015396Z")).build();
        try (FakeOllama ollama = FakeOllama.builder().model(deepseek).model(llama).start()) {
            String body = Client.get(ollama.uri("/api/tags")).body();

            // Same document as the sample except that times are in UTC and digests are made up (SHA-256 of the name).
            String expected = Fixtures.compactJson("ollama/tags-response.json")
                    .replace("2025-05-10T08:06:48.639712648-07:00", "2025-05-10T15:06:48.639712648Z")
                    .replace("2025-05-04T17:37:44.706015396-07:00", "2025-05-05T00:37:44.706015396Z")
                    .replace("0a8c266910232fd3291e71e5ba1e058cc5af9d411192cf88b6d30e92b6e73163", sha256("deepseek-r1:latest"))
                    .replace("a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72", sha256("llama3.2"));
            assertThat(body).isEqualTo(expected);
        }
    }

    @Test
    void showsDetailsModelInfoAndCapabilitiesInGoOrder() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").model(FakeModel.embedding("all-minilm")).start()) {
            String chat = Client.post(ollama.uri("/api/show"), "{\"model\":\"llama3.2\"}").body();
            String embed = Client.post(ollama.uri("/api/show"), "{\"model\":\"all-minilm\"}").body();

            assertThat(chat).startsWith("{\"details\":{\"parent_model\":\"\",\"format\":\"gguf\",\"family\":\"llama\"")
                    .contains("\"model_info\":{\"general.architecture\":\"llama\",\"general.parameter_count\":3200000000,"
                            + "\"llama.context_length\":4096},\"capabilities\":[\"completion\",\"tools\"],\"modified_at\":");
            assertThat(embed).contains("\"capabilities\":[\"embedding\"]");
            // ShowResponse's members the fake fills come in the documented order (the sample's model_info is longer).
            List<String> documented = Fixtures.keys(Fixtures.compactJson("ollama/show-response.json"));
            assertThat(documented).containsSubsequence("details", "model_info", "capabilities");
            assertThat(Fixtures.keys(chat)).containsSubsequence("details", "model_info", "capabilities", "modified_at");
        }
    }

    @Test
    void embedsWithFloat32ValuesAndTheLegacyRouteWithWidenedOnes() {
        float[] vector = {0.010071029f, -0.0017594862f, 0.05007221f, 0.04692972f, 0.054916814f, 0.008599704f, 0.105441414f,
                -0.025878139f, 0.12958129f, 0.031952348f};
        try (FakeOllama ollama = FakeOllama.builder().model(FakeModel.embedding("all-minilm")).embedding(vector).start()) {
            String embed = Client.post(ollama.uri("/api/embed"), "{\"model\":\"all-minilm\",\"input\":\"Why is the sky blue?\"}").body();
            String batch = Client.post(ollama.uri("/api/embed"), "{\"model\":\"all-minilm\",\"input\":[\"a\",\"b\"],\"dimensions\":2}").body();

            String sample = Fixtures.compactJson("ollama/embed-response.json");
            assertThat(embed).startsWith(sample.substring(0, sample.indexOf("]]") + 2))
                    .matches(".*\"total_duration\":\\d+,\"load_duration\":\\d+,\"prompt_eval_count\":5}");
            assertThat(batch).contains("\"embeddings\":[[0.010071029,-0.0017594862],[0.010071029,-0.0017594862]]");
        }
        // The legacy answer is []float64 holding float32 values: widened, printed with all their digits.
        String legacySample = Fixtures.compactJson("ollama/embeddings-legacy-response.json");
        String[] values = legacySample.substring(legacySample.indexOf('[') + 1, legacySample.indexOf(']')).split(",");
        float[] widened = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            widened[i] = Float.parseFloat(values[i]);
        }
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").embedding(widened).start()) {
            String legacy = Client.post(ollama.uri("/api/embeddings"), "{\"model\":\"llama3.2\",\"prompt\":\"Here is an article\"}").body();

            assertThat(legacy).isEqualTo(legacySample);
        }
    }

    @Test
    void pullsWithTheDocumentedProgressAndThenListsTheModel() throws Exception {
        try (FakeOllama ollama = FakeOllama.builder().pullable(FakeModel.builder("qwen2.5:0.5b").sizeBytes(397_807_936L).build()).start()) {
            List<String> lines = Client.post(ollama.uri("/api/pull"), "{\"model\":\"qwen2.5:0.5b\"}").body().lines().toList();
            HttpResponse<String> missing = Client.post(ollama.uri("/api/pull"), "{\"model\":\"nope\",\"stream\":false}");
            HttpResponse<String> quiet = Client.post(ollama.uri("/api/pull"), "{\"model\":\"qwen2.5:0.5b\",\"stream\":false}");

            String digest = sha256("qwen2.5:0.5b");
            assertThat(lines).containsExactly("{\"status\":\"pulling manifest\"}",
                    "{\"status\":\"pulling " + digest.substring(0, 12) + "\",\"digest\":\"sha256:" + digest + "\",\"total\":397807936}",
                    "{\"status\":\"pulling " + digest.substring(0, 12) + "\",\"digest\":\"sha256:" + digest + "\",\"total\":397807936,\"completed\":198903968}",
                    "{\"status\":\"pulling " + digest.substring(0, 12) + "\",\"digest\":\"sha256:" + digest + "\",\"total\":397807936,\"completed\":397807936}",
                    "{\"status\":\"verifying sha256 digest\"}", "{\"status\":\"writing manifest\"}", "{\"status\":\"success\"}");
            assertThat(Client.get(ollama.uri("/api/tags")).body()).contains("\"name\":\"qwen2.5:0.5b\"");
            assertThat(missing.statusCode()).isEqualTo(500);
            assertThat(missing.body()).isEqualTo("{\"error\":\"pull model manifest: file does not exist\"}");
            assertThat(quiet.headers().firstValue("Content-Type")).contains("application/json");
            assertThat(quiet.body()).isEqualTo(Fixtures.compactJson("ollama/pull-nonstream-response.json"));
        }
    }

    @Test
    void deletesWithAnEmptyBodyAnd404sWhatIsNotThere() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").start()) {
            Raw.Response deleted = Raw.exchange(ollama.uri("/api/delete"), "DELETE", "{\"model\":\"llama3.2\"}");
            Raw.Response again = Raw.exchange(ollama.uri("/api/delete"), "DELETE", "{\"model\":\"llama3.2\"}");

            assertThat(deleted.status()).isEqualTo(200);
            assertThat(deleted.headers()).containsEntry("content-length", "0");
            assertThat(deleted.payload()).isEmpty();
            assertThat(again.status()).isEqualTo(404);
            assertThat(again.body()).isEqualTo("{\"error\":\"model 'llama3.2' not found\"}");
        }
    }

    @Test
    void answersAMissingModelWithEitherWordingAnd404() {
        try (FakeOllama current = FakeOllama.builder().start(); FakeOllama older = FakeOllama.builder().pullHintNotFound().start()) {
            HttpResponse<String> a = Client.post(current.uri("/api/chat"), "{\"model\":\"llama3.2\",\"messages\":[]}");
            HttpResponse<String> b = Client.post(older.uri("/api/generate"), "{\"model\":\"llama3.2\",\"prompt\":\"hi\"}");

            assertThat(a.statusCode()).isEqualTo(404);
            assertThat(a.body()).isEqualTo(Fixtures.compactJson("ollama/error-404-model-not-found.json"));
            assertThat(b.statusCode()).isEqualTo(404);
            assertThat(b.body()).isEqualTo(Fixtures.compactJson("ollama/error-404-model-not-found-try-pulling.json"));
        }
    }

    @Test
    void answersRootUnknownRoutesWrongMethodsAndEmptyBodiesLikeGin() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").start()) {
            Raw.Response root = Raw.get(ollama.uri("/"));
            Raw.Response head = Raw.exchange(ollama.uri("/"), "HEAD", null);
            HttpResponse<String> unknown = Client.get(ollama.uri("/api/nope"));
            HttpResponse<String> wrongMethod = Client.get(ollama.uri("/api/chat"));
            HttpResponse<String> empty = Client.post(ollama.uri("/api/chat"), "");
            HttpResponse<String> version = Client.get(ollama.uri("/api/version"));
            ollama.injectNext(1, Fault.httpStatus(500));
            HttpResponse<String> failed = Client.post(ollama.uri("/api/generate"), "{\"model\":\"llama3.2\",\"prompt\":\"hi\"}");

            assertThat(root.headers()).containsEntry("content-type", "text/plain; charset=utf-8").containsEntry("content-length", "17");
            String[] sample = Fixtures.text("ollama/root-get.http").split("\n\n");
            assertThat(root.body()).isEqualTo(sample[sample.length - 1]);
            assertThat(Fixtures.text("ollama/root-head.http")).contains("Content-Length: 17");
            assertThat(head.headers()).containsEntry("content-length", "17").containsEntry("content-type", "text/plain; charset=utf-8");
            assertThat(head.payload()).isEmpty();
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.headers().firstValue("Content-Type")).contains("text/plain");
            assertThat(unknown.body()).isEqualTo("404 page not found");
            assertThat(wrongMethod.statusCode()).isEqualTo(405);
            assertThat(wrongMethod.body()).isEqualTo("405 method not allowed");
            assertThat(empty.statusCode()).isEqualTo(400);
            assertThat(empty.body()).isEqualTo(Fixtures.compactJson("ollama/error-400-missing-body.json"));
            assertThat(version.body()).isEqualTo(Fixtures.compactJson("ollama/version-response.json").replace("0.5.1", "0.33.0"));
            assertThat(failed.statusCode()).isEqualTo(500);
            assertThat(failed.body()).isEqualTo(Fixtures.compactJson("ollama/error-response.json"));
        }
    }

    @Test
    void servesTheOpenAiRoutesInOllamasOwnDialect() {
        ScriptedAnswer hello = ScriptedAnswer.builder().pieces("Hello", "!").promptTokens(26).id("chatcmpl-307").build();
        ScriptedAnswer whole = ScriptedAnswer.builder().pieces("Hello! How can I help you today?").promptTokens(26).completionTokens(10)
                .id("chatcmpl-307").build();
        FakeModel llama = FakeModel.builder("llama3.2:latest").modifiedAt(Instant.ofEpochSecond(1746406664)).build();
        FakeModel deepseek = FakeModel.builder("deepseek-r1:latest").modifiedAt(Instant.ofEpochSecond(1746889608)).build();
        try (FakeOllama ollama = FakeOllama.builder().model(llama).model(deepseek).model(FakeModel.embedding("all-minilm"))
                .answer(hello).answer(whole).embedding(0.010071029f, -0.0017594862f, 0.05007221f)
                .clock(Clocks.fixedSeconds(1721939520)).start()) {
            HttpResponse<String> stream = Client.post(ollama.uri("/v1/chat/completions"), "{\"model\":\"llama3.2\",\"stream\":true,"
                    + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
            HttpResponse<String> single = Client.post(ollama.uri("/v1/chat/completions"), "{\"model\":\"llama3.2\","
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
            String models = Client.get(ollama.uri("/v1/models")).body();
            String embeddings = Client.post(ollama.uri("/v1/embeddings"), "{\"model\":\"all-minilm\","
                    + "\"input\":\"The sky is blue because of rayleigh scattering\"}").body();
            HttpResponse<String> missing = Client.post(ollama.uri("/v1/chat/completions"), "{\"model\":\"gpt-4o\",\"messages\":[]}");
            HttpResponse<String> unknown = Client.get(ollama.uri("/v1/nope"));

            assertThat(stream.headers().firstValue("Content-Type")).contains("text/event-stream");
            assertThat(stream.body()).isEqualTo(Fixtures.text("openai/ollama-chat-stream-include-usage-constructed.sse"));
            assertThat(single.body()).isEqualTo(Fixtures.compactJson("openai/ollama-chat-response-constructed.json") + "\n");
            String allModels = Fixtures.compactJson("openai/ollama-models-response-constructed.json");
            assertThat(models).startsWith(allModels.substring(0, allModels.length() - 2)).contains("\"id\":\"all-minilm:latest\"");
            assertThat(embeddings).isEqualTo(Fixtures.compactJson("openai/ollama-embeddings-response-constructed.json") + "\n");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).isEqualTo(Fixtures.compactJson("openai/ollama-error-constructed.json") + "\n");
            assertThat(unknown.body()).isEqualTo("404 page not found");
        }
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
