package io.github.localllm.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.localllm.FinishReason;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.GenerationTimeoutException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelInstance;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/** Closing streams and models, cancelling futures, request timeouts; after each, the model still serves. */
final class CancellationChecks {
    /** Longer than any check waits, shorter than the checks' own timeout. */
    private static final Duration STALL = Duration.ofSeconds(20);
    /**
     * The stall of a generation started on another thread: the next request may take it instead when
     * the engine cannot say when the cancelled one reached it, so it is short.
     */
    private static final Duration FUTURE_STALL = Duration.ofSeconds(2);
    private static final long REQUEST_WAIT_MILLIS = 10_000;
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final String LONG_PROMPT = "Tell a long story about a lighthouse keeper.";
    private static final String NEXT_PROMPT = "Are you still there?";

    private final EngineContract contract;
    private final ModelInstance model;

    CancellationChecks(EngineContract contract) {
        this.contract = contract;
        this.model = contract.sharedModel();
    }

    /** A request without a token limit: it runs until the model ends it or the context is full. */
    private GenerationRequest longRequest() {
        return contract.deterministic().prompt(LONG_PROMPT).build();
    }

    private GenerationRequest next() {
        return contract.deterministic().prompt(NEXT_PROMPT).maxTokens(8).build();
    }

    void closeStream() {
        String expected = model.generate(next()).text();
        contract.stallNextGeneration(STALL);
        GenerationResult result;
        String first;
        try (GenerationStream stream = model.stream(longRequest())) {
            Iterator<GenerationChunk> chunks = stream.iterator();
            assertThat(chunks.hasNext()).as("a long answer has a first chunk").isTrue();
            first = chunks.next().text();
            stream.close();
            while (chunks.hasNext()) {
                chunks.next(); // chunks already on their way may still come; then the stream must end
            }
            result = stream.result();
        }
        assertThat(result.finishReason()).as("finish reason of a stream closed after its first chunk")
                .isEqualTo(FinishReason.CANCELLED);
        assertThat(result.text()).as("text of the cancelled stream").startsWith(first);
        assertThat(model.generate(next()).text()).as("the answer to the next request after a cancelled stream")
                .isEqualTo(expected);
    }

    void cancelFuture() {
        String expected = model.generate(next()).text();
        long before = contract.requestsReceived();
        boolean stalled = contract.stallNextGeneration(FUTURE_STALL);
        CompletableFuture<GenerationResult> future = model.generateAsync(longRequest());
        boolean cancelled = future.cancel(true);
        assumeTrue(cancelled, "the long answer was complete before cancel() was called; make the engine's next"
                + " answer slow with stallNextGeneration");
        assertThat(future).isCancelled();
        assertThatThrownBy(future::join).isInstanceOf(CancellationException.class);
        if (stalled && before >= 0) {
            // The generation runs on its own thread: let its request take the stall, not the next one.
            awaitRequests(before + 1);
        }
        assertThat(model.generate(next()).text()).as("the answer to the next request after a cancelled future")
                .isEqualTo(expected);
    }

    private void awaitRequests(long count) {
        long deadline = System.nanoTime() + REQUEST_WAIT_MILLIS * 1_000_000L;
        while (contract.requestsReceived() < count && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    void closeModelWhileStreaming() {
        ModelInstance own = contract.load();
        contract.stallNextGeneration(STALL);
        GenerationStream stream = own.stream(longRequest());
        Iterator<GenerationChunk> chunks = stream.iterator();
        assertThat(chunks.hasNext()).as("a long answer has a first chunk").isTrue();
        chunks.next();

        own.close();
        while (chunks.hasNext()) {
            chunks.next();
        }
        assertThat(stream.result().finishReason()).as("finish reason of a stream whose model was closed")
                .isEqualTo(FinishReason.CANCELLED);
        stream.close();
        assertThatThrownBy(() -> own.generate(next())).isInstanceOf(LocalLlmException.class)
                .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase("closed"));
        assertThat(model.generate(next()).text()).as("another instance of the model answers after one was closed")
                .isNotEmpty();
    }

    void timeoutBeforeAnswer() {
        String expected = model.generate(next()).text();
        // No engine answers within a nanosecond: the time is up before the first token.
        GenerationRequest request = contract.deterministic().prompt(GenerationChecks.PROMPT)
                .maxTokens(GenerationChecks.ANSWER_TOKENS).timeout(Duration.ofNanos(1)).build();

        assertThatThrownBy(() -> model.generate(request)).as("generate() with a timeout of 1 ns")
                .isInstanceOfSatisfying(GenerationTimeoutException.class, e -> assertThat(e.isRetryable()).isTrue());
        assertThatThrownBy(() -> {
            try (GenerationStream stream = model.stream(request)) {
                stream.result();
            }
        }).as("stream() with a timeout of 1 ns").isInstanceOf(GenerationTimeoutException.class);
        assertThat(model.generate(next()).text()).as("the answer to the next request after timeouts").isEqualTo(expected);
    }

    void stalledAnswerTimesOut() {
        String expected = model.generate(next()).text();
        GenerationRequest request = contract.deterministic().prompt(LONG_PROMPT).timeout(TIMEOUT).build();
        assumeTrue(contract.stallNextGeneration(STALL), "the engine cannot be made to stall (stallNextGeneration);"
                + " the timeout is checked by aTimeoutShorterThanTheAnswerThrows");

        assertThatThrownBy(() -> model.generate(request)).as("generate() of an answer that stalls past its timeout")
                .isInstanceOf(GenerationTimeoutException.class);
        assertThat(contract.stallNextGeneration(STALL)).isTrue();
        assertThatThrownBy(() -> {
            try (GenerationStream stream = model.stream(request)) {
                for (GenerationChunk ignored : stream) {
                    // the first piece comes, then the stall
                }
            }
        }).as("a stream that stalls past its timeout").isInstanceOf(GenerationTimeoutException.class);
        assertThat(model.generate(next()).text()).as("the answer to the next request after timeouts").isEqualTo(expected);
    }
}
