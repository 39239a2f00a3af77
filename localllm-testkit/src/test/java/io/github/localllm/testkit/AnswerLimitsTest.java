package io.github.localllm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The fakes end answers at stop sequences and token limits as the real servers do, and take answers queued at run time. */
class AnswerLimitsTest {
    private static final ScriptedAnswer ANSWER = ScriptedAnswer.of("The", " sky", " is", " blue", ".");

    @Test
    void ollamaLeavesOutTheStopSequenceAndEndsWithStop() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(ANSWER).start()) {
            HttpResponse<String> r = Client.post(ollama.uri("/api/generate"), "{\"model\":\"llama3.2\",\"prompt\":\"Hi\","
                    + "\"stream\":false,\"options\":{\"stop\":[\"zzz\",\"s bl\"]}}");

            assertThat(r.body()).contains("\"response\":\"The sky i\"").contains("\"done_reason\":\"stop\"")
                    .contains("\"eval_count\":4");
        }
    }

    @Test
    void ollamaStopsStreamingAtNumPredictWithLength() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(ANSWER).start()) {
            HttpResponse<String> r = Client.post(ollama.uri("/api/chat"), "{\"model\":\"llama3.2\","
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"options\":{\"num_predict\":2}}");

            assertThat(r.body().lines()).hasSize(3);
            assertThat(r.body()).contains("\"content\":\"The\"").contains("\"content\":\" sky\"").doesNotContain(" is")
                    .contains("\"done_reason\":\"length\"").contains("\"eval_count\":2");
        }
    }

    @Test
    void aStopSequenceAcrossPiecesHoldsBackItsBeginning() {
        try (FakeOpenAi server = FakeOpenAi.builder(FakeOpenAi.Flavor.VLLM).model("m").answer(ANSWER).start()) {
            HttpResponse<String> r = Client.post(server.uri("/v1/chat/completions"), "{\"model\":\"m\",\"messages\":"
                    + "[{\"role\":\"user\",\"content\":\"Hi\"}],\"stop\":\"ky is\"}");

            assertThat(r.body()).contains("\"content\":\"The s\"").contains("\"finish_reason\":\"stop\"");
        }
    }

    @Test
    void openAiTakesMaxTokensAndLlamaCppNPredict() {
        try (FakeOpenAi server = FakeOpenAi.builder(FakeOpenAi.Flavor.LLAMA_CPP).answer(ANSWER).start()) {
            String chat = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],";
            assertThat(Client.post(server.uri("/v1/chat/completions"), chat + "\"max_tokens\":3}").body())
                    .contains("\"content\":\"The sky is\"").contains("\"finish_reason\":\"length\"");
            assertThat(Client.post(server.uri("/v1/chat/completions"), chat + "\"n_predict\":1}").body())
                    .contains("\"content\":\"The\"").contains("\"finish_reason\":\"length\"");
            // LM Studio and llama.cpp read -1 as no limit.
            assertThat(Client.post(server.uri("/v1/chat/completions"), chat + "\"max_tokens\":-1}").body())
                    .contains("\"content\":\"The sky is blue.\"").contains("\"finish_reason\":\"stop\"");
        }
    }

    @Test
    void queuedAnswersComeFirstThenTheScript() {
        try (FakeLmStudio lmStudio = FakeLmStudio.builder().model("qwen").answer(ANSWER).start()) {
            lmStudio.answerNext(ScriptedAnswer.of("{\"a\":", "1}"));
            String chat = "{\"model\":\"qwen\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

            assertThat(Client.post(lmStudio.uri("/v1/chat/completions"), chat).body()).contains("\"content\":\"{\\\"a\\\":1}\"");
            assertThat(Client.post(lmStudio.uri("/v1/chat/completions"), chat).body()).contains("\"content\":\"The sky is blue.\"");
        }
    }
}
