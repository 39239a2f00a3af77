package io.github.localllm.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.localllm.FinishReason;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.ModelInstance;
import io.github.localllm.TokenLogprob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Generating and streaming: agreement, chunks, result fields, token limits, stop sequences. */
final class GenerationChecks {
    /** The token limit of ordinary checks: long enough for a stop sequence inside, short enough to be quick. */
    static final int ANSWER_TOKENS = 32;
    static final String PROMPT = "Name three colors.";
    private static final String NEVER = "@@never-in-an-answer@@";

    private final EngineContract contract;
    private final ModelInstance model;

    GenerationChecks(EngineContract contract) {
        this.contract = contract;
        this.model = contract.sharedModel();
    }

    private GenerationRequest.Builder ordinary(String prompt) {
        return contract.deterministic().prompt(prompt).maxTokens(ANSWER_TOKENS);
    }

    void generateAndStreamAgree() {
        GenerationRequest request = ordinary(PROMPT).build();
        GenerationResult generated = model.generate(request);
        Answers.Streamed streamed = Answers.stream(model, request);

        assertThat(generated.text()).as("the answer of generate()").isNotEmpty();
        assertThat(streamed.result().text()).as("stream() against generate() for the same deterministic request")
                .isEqualTo(generated.text());
        assertThat(streamed.result().finishReason()).as("finish reason of stream() against generate()")
                .isEqualTo(generated.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
        if (contract.reportsUsage()) {
            assertThat(streamed.result().usage().completionTokens()).as("completion tokens of stream() against generate()")
                    .isEqualTo(generated.usage().completionTokens());
        }
    }

    void logprobs() {
        assumeTrue(contract.capabilities().logprobs(), "the model does not report log probabilities");
        GenerationRequest request = ordinary(PROMPT).logprobs(2).build();
        GenerationResult generated = model.generate(request);
        Answers.Streamed streamed = Answers.stream(model, request);

        assertThat(generated.logprobs()).as("log probabilities of an answer that asked for them").isNotEmpty();
        if (contract.reportsUsage()) {
            assertThat(generated.logprobs()).as("one log probability per generated token")
                    .hasSize(generated.usage().completionTokens());
        }
        for (TokenLogprob token : generated.logprobs()) {
            assertThat(token.logprob()).as("the log probability of " + token).isLessThanOrEqualTo(0);
            assertThat(token.alternatives()).as("alternatives of " + token).hasSizeLessThanOrEqualTo(2)
                    .allSatisfy(a -> assertThat(a.logprob()).isLessThanOrEqualTo(0));
        }
        // A prompt evaluated afresh or taken from the cache gives logits that differ in their last bits.
        assertThat(streamed.result().logprobs()).as("log probabilities of stream() against generate()")
                .hasSameSizeAs(generated.logprobs());
        for (int i = 0; i < generated.logprobs().size(); i++) {
            TokenLogprob a = streamed.result().logprobs().get(i);
            TokenLogprob b = generated.logprobs().get(i);
            assertThat(a.token()).as("token " + i + " of stream() against generate()").isEqualTo(b.token());
            assertThat(a.logprob()).as("log probability of token " + i).isCloseTo(b.logprob(), within(1e-3));
            assertThat(a.alternatives()).as("alternatives of token " + i).hasSameSizeAs(b.alternatives());
        }
        List<TokenLogprob> onChunks = new ArrayList<>();
        streamed.chunks().forEach(c -> onChunks.addAll(c.logprobs()));
        assertThat(onChunks).as("the chunks' log probabilities, joined, against the result's").isEqualTo(
                streamed.result().logprobs());
        assertThat(model.generate(ordinary(PROMPT).build()).logprobs()).as("log probabilities nobody asked for").isEmpty();
    }

    void chunksAddUp() {
        Answers.Streamed streamed = Answers.stream(model, ordinary("Describe the sea.").build());
        assertThat(streamed.chunks()).as("chunks of a non-empty answer").isNotEmpty();
        Answers.assertChunksAddUp(streamed);
    }

    void sameRequestSameAnswer() {
        GenerationRequest request = ordinary("Say something about rivers.").build();
        String first = model.generate(request).text();
        assertThat(model.generate(request).text())
                .as("a second answer to the same request; the contract needs deterministic answers: make"
                        + " deterministic() give them (greedy sampling, a seed) or the engine's script repeat")
                .isEqualTo(first);
    }

    void resultDescribesAnswer() {
        GenerationResult result = model.generate(ordinary(PROMPT).build());
        assertThat(result.model()).as("the result's model against the loaded model's name").isEqualTo(model.info().name());
        assertThat(result.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
        assertThat(result.toolCalls()).as("tool calls of a request that offered no tools").isEmpty();
        if (contract.reportsUsage()) {
            assertThat(result.usage().promptTokens()).as("prompt tokens").isPositive();
            assertThat(result.usage().completionTokens()).as("completion tokens").isBetween(1, ANSWER_TOKENS);
        }
        assertThat(result.metrics().timeToFirstToken()).as("time to first token").isGreaterThanOrEqualTo(Duration.ZERO);
        assertThat(result.metrics().totalTime()).as("total time").isGreaterThanOrEqualTo(result.metrics().timeToFirstToken());
        assertThat(result.metrics().generationTokensPerSecond()).as("generation rate").isFinite().isNotNegative();
        assertThat(result.metrics().promptTokensPerSecond()).as("prompt rate").isFinite().isNotNegative();
    }

    void conversation() {
        GenerationRequest request = contract.deterministic().system("You answer briefly.").user("Name a planet.")
                .maxTokens(ANSWER_TOKENS).build();
        GenerationResult result = model.generate(request);
        assertThat(result.text()).as("the answer to a conversation").isNotEmpty();
        assertThat(result.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
        assertThat(Answers.stream(model, request).result().text()).as("the streamed answer to the same conversation")
                .isEqualTo(result.text());
    }

    void maxTokens() {
        GenerationResult full = model.generate(ordinary(PROMPT).build());
        int length = contract.reportsUsage() ? full.usage().completionTokens()
                : Answers.stream(model, ordinary(PROMPT).build()).chunks().size();
        assertThat(length).as("tokens of the deterministic answer \"%s\"; it needs at least 2 to be cut", full.text())
                .isGreaterThanOrEqualTo(2);
        int limit = Math.min(length - 1, 4);
        GenerationRequest limited = ordinary(PROMPT).maxTokens(limit).build();

        GenerationResult cut = model.generate(limited);
        assertThat(cut.finishReason()).as("finish reason at maxTokens %d of an answer of %d tokens", limit, length)
                .isEqualTo(FinishReason.LENGTH);
        assertThat(full.text()).as("the whole answer starts with the one cut at %d tokens", limit).startsWith(cut.text());
        assertThat(cut.text().length()).as("length of the cut answer against the whole one").isLessThan(full.text().length());
        if (contract.reportsUsage()) {
            assertThat(cut.usage().completionTokens()).as("completion tokens at maxTokens %d", limit).isBetween(1, limit);
        }
        Answers.Streamed streamed = Answers.stream(model, limited);
        assertThat(streamed.result().finishReason()).as("finish reason of the stream at maxTokens %d", limit)
                .isEqualTo(FinishReason.LENGTH);
        assertThat(streamed.result().text()).as("the streamed answer cut at %d tokens", limit).isEqualTo(cut.text());
        Answers.assertChunksAddUp(streamed);
    }

    void stopSequence() {
        String full = model.generate(ordinary(PROMPT).build()).text();
        assertThat(full).as("the deterministic answer").doesNotContain(NEVER);
        String stop = Answers.stopWithin(full);
        String expected = full.substring(0, full.indexOf(stop));
        GenerationRequest request = ordinary(PROMPT).stop(NEVER, stop).build();

        GenerationResult result = model.generate(request);
        assertThat(result.text()).as("the answer \"%s\" with stop sequence \"%s\"", full, stop).isEqualTo(expected);
        assertThat(result.finishReason()).as("finish reason at a stop sequence").isEqualTo(FinishReason.STOP);
        Answers.Streamed streamed = Answers.stream(model, request);
        assertThat(streamed.joinedText()).as("streamed chunks of the answer with stop sequence \"%s\"", stop)
                .isEqualTo(expected);
        assertThat(streamed.result().text()).isEqualTo(expected);
        assertThat(streamed.result().finishReason()).as("finish reason of the stream at a stop sequence")
                .isEqualTo(FinishReason.STOP);
    }
}
