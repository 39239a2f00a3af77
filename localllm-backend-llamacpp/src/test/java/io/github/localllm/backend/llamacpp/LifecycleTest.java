package io.github.localllm.backend.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ContextOverflowException;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.GenerationTimeoutException;
import io.github.localllm.LoadOptions;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelInstance;
import io.github.localllm.SamplingParameters;
import io.github.localllm.spi.ModelLoadRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    private static ModelInstance model;

    @BeforeAll
    static void load() {
        model = new LlamaCppBackend().load(ModelLoadRequest.ofFile(TestModels.tiny(),
                LoadOptions.builder().contextSize(256).threads(1)
                        .engineOptions(LlamaCppOptions.builder().parallel(4).build()).build()));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static GenerationRequest greedy(String prompt, Integer maxTokens) {
        GenerationRequest.Builder b = GenerationRequest.builder().prompt(prompt).raw(true)
                .sampling(SamplingParameters.greedy());
        if (maxTokens != null) {
            b.maxTokens(maxTokens);
        }
        return b.build();
    }

    @Test
    void eightConcurrentRequestsAllCompleteCorrectly() throws Exception {
        List<String> prompts = List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel");
        List<String> expected = new ArrayList<>();
        for (String p : prompts) {
            expected.add(model.generate(greedy(p, 16)).text());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<GenerationResult>> futures = new ArrayList<>();
            for (String p : prompts) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return model.generate(greedy(p, 16));
                }));
            }
            start.countDown();
            for (int i = 0; i < prompts.size(); i++) {
                GenerationResult r = futures.get(i).get(120, TimeUnit.SECONDS);
                assertThat(r.text()).as(prompts.get(i)).isEqualTo(expected.get(i));
                assertThat(r.finishReason()).isIn(FinishReason.LENGTH, FinishReason.STOP);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closingAStreamCancelsGenerationAndFreesTheSlot() {
        GenerationResult cancelled;
        try (GenerationStream stream = model.stream(greedy("Go on forever", null))) {
            Iterator<GenerationChunk> chunks = stream.iterator();
            chunks.next();
            stream.close();
            while (chunks.hasNext()) {
                chunks.next();
            }
            cancelled = stream.result();
        }
        assertThat(cancelled.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(cancelled.usage().completionTokens()).isLessThan(200);
        // Four slots: if cancelled tasks kept theirs, these would queue behind them.
        for (int i = 0; i < 5; i++) {
            try (GenerationStream stream = model.stream(greedy("Another one", null))) {
                stream.iterator().next();
            }
        }
        assertThat(model.generate(greedy("Still serving", 4)).usage().completionTokens()).isEqualTo(4);
    }

    @Test
    void closingFromAnotherThreadStopsTheReader() throws Exception {
        GenerationStream stream = model.stream(greedy("Keep talking", null));
        CountDownLatch firstChunk = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        CompletableFuture<GenerationResult> reader = CompletableFuture.supplyAsync(() -> {
            for (GenerationChunk ignored : stream) {
                firstChunk.countDown();
                // Hold the reader until the close: left running, a random model can reach its
                // end-of-sequence token first, and the test would prove nothing.
                awaitQuietly(closed);
            }
            return stream.result();
        });
        assertThat(firstChunk.await(60, TimeUnit.SECONDS)).isTrue();
        stream.close();
        closed.countDown();
        assertThat(reader.get(60, TimeUnit.SECONDS).finishReason()).isEqualTo(FinishReason.CANCELLED);
    }

    @Test
    void cancellingTheFutureStopsGeneration() throws Exception {
        CompletableFuture<GenerationResult> future = model.generateAsync(greedy("Async and long", null));
        future.cancel(true);
        assertThatThrownBy(future::join).isInstanceOf(CancellationException.class);
        assertThat(model.generateAsync(greedy("Async", 3)).get(60, TimeUnit.SECONDS).usage().completionTokens())
                .isEqualTo(3);
    }

    @Test
    void aTimeoutThatPassesWhileTheReaderIsAwayStopsGenerationAndFreesTheSlot() throws Exception {
        GenerationRequest request = GenerationRequest.builder().prompt("Take your time").raw(true)
                .sampling(SamplingParameters.greedy()).timeout(Duration.ofMillis(200)).build();
        try (GenerationStream stream = model.stream(request)) {
            Iterator<GenerationChunk> chunks = stream.iterator();
            assertThat(chunks.next().text()).isNotEmpty();
            Thread.sleep(300);
            assertThatThrownBy(chunks::hasNext).isInstanceOfSatisfying(GenerationTimeoutException.class,
                    e -> assertThat(e.getMessage()).contains("did not finish within PT0.2S")
                            .contains("Raise the request's timeout"));
            assertThatThrownBy(stream::result).isInstanceOf(GenerationTimeoutException.class);
        }
        // Four slots: five more requests would queue behind a timed-out task that kept its slot.
        for (int i = 0; i < 5; i++) {
            try (GenerationStream stream = model.stream(greedy("Another one", null))) {
                stream.iterator().next();
            }
        }
        assertThat(model.generate(greedy("Still serving", 4)).usage().completionTokens()).isEqualTo(4);
    }

    @Test
    void aPromptLongerThanTheContextIsRefusedBeforeAnyWork() {
        String longPrompt = "word ".repeat(400);
        assertThatThrownBy(() -> model.stream(greedy(longPrompt, 4)))
                .isInstanceOfSatisfying(ContextOverflowException.class, e -> {
                    assertThat(e.contextSize()).isEqualTo(256);
                    assertThat(e.promptTokens()).isGreaterThan(256);
                    assertThat(e.getMessage()).contains("larger context");
                });
        assertThat(model.generate(greedy("Short", 2)).usage().completionTokens()).isEqualTo(2);
    }

    @Test
    void generationStopsAtTheEndOfTheContext() {
        String prompt = "word ".repeat(40);
        GenerationResult result = model.generate(greedy(prompt, 10_000));
        assertThat(result.finishReason()).isIn(FinishReason.LENGTH, FinishReason.STOP);
        assertThat(result.usage().totalTokens()).isLessThanOrEqualTo(256);
    }

    @Test
    void aClosedModelRefusesWorkInsteadOfCrashing() {
        ModelInstance other = new LlamaCppBackend().load(ModelLoadRequest.ofFile(TestModels.tiny(),
                LoadOptions.builder().contextSize(128).threads(1).build()));
        other.close();
        other.close();
        assertThatThrownBy(() -> other.generate(greedy("Hi", 2))).isInstanceOf(LocalLlmException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> other.tokenizer().orElseThrow().tokenize("Hi"))
                .isInstanceOf(LocalLlmException.class);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
