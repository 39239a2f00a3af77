package io.github.localllm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fake Ollama's thinking, capability refusals, copy, and prompts longer than the context by server version. */
class FakeOllamaLimitsTest {
    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Count\"}]%s}";

    @Test
    void aThinkingModelStreamsItsReasoningBeforeTheTextAsTheConstructedSampleShows() {
        ScriptedAnswer answer = ScriptedAnswer.builder().thinking("Let me", " count.").pieces("There are", " 3.")
                .totalDuration(Duration.ofNanos(4193432541L)).loadDuration(Duration.ofNanos(35212875)).promptTokens(19)
                .promptEvalDuration(Duration.ofNanos(62307708)).completionTokens(272)
                .evalDuration(Duration.ofNanos(4095135333L)).build();
        Instant t = Instant.parse("2025-05-29T09:35:56.1Z");
        FakeModel qwen3 = FakeModel.builder("qwen3").capabilities("completion", "tools", "thinking").build();
        try (FakeOllama ollama = FakeOllama.builder().model(qwen3).answer(answer)
                .clock(Clocks.readings(t, t, t.plusMillis(100), t.plusMillis(200), t.plusMillis(300), t.plusMillis(400)))
                .start()) {
            Raw.Response r = Raw.post(ollama.uri("/api/chat"), String.format(CHAT, "qwen3", ""));

            StringBuilder expected = new StringBuilder();
            Fixtures.lines("ollama/chat-think-stream-constructed.ndjson").forEach(l -> expected.append(l).append('\n'));
            assertThat(r.body()).isEqualTo(expected.toString());
        }
    }

    @Test
    void thinkingIsLeftOutWhenTheRequestSaysNoAndRefusedToAModelThatCannot() {
        ScriptedAnswer answer = ScriptedAnswer.builder().thinking("Hmm").pieces("3").build();
        FakeModel qwen3 = FakeModel.builder("qwen3").capabilities("completion", "thinking").build();
        try (FakeOllama ollama = FakeOllama.builder().model(qwen3).model("llama3.2").answer(answer).start()) {
            String off = Client.post(ollama.uri("/api/chat"), String.format(CHAT, "qwen3", ",\"think\":false,\"stream\":false"))
                    .body();
            HttpResponse<String> refused = Client.post(ollama.uri("/api/generate"),
                    "{\"model\":\"llama3.2\",\"prompt\":\"Count\",\"think\":true}");

            assertThat(off).contains("\"message\":{\"role\":\"assistant\",\"content\":\"3\"}").doesNotContain("thinking");
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).isEqualTo(Fixtures.compactJson("ollama/error-400-does-not-support-thinking.json"));
        }
    }

    @Test
    void toolsToAModelWithoutTheCapabilityAreRefusedWithItsFullName() {
        FakeModel gemma = FakeModel.builder("gemma:2b").capabilities("completion").build();
        try (FakeOllama ollama = FakeOllama.builder().model(gemma).start()) {
            HttpResponse<String> r = Client.post(ollama.uri("/api/chat"), String.format(CHAT, "gemma:2b",
                    ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{}}}]"));

            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).isEqualTo(Fixtures.compactJson("ollama/error-400-does-not-support-tools.json"));
        }
    }

    @Test
    void copyAddsTheModelUnderTheNewNameAndAMissingSourceIs404() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").start()) {
            HttpResponse<String> ok = Client.post(ollama.uri("/api/copy"),
                    "{\"source\":\"llama3.2\",\"destination\":\"llama3-backup\"}");
            HttpResponse<String> missing = Client.post(ollama.uri("/api/copy"),
                    "{\"source\":\"nope\",\"destination\":\"other\"}");

            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).isEmpty();
            assertThat(Client.get(ollama.uri("/api/tags")).body()).contains("\"name\":\"llama3-backup:latest\"");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).isEqualTo("{\"error\":\"model \\\"nope\\\" not found\"}");
        }
    }

    @Test
    void anEmbeddingModelUnloadsThroughGenerateAsOnTheServer() {
        try (FakeOllama ollama = FakeOllama.builder().model(FakeModel.embedding("all-minilm").withLoaded(true)).start()) {
            HttpResponse<String> r = Client.post(ollama.uri("/api/generate"), "{\"model\":\"all-minilm\",\"keep_alive\":0}");

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"done_reason\":\"unload\"");
            assertThat(Client.get(ollama.uri("/api/ps")).body()).isEqualTo("{\"models\":[]}");
        }
    }

    @Test
    void psReportsTheContextTheModelWasLoadedWithClampedToTheTrainedOne() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").start()) {
            Client.post(ollama.uri("/api/generate"), "{\"model\":\"llama3.2\",\"options\":{\"num_ctx\":1024}}");
            String small = Client.get(ollama.uri("/api/ps")).body();
            Client.post(ollama.uri("/api/generate"), "{\"model\":\"llama3.2\",\"options\":{\"num_ctx\":65536}}");
            String clamped = Client.get(ollama.uri("/api/ps")).body();

            assertThat(small).contains("\"context_length\":1024");
            assertThat(clamped).contains("\"context_length\":4096");
        }
    }

    @Test
    void aPromptLongerThanTheContextIsCutOrRefusedAsEachServerGenerationDoes() {
        ScriptedAnswer longPrompt = ScriptedAnswer.builder().pieces("ok").promptTokens(600).build();
        String generate = "{\"model\":\"llama3.2\",\"prompt\":\"long\",\"stream\":false,\"options\":{\"num_ctx\":512}%s}";
        try (FakeOllama old = FakeOllama.builder().version("0.5.7").model("llama3.2").answer(longPrompt).start();
             FakeOllama go = FakeOllama.builder().version("0.12.6").model("llama3.2").answer(longPrompt).start();
             FakeOllama current = FakeOllama.builder().model("llama3.2").answer(longPrompt).start()) {
            // Before 0.12.6 truncate is unknown: exactly num_ctx tokens are kept, whatever the request says.
            assertThat(Client.post(old.uri("/api/generate"), String.format(generate, ",\"truncate\":false")).body())
                    .contains("\"prompt_eval_count\":512");
            // The Go runners since 0.12.6 refuse with truncate:false and cut otherwise.
            HttpResponse<String> refused = Client.post(go.uri("/api/generate"), String.format(generate, ",\"truncate\":false"));
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).isEqualTo(Fixtures.compactJson("ollama/error-400-input-exceeds-context.json"));
            assertThat(Client.post(go.uri("/api/generate"), String.format(generate, "")).body())
                    .contains("\"prompt_eval_count\":512");
            // llama-server refuses the whole prompt; with context shifting Ollama keeps about half.
            HttpResponse<String> server = Client.post(current.uri("/api/generate"), String.format(generate, ",\"truncate\":false"));
            assertThat(server.statusCode()).isEqualTo(400);
            assertThat(server.body()).isEqualTo("{\"error\":\"{\\\"error\\\":{\\\"code\\\":400,\\\"message\\\":\\\"request (600"
                    + " tokens) exceeds the available context size (512 tokens), try increasing it\\\",\\\"type\\\":"
                    + "\\\"exceed_context_size_error\\\",\\\"n_prompt_tokens\\\":600,\\\"n_ctx\\\":512}}\"}");
            assertThat(Client.post(current.uri("/api/generate"), String.format(generate, "")).body())
                    .contains("\"prompt_eval_count\":258");
            HttpResponse<String> noShift = Client.post(current.uri("/api/generate"), String.format(generate, ",\"shift\":false"));
            assertThat(noShift.statusCode()).isEqualTo(400);
            assertThat(noShift.body()).contains("the prompt is longer than the context length currently available");
        }
    }

    @Test
    void anEmbeddingInputLongerThanTheContextIsRefusedWhenTruncationIsOff() {
        try (FakeOllama ollama = FakeOllama.builder().model(FakeModel.embedding("all-minilm")).start()) {
            String words = String.join(" ", java.util.Collections.nCopies(20, "word"));
            HttpResponse<String> r = Client.post(ollama.uri("/api/embed"), "{\"model\":\"all-minilm\",\"input\":[\""
                    + words + "\"],\"truncate\":false,\"options\":{\"num_ctx\":8}}");

            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).isEqualTo(Fixtures.compactJson("ollama/error-400-input-exceeds-context.json"));
            assertThat(List.of(r.headers().firstValue("Content-Type").orElse(""))).containsExactly("application/json; charset=utf-8");
        }
    }
}
