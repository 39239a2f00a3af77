package io.github.localllm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeLmStudioTest {
    private static final String QWEN = "lmstudio-community/qwen2.5-7b-instruct";

    @Test
    void streamsToolCallArgumentsInTheDocumentedFragments() {
        ScriptedAnswer answer = ScriptedAnswer.builder()
                .toolCall(FakeToolCall.of("get_current_weather", "{\"location\":\"San Francisco\"}").withId("814890118"))
                .id("chatcmpl-wwpstqqu94go4hvclqnpwn").build();
        try (FakeLmStudio lms = FakeLmStudio.builder().model(QWEN).answer(answer).clock(Clocks.fixedSeconds(1730916196)).start()) {
            HttpResponse<String> r = Client.post(lms.uri("/v1/chat/completions"), "{\"model\":\"" + QWEN + "\",\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in SF?\"}],\"tools\":[{\"type\":\"function\","
                    + "\"function\":{\"name\":\"get_current_weather\",\"parameters\":{\"type\":\"object\"}}}]}");

            assertThat(r.headers().firstValue("Content-Type")).contains("text/event-stream");
            assertThat(r.body()).isEqualTo(Fixtures.text("openai/lmstudio-chat-stream-tool-calls-constructed.sse"));
        }
    }

    @Test
    void answersToolCallsWithoutContentAndTheModelAsFingerprint() {
        ScriptedAnswer answer = ScriptedAnswer.builder()
                .toolCall(FakeToolCall.of("search_products", "{\"query\":\"dell\",\"category\":\"electronics\",\"max_price\":50}")
                        .withId("365174485"))
                .promptTokens(263).completionTokens(34).id("chatcmpl-gb1t1uqzefudice8ntxd9i").build();
        try (FakeLmStudio lms = FakeLmStudio.builder().model(QWEN).answer(answer).clock(Clocks.fixedSeconds(1730913210)).start()) {
            String tools = Fixtures.compactJson("openai/lmstudio-chat-tools-response.json");
            HttpResponse<String> r = Client.post(lms.uri("/v1/chat/completions"), "{\"model\":\"" + QWEN + "\",\"messages\":"
                    + "[{\"role\":\"user\",\"content\":\"dell under $50?\"}],\"tools\":[{\"type\":\"function\",\"function\":"
                    + "{\"name\":\"search_products\",\"parameters\":{\"type\":\"object\"}}}]}");

            assertThat(r.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
            assertThat(r.body()).isEqualTo(tools);
        }
    }

    @Test
    void answersUnknownRoutesWithHttp200AndAPlainStringError() {
        try (FakeLmStudio lms = FakeLmStudio.builder().start()) {
            HttpResponse<String> r = Client.get(lms.uri("/api/v0/load"));
            HttpResponse<String> v1 = Client.post(lms.uri("/v1/nope"), "{}");

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(Fixtures.compactJson("openai/lmstudio-error-unknown-endpoint.json"));
            assertThat(v1.statusCode()).isEqualTo(200);
            assertThat(v1.body()).isEqualTo("{\"error\":\"Unexpected endpoint or method. (POST /v1/nope)\"}");
        }
    }

    @Test
    void listsModelsInRestV0WithStateAndLoadedContext() {
        FakeModel llama = FakeModel.builder("meta-llama-3.1-8b-instruct").contextLength(131072).build();
        FakeModel nomic = FakeModel.builder("text-embedding-nomic-embed-text-v1.5").embedding(true).family("nomic-bert")
                .quantization("Q4_0").contextLength(2048).build();
        FakeModel qwen = FakeModel.builder("qwen2.5-7b-instruct").family("qwen2").contextLength(32768).loaded(true).build();
        try (FakeLmStudio lms = FakeLmStudio.builder().model(llama).model(nomic).model(qwen).start()) {
            String list = Client.get(lms.uri("/api/v0/models")).body();
            String one = Client.get(lms.uri("/api/v0/models/meta-llama-3.1-8b-instruct")).body();
            HttpResponse<String> missing = Client.get(lms.uri("/api/v0/models/nope"));

            String sample = Fixtures.compactJson("lmstudio/v0-models-response.json");
            String documented = sample.substring(sample.indexOf("{\"id\":\"meta-llama"), sample.length() - 2)
                    .replace("\"publisher\":\"nomic-ai\"", "\"publisher\":\"lmstudio-community\"");
            String loaded = Fixtures.compactJson("lmstudio/v0-models-response-loaded-constructed.json");
            String loadedEntry = loaded.substring(loaded.indexOf("{\"id\":\"qwen"), loaded.indexOf(",\"capabilities\"")) + "}";
            assertThat(list).isEqualTo("{\"object\":\"list\",\"data\":[" + documented + "," + loadedEntry + "]}");
            assertThat(one).isEqualTo(documented.substring(0, documented.indexOf("},{") + 1));
            assertThat(missing.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void answersRestV0ChatWithStatsInSecondsModelInfoAndRuntime() {
        String sample = Fixtures.compactJson("lmstudio/v0-chat-completions-response.json");
        String content = "Greetings, I'm a helpful AI, here to assist,\nIn providing answers, with no distress.\n"
                + "I'll keep it short and sweet, in rhyme you'll find,\nA friendly companion, all day long you'll bind.";
        ScriptedAnswer answer = ScriptedAnswer.builder().pieces(content).promptTokens(24).completionTokens(53)
                .promptEvalDuration(Duration.ofMillis(111)).evalDuration(Duration.ofMillis(954)).id("chatcmpl-i3gkjwthhw96whukek9tz").build();
        FakeModel granite = FakeModel.builder("granite-3.0-2b-instruct").family("granite").build();
        try (FakeLmStudio lms = FakeLmStudio.builder().model(granite).answer(answer).clock(Clocks.fixedSeconds(1731990317)).start()) {
            String body = Client.post(lms.uri("/api/v0/chat/completions"), Fixtures.compactJson("lmstudio/v0-chat-completions-request.json")).body();

            // LM Studio's own tokens_per_second is not completion tokens / generation time; the fake's is.
            assertThat(body).isEqualTo(sample.replace("\"tokens_per_second\":51.43709529007664", "\"tokens_per_second\":55.55555555555556"));
        }
    }

    @Test
    void embedsWithTheModelsVariantAndJavaScriptNumbers() {
        String sample = Fixtures.compactJson("lmstudio/v0-embeddings-response.json");
        float[] vector = new float[6];
        String[] values = sample.substring(sample.indexOf("[", sample.indexOf("embedding\"")) + 1, sample.indexOf("]")).split(",");
        for (int i = 0; i < vector.length; i++) {
            vector[i] = Float.parseFloat(values[i]);
        }
        try (FakeLmStudio lms = FakeLmStudio.builder().model(FakeModel.embedding("text-embedding-nomic-embed-text-v1.5")).embedding(vector).start()) {
            String v0 = Client.post(lms.uri("/api/v0/embeddings"), "{\"model\":\"text-embedding-nomic-embed-text-v1.5\","
                    + "\"input\":\"Some text to embed\"}").body();
            String v1 = Client.post(lms.uri("/v1/embeddings"), "{\"model\":\"text-embedding-nomic-embed-text-v1.5\",\"input\":[\"x\"]}").body();

            assertThat(v0).isEqualTo(sample);
            assertThat(v1).isEqualTo(sample);
        }
    }

    @Test
    void listsModelsInRestV1WithLoadedInstances() {
        FakeModel gemma = FakeModel.builder("google/gemma-4-26b-a4b").family("gemma4").sizeBytes(17990911801L).parameterSize("26B-A4B")
                .contextLength(262144).loaded(true).build();
        try (FakeLmStudio lms = FakeLmStudio.builder().model(gemma).model(FakeModel.embedding("text-embedding-nomic")).start()) {
            String body = Client.get(lms.uri("/api/v1/models")).body();

            String sample = Fixtures.compactJson("lmstudio/v1-models-response.json");
            String documented = sample.substring(0, sample.indexOf(",\"num_experts\""));
            assertThat(body).startsWith(documented)
                    .contains(",\"offload_kv_cache_to_gpu\":true}}],\"max_context_length\":262144,\"format\":\"gguf\","
                            + "\"capabilities\":{\"vision\":false,\"trained_for_tool_use\":true},\"description\":null}")
                    .endsWith("{\"type\":\"embedding\",\"publisher\":\"lmstudio-community\",\"key\":\"text-embedding-nomic\","
                            + "\"display_name\":\"Text Embedding Nomic\",\"quantization\":{\"name\":\"Q4_K_M\",\"bits_per_weight\":4},"
                            + "\"size_bytes\":274290560,\"params_string\":\"137M\",\"loaded_instances\":[],"
                            + "\"max_context_length\":4096,\"format\":\"gguf\"}]}");
        }
    }

    @Test
    void loadsAndUnloadsThroughRestV1() {
        FakeModel gptOss = FakeModel.builder("openai/gpt-oss-20b").contextLength(131072).build();
        try (FakeLmStudio lms = FakeLmStudio.builder().model(gptOss).loadTime(Duration.ofMillis(9099)).start()) {
            String load = Client.post(lms.uri("/api/v1/models/load"), Fixtures.text("lmstudio/v1-models-load-request.json")).body();
            String listed = Client.get(lms.uri("/api/v1/models")).body();
            String v0 = Client.get(lms.uri("/api/v0/models/openai/gpt-oss-20b")).body();
            String unload = Client.post(lms.uri("/api/v1/models/unload"), Fixtures.text("lmstudio/v1-models-unload-request.json")).body();
            HttpResponse<String> again = Client.post(lms.uri("/api/v1/models/unload"), Fixtures.text("lmstudio/v1-models-unload-request.json"));
            HttpResponse<String> unknown = Client.post(lms.uri("/api/v1/models/load"), "{\"model\":\"nope\"}");

            // The documented answer comes from a mixture-of-experts model; the fake has no num_experts to report.
            assertThat(load).isEqualTo(Fixtures.compactJson("lmstudio/v1-models-load-response.json").replace(",\"num_experts\":4", ""));
            assertThat(listed).contains("\"loaded_instances\":[{\"id\":\"openai/gpt-oss-20b\",\"config\":{\"context_length\":16384,");
            assertThat(v0).contains("\"state\":\"loaded\",\"max_context_length\":131072,\"loaded_context_length\":16384}");
            assertThat(unload).isEqualTo(Fixtures.compactJson("lmstudio/v1-models-unload-response.json"));
            assertThat(again.statusCode()).isEqualTo(404);
            assertThat(again.body()).startsWith("{\"error\":{\"type\":\"model_not_found\",\"message\":");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(Client.get(lms.uri("/api/v1/models")).body()).contains("\"loaded_instances\":[]");
        }
    }

    @Test
    void streamsRestV1ChatAsNamedEventsEndingWithChatEnd() {
        String model = "openai/gpt-oss-20b";
        ScriptedAnswer answer = ScriptedAnswer.builder().pieces("The current", " top model").promptTokens(329).build();
        try (FakeLmStudio lms = FakeLmStudio.builder().model(model).answer(answer).loadTime(Duration.ofMillis(12340)).start()) {
            HttpResponse<String> r = Client.post(lms.uri("/api/v1/chat"), "{\"model\":\"" + model + "\",\"input\":\"Top model?\",\"stream\":true}");
            String single = Client.post(lms.uri("/api/v1/chat"), "{\"model\":\"" + model + "\",\"input\":\"Top model?\"}").body();

            List<String> events = Arrays.asList(r.body().split("\n\n"));
            assertThat(r.headers().firstValue("Content-Type")).contains("text/event-stream");
            assertThat(events).extracting(e -> e.substring("event: ".length(), e.indexOf('\n'))).containsExactly("chat.start",
                    "model_load.start", "model_load.progress", "model_load.end", "prompt_processing.start", "prompt_processing.progress",
                    "prompt_processing.end", "message.start", "message.delta", "message.delta", "message.end", "chat.end");
            // Events whose data the fake can match are exactly the documented ones.
            List<String> documented = Arrays.asList(Fixtures.text("lmstudio/v1-chat-stream-events.sse").split("\n\n"));
            for (String name : List.of("chat.start", "model_load.start", "model_load.end", "prompt_processing.start",
                    "prompt_processing.end", "message.start", "message.delta", "message.end")) {
                String sample = documented.stream().filter(e -> e.startsWith("event: " + name + "\n")).findFirst().orElseThrow();
                assertThat(events).contains(sample);
            }
            String end = events.get(events.size() - 1);
            assertThat(end).startsWith("event: chat.end\ndata: {\"type\":\"chat.end\",\"result\":{\"model_instance_id\":\"" + model
                    + "\",\"output\":[{\"type\":\"message\",\"content\":\"The current top model\"}],\"stats\":{\"input_tokens\":329,")
                    .contains("\"model_load_time_seconds\":12.34}").doesNotContain("[DONE]");
            // Once loaded, the answer reports no load time.
            assertThat(single).startsWith("{\"model_instance_id\":\"" + model + "\",\"output\":[{\"type\":\"message\",\"content\":"
                    + "\"The current top model\"}],\"stats\":{\"input_tokens\":329,\"total_output_tokens\":2,\"reasoning_output_tokens\":0,"
                    + "\"tokens_per_second\":100,\"time_to_first_token_seconds\":0.02},\"response_id\":\"resp_")
                    .doesNotContain("model_load_time_seconds");
            assertThat(Fixtures.keys(single)).isEqualTo(Fixtures.keys(Fixtures.compactJson("lmstudio/v1-chat-images-response.json")));
        }
    }
}
