package io.github.localllm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LanguageModel;
import io.github.localllm.fake.Await;
import io.github.localllm.fake.FakeStream;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** {@link LanguageModel#generateAsync}, which runs on {@link AsyncGeneration}. */
class AsyncGenerationTest {
    private static final GenerationRequest REQUEST = GenerationRequest.of("hi");

    /** A model whose only working method is stream(). */
    private static LanguageModel model(Supplier<GenerationStream> stream) {
        return new LanguageModel() {
            @Override
            public GenerationResult generate(GenerationRequest request) {
                throw new AssertionError("generateAsync must go through stream() so that it can be cancelled");
            }

            @Override
            public GenerationStream stream(GenerationRequest request) {
                return stream.get();
            }

            @Override
            public EmbeddingResult embed(EmbeddingRequest request) {
                throw new AssertionError("not used");
            }
        };
    }

    @Test
    void completesWithTheStreamsResultAndClosesIt() throws Exception {
        FakeStream stream = FakeStream.of("Hel", "lo");
        CompletableFuture<GenerationResult> future = model(() -> stream).generateAsync(REQUEST);

        GenerationResult result = future.get(20, TimeUnit.SECONDS);
        assertThat(result.text()).isEqualTo("Hello");
        assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(stream.isClosed()).isTrue();
    }

    @Test
    void cancelClosesTheRunningStream() throws Exception {
        FakeStream stream = FakeStream.hanging("partial");
        CountDownLatch opened = new CountDownLatch(1);
        CompletableFuture<GenerationResult> future = model(() -> {
            opened.countDown();
            return stream;
        }).generateAsync(REQUEST);
        assertThat(opened.await(20, TimeUnit.SECONDS)).isTrue();

        assertThat(future.cancel(true)).isTrue();

        // the stream hangs until closed, so only cancel() can have released it
        assertThat(stream.closedLatch().await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(future).isCancelled();
        assertThatThrownBy(future::join).isInstanceOf(CancellationException.class);
    }

    @Test
    void cancelBeforeTheStreamOpensClosesItOnArrival() throws Exception {
        FakeStream stream = FakeStream.hanging();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        CompletableFuture<GenerationResult> future = model(() -> {
            entered.countDown();
            try {
                proceed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return stream;
        }).generateAsync(REQUEST);
        assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();

        future.cancel(true);
        proceed.countDown();

        assertThat(stream.closedLatch().await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(future).isCancelled();
    }

    @Test
    void exceptionFromStreamFailsTheFuture() {
        InvalidRequestException invalid = new InvalidRequestException("prompt too long");
        CompletableFuture<GenerationResult> future = model(() -> {
            throw invalid;
        }).generateAsync(REQUEST);

        assertThatThrownBy(() -> future.get(20, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCause(invalid);
    }

    @Test
    void failureWhileGeneratingFailsTheFutureAndClosesTheStream() {
        GenerationException boom = new GenerationException("engine crashed");
        FakeStream stream = FakeStream.failing(boom, "a");
        CompletableFuture<GenerationResult> future = model(() -> stream).generateAsync(REQUEST);

        assertThatThrownBy(() -> future.get(20, TimeUnit.SECONDS)).hasCause(boom);
        Await.until(stream::isClosed, "stream closed");
    }
}
