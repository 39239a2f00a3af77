package io.github.localllm.backend.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelInstance;
import io.github.localllm.TokenLogprob;
import io.github.localllm.testkit.FakeOllama;
import io.github.localllm.testkit.ScriptedAnswer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Ollama's {@code logprobs} and {@code top_logprobs} (0.12.11 and later), on {@code /api/chat} and
 * {@code /api/generate}. The fake reports {@code -(i % 8 + 1) / 8} for token {@code i} and {@code alt<k>}
 * alternatives {@code k} less.
 */
class LogprobsTest {
    private static final ScriptedAnswer ANSWER = ScriptedAnswer.builder().pieces("The", " sky", " is").completionTokens(3)
            .build();

    private static List<TokenLogprob> expected(int alternatives) {
        String[] tokens = {"The", " sky", " is"};
        return IntStream.range(0, tokens.length).mapToObj(i -> new TokenLogprob(tokens[i], -(i + 1) / 8.0,
                IntStream.range(0, alternatives).mapToObj(k -> new TokenLogprob(k == 0 ? tokens[i] : "alt" + k,
                        -(i + 1) / 8.0 - k)).toList())).toList();
    }

    @Test
    void chatAndGenerateReportEachTokensLogprobStreamedOrWhole() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(ANSWER).answer(ANSWER).answer(ANSWER)
                .start(); OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            GenerationResult chat = model.generate(GenerationRequest.builder().user("Why?").logprobs(2).build());
            String chatBody = ollama.lastRequest().body();
            List<TokenLogprob> onChunks = new ArrayList<>();
            try (var stream = model.stream(GenerationRequest.builder().prompt("The sky").raw(true).logprobs(0).build())) {
                stream.forEach(c -> onChunks.addAll(c.logprobs()));
            }
            GenerationResult plain = model.generate(GenerationRequest.builder().user("Why?").build());

            assertThat(chat.logprobs()).isEqualTo(expected(2));
            assertThat(chatBody).contains("\"logprobs\":true", "\"top_logprobs\":2");
            assertThat(ollama.lastRequest().path()).isEqualTo("/api/chat");
            assertThat(onChunks).isEqualTo(expected(0));
            assertThat(plain.logprobs()).isEmpty();
            assertThat(ollama.lastRequest().body()).doesNotContain("logprobs");
        }
    }

    @Test
    void aServerBeforeTheirReleaseIsNamedWithTheVersionToUpdateTo() {
        try (FakeOllama ollama = FakeOllama.builder().version("0.12.6").model("llama3.2").start();
             OllamaBackend engine = Engines.engine(ollama); ModelInstance model = Engines.load(engine, "llama3.2")) {
            int before = ollama.requests().size();

            assertThat(model.info().capabilities().logprobs()).isFalse();
            assertThatThrownBy(() -> model.generate(GenerationRequest.builder().user("Why?").logprobs(1).build()))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("is version 0.12.6, which reports no log probabilities")
                    .hasMessageContaining("they came in Ollama 0.12.11: update Ollama");
            assertThat(ollama.requests()).hasSize(before);
        }
    }
}
