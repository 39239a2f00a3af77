package io.github.localllm.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.FinishReason;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.GenerationTimeoutException;
import io.github.localllm.ToolCall;
import io.github.localllm.ToolCallPiece;
import io.github.localllm.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class ChunkFeedTest {

    private static Thread producer(Runnable r) {
        Thread t = new Thread(r, "test-producer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void chunksArriveInOrderAndTheResultJoinsThem() {
        ChunkFeed feed = ChunkFeed.builder("m").build();
        producer(() -> {
            feed.thinking("hmm ");
            feed.text("Hel");
            feed.text("lo");
            feed.finish(FinishReason.STOP, new Usage(7, 2));
        });
        List<GenerationChunk> seen = new ArrayList<>();
        try (GenerationStream stream = feed.stream()) {
            stream.forEach(seen::add);
            GenerationResult result = stream.result();
            assertThat(result.text()).isEqualTo("Hello");
            assertThat(result.thinking()).isEqualTo("hmm ");
            assertThat(result.usage()).isEqualTo(new Usage(7, 2));
            assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(result.model()).isEqualTo("m");
        }
        assertThat(seen).extracting(GenerationChunk::index).containsExactly(0, 1, 2);
        assertThat(seen.get(0).thinking()).isEqualTo("hmm ");
        assertThat(seen.get(0).text()).isEmpty();
        assertThat(seen.get(2).text()).isEqualTo("lo");
    }

    @Test
    void toolCallPiecesAreJoinedByPositionAndTheReasonSaysSo() {
        ChunkFeed feed = ChunkFeed.builder("m").build();
        feed.toolCall(new ToolCallPiece(0, "call_a", "get_weather", "{\"city\":"));
        feed.toolCall(new ToolCallPiece(1, null, "get_time", ""));
        feed.toolCall(new ToolCallPiece(0, null, null, "\"Paris\"}"));
        feed.finish(FinishReason.STOP, null);
        GenerationResult result = feed.stream().result();
        assertThat(result.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(result.toolCalls()).containsExactly(
                new ToolCall("call_a", "get_weather", "{\"city\":\"Paris\"}"),
                new ToolCall("call_1", "get_time", "{}"));
    }

    @Test
    void withoutServerCountsUsageCountsTextPieces() {
        ChunkFeed feed = ChunkFeed.builder("m").build();
        feed.text("a");
        feed.text("");
        feed.text("b");
        feed.finish(FinishReason.LENGTH, null);
        assertThat(feed.stream().result().usage()).isEqualTo(new Usage(0, 2));
    }

    @Test
    void closingCancelsTheEngineOnceAndStopsTheProducer() throws Exception {
        AtomicInteger cancels = new AtomicInteger();
        ChunkFeed feed = ChunkFeed.builder("m").onCancel(cancels::incrementAndGet).capacity(2).build();
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicInteger pushed = new AtomicInteger();
        producer(() -> {
            while (feed.text("x")) {
                pushed.incrementAndGet();
            }
            stopped.countDown();
        });
        GenerationStream stream = feed.stream();
        Iterator<GenerationChunk> it = stream.iterator();
        assertThat(it.next().text()).isEqualTo("x");
        stream.close();
        stream.close();
        assertThat(stopped.await(5, TimeUnit.SECONDS)).as("the producer blocked on a full buffer is released").isTrue();
        assertThat(cancels.get()).isEqualTo(1);
        assertThat(it.hasNext()).isFalse();
        GenerationResult result = stream.result();
        assertThat(result.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(result.text()).hasSize(pushed.get());
        assertThat(feed.text("late")).isFalse();
    }

    @Test
    void aFullBufferHoldsTheProducerInsteadOfGrowing() throws Exception {
        ChunkFeed feed = ChunkFeed.builder("m").capacity(3).build();
        AtomicInteger pushed = new AtomicInteger();
        producer(() -> {
            for (int i = 0; i < 10; i++) {
                feed.text("t");
                pushed.incrementAndGet();
            }
            feed.finish(FinishReason.STOP, null);
        });
        Thread.sleep(200);
        assertThat(pushed.get()).isEqualTo(3);
        assertThat(feed.stream().result().text()).isEqualTo("tttttttttt");
    }

    @Test
    void aFailureComesAfterTheChunksBeforeIt() {
        ChunkFeed feed = ChunkFeed.builder("m").build();
        feed.text("partial");
        feed.fail(new GenerationException("the server closed the connection; retry"));
        feed.finish(FinishReason.STOP, null);
        Iterator<GenerationChunk> it = feed.stream().iterator();
        assertThat(it.next().text()).isEqualTo("partial");
        assertThatThrownBy(it::hasNext).isInstanceOf(GenerationException.class)
                .hasMessageContaining("closed the connection");
        assertThatThrownBy(() -> feed.stream().result()).isInstanceOf(GenerationException.class);
    }

    @Test
    void theRequestTimeoutEndsTheWaitCancelsTheEngineAndIsRetryable() {
        AtomicBoolean cancelled = new AtomicBoolean();
        ChunkFeed feed = ChunkFeed.builder("slow-model").timeout(Duration.ofMillis(150))
                .onCancel(() -> cancelled.set(true)).build();
        feed.text("a");
        GenerationStream stream = feed.stream();
        Iterator<GenerationChunk> it = stream.iterator();
        assertThat(it.next().text()).isEqualTo("a");
        assertThatThrownBy(it::hasNext).isInstanceOfSatisfying(GenerationTimeoutException.class, e -> {
            assertThat(e.getMessage()).contains("slow-model did not finish within PT0.15S")
                    .contains("Raise the request's timeout");
            assertThat(e.isRetryable()).isTrue();
        });
        assertThat(cancelled).isTrue();
        assertThat(feed.text("b")).isFalse();
    }

    @Test
    void anAnswerThatEndsAfterTheTimeoutFailsEvenIfNobodyWaited() throws Exception {
        ChunkFeed feed = ChunkFeed.builder("late-model").timeout(Duration.ofMillis(20)).build();
        feed.text("a");
        Thread.sleep(40);
        feed.finish(FinishReason.STOP, null);
        Iterator<GenerationChunk> it = feed.stream().iterator();
        assertThat(it.next().text()).isEqualTo("a");
        assertThatThrownBy(it::hasNext).isInstanceOf(GenerationTimeoutException.class)
                .hasMessageContaining("late-model did not finish within PT0.02S");
        assertThatThrownBy(() -> feed.stream().result()).isInstanceOf(GenerationTimeoutException.class);
    }

    @Test
    void aStreamIsIteratedOnce() {
        ChunkFeed feed = ChunkFeed.builder("m").build();
        feed.finish(FinishReason.STOP, null);
        feed.stream().iterator();
        assertThatThrownBy(() -> feed.stream().iterator()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void metricsAreMeasuredWhenTheServerGivesNone() throws Exception {
        ChunkFeed feed = ChunkFeed.builder("m").loadTime(Duration.ofMillis(5)).build();
        Thread.sleep(30);
        feed.text("a");
        feed.text("b");
        feed.finish(FinishReason.STOP, new Usage(3, 2));
        GenerationResult r = feed.stream().result();
        assertThat(r.metrics().loadTime()).isEqualTo(Duration.ofMillis(5));
        assertThat(r.metrics().timeToFirstToken()).isGreaterThanOrEqualTo(Duration.ofMillis(25));
        assertThat(r.metrics().totalTime()).isGreaterThanOrEqualTo(r.metrics().timeToFirstToken());
    }
}
