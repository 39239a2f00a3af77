package io.github.localllm.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.FinishReason;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.GenerationTimeoutException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ToolCall;
import io.github.localllm.ToolCallPiece;
import io.github.localllm.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class ChunkFeedPullTest {
    private static final String DONE = "\u0000done";
    private static final String CLOSED = "\u0000closed";

    /**
     * An answer read line by line, as an HTTP stream is: {@code next()} blocks until a line comes,
     * and {@code close()} from any thread unblocks it with a failure.
     */
    private static final class Answer implements ChunkFeed.Step {
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final AtomicInteger closes = new AtomicInteger();
        final AtomicInteger steps = new AtomicInteger();
        final CountDownLatch reading = new CountDownLatch(1);
        volatile Thread stepper;

        Answer lines(String... v) {
            lines.addAll(List.of(v));
            return this;
        }

        void close() {
            closes.incrementAndGet();
            lines.add(CLOSED);
        }

        @Override
        public boolean advance(ChunkFeed feed) {
            steps.incrementAndGet();
            stepper = Thread.currentThread();
            String line;
            try {
                if (lines.isEmpty()) {
                    reading.countDown();
                }
                line = lines.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalLlmException("interrupted", e);
            }
            if (line.equals(CLOSED)) {
                throw new GenerationException("the answer was closed");
            }
            if (line.equals(DONE)) {
                feed.finish(FinishReason.STOP, new Usage(1, 2));
                return false;
            }
            if (line.startsWith("!")) {
                throw new GenerationException(line.substring(1));
            }
            return feed.text(line);
        }
    }

    private static ChunkFeed pulled(Answer answer, Duration timeout) {
        return ChunkFeed.builder("m").timeout(timeout).onCancel(answer::close).pull(answer).build();
    }

    @Test
    void stepsRunOnTheConsumersThreadOnlyWhenItWantsAChunk() {
        Answer answer = new Answer().lines("Hel", "lo", DONE);
        ChunkFeed feed = pulled(answer, null);
        assertThat(answer.steps.get()).as("nothing is read before the consumer asks").isZero();
        List<String> seen = new ArrayList<>();
        try (GenerationStream stream = feed.stream()) {
            Iterator<GenerationChunk> it = stream.iterator();
            seen.add(it.next().text());
            assertThat(answer.steps.get()).isEqualTo(1);
            it.forEachRemaining(c -> seen.add(c.text()));
            GenerationResult result = stream.result();
            assertThat(result.text()).isEqualTo("Hello");
            assertThat(result.usage()).isEqualTo(new Usage(1, 2));
            assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
        }
        assertThat(seen).containsExactly("Hel", "lo");
        assertThat(answer.stepper).isSameAs(Thread.currentThread());
        assertThat(answer.closes.get()).as("an answer that ended is not cancelled").isZero();
    }

    @Test
    void resultDrainsByStepping() {
        Answer answer = new Answer().lines("a", "b", "c", DONE);
        ChunkFeed feed = pulled(answer, null);
        assertThat(feed.stream().result().text()).isEqualTo("abc");
        assertThat(answer.steps.get()).isEqualTo(4);
    }

    @Test
    void aStepMayPushSeveralPiecesAndToolCallsAreJoined() {
        ChunkFeed feed = ChunkFeed.builder("m").pull(f -> {
            f.thinking("hmm");
            f.toolCall(new ToolCallPiece(0, "c1", "f", "{\"a\":"));
            f.toolCall(new ToolCallPiece(0, null, null, "1}"));
            f.finish(FinishReason.STOP, null);
            return false;
        }).build();
        List<GenerationChunk> chunks = new ArrayList<>();
        feed.stream().forEach(chunks::add);
        assertThat(chunks).extracting(GenerationChunk::index).containsExactly(0, 1, 2);
        GenerationResult result = feed.stream().result();
        assertThat(result.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(result.toolCalls()).containsExactly(new ToolCall("c1", "f", "{\"a\":1}"));
    }

    @Test
    void closeFromAnotherThreadCancelsAStepBlockedInARead() throws Exception {
        Answer answer = new Answer().lines("a");
        ChunkFeed feed = pulled(answer, null);
        GenerationStream stream = feed.stream();
        Iterator<GenerationChunk> it = stream.iterator();
        assertThat(it.next().text()).isEqualTo("a");
        CompletableFuture<Boolean> more = CompletableFuture.supplyAsync(it::hasNext);
        assertThat(answer.reading.await(5, TimeUnit.SECONDS)).isTrue();
        stream.close();
        stream.close();
        assertThat(more.get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(answer.closes.get()).isEqualTo(1);
        GenerationResult result = stream.result();
        assertThat(result.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(result.text()).isEqualTo("a");
    }

    @Test
    void theTimeoutFiresWhileTheConsumerIsBlockedInAStep() {
        Answer answer = new Answer().lines("a");
        // Long enough that the first step always ends before it on a loaded machine.
        ChunkFeed feed = pulled(answer, Duration.ofSeconds(1));
        Iterator<GenerationChunk> it = feed.stream().iterator();
        assertThat(it.next().text()).isEqualTo("a");
        assertThatThrownBy(it::hasNext).isInstanceOfSatisfying(GenerationTimeoutException.class, e -> {
            assertThat(e.getMessage()).contains("m did not finish within PT1S");
            assertThat(e.isRetryable()).isTrue();
        });
        assertThat(answer.closes.get()).as("the timer closed the answer under the blocked read").isEqualTo(1);
        assertThatThrownBy(() -> feed.stream().result()).isInstanceOf(GenerationTimeoutException.class);
        assertThat(feed.text("late")).isFalse();
    }

    @Test
    void theTimeoutCountsFromTheStartAndCoversTheFirstStep() {
        Answer answer = new Answer();
        ChunkFeed feed = pulled(answer, Duration.ofMillis(150));
        assertThatThrownBy(() -> feed.stream().result()).isInstanceOf(GenerationTimeoutException.class);
        assertThat(answer.closes.get()).isEqualTo(1);
    }

    @Test
    void anAnswerThatEndsInTimeCancelsItsDeadline() throws Exception {
        Answer answer = new Answer().lines("a", DONE);
        ChunkFeed feed = pulled(answer, Duration.ofMillis(100));
        assertThat(feed.stream().result().text()).isEqualTo("a");
        Thread.sleep(250);
        assertThat(answer.closes.get()).as("the deadline of a finished answer does not run").isZero();
        assertThat(feed.stream().result().finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void aFailureComesAfterTheChunksBeforeIt() {
        Answer answer = new Answer().lines("partial", "!the server closed the connection; retry");
        ChunkFeed feed = pulled(answer, null);
        Iterator<GenerationChunk> it = feed.stream().iterator();
        assertThat(it.next().text()).isEqualTo("partial");
        assertThatThrownBy(it::hasNext).isInstanceOf(GenerationException.class)
                .hasMessageContaining("closed the connection");
        assertThatThrownBy(it::hasNext).isInstanceOf(GenerationException.class);
        assertThatThrownBy(() -> feed.stream().result()).isInstanceOf(GenerationException.class);
    }

    @Test
    void anUnexpectedExceptionOfAStepIsWrappedAndAStepThatStopsWithoutEndingIsIncomplete() {
        ChunkFeed broken = ChunkFeed.builder("m").pull(f -> {
            throw new IllegalStateException("bug");
        }).build();
        assertThatThrownBy(() -> broken.stream().result()).isInstanceOf(GenerationException.class)
                .hasMessageContaining("bug").hasCauseInstanceOf(IllegalStateException.class);

        ChunkFeed quitter = ChunkFeed.builder("m").pull(f -> false).build();
        assertThatThrownBy(() -> quitter.stream().result()).isInstanceOf(GenerationException.class)
                .hasMessageContaining("incomplete");
    }

    @Test
    void resultFromAnotherThreadWhileOneIteratesSeesTheWholeAnswer() throws Exception {
        Answer answer = new Answer();
        for (int i = 0; i < 1000; i++) {
            answer.lines.add("x");
        }
        answer.lines.add(DONE);
        ChunkFeed feed = pulled(answer, null);
        AtomicReference<GenerationResult> other = new AtomicReference<>();
        Thread t = new Thread(() -> other.set(feed.stream().result()));
        t.start();
        AtomicInteger iterated = new AtomicInteger();
        feed.stream().forEach(c -> iterated.incrementAndGet());
        t.join(5_000);
        assertThat(other.get().text()).hasSize(1000);
        assertThat(iterated.get()).isBetween(0, 1000);
        assertThat(feed.stream().result().text()).hasSize(1000);
    }
}
