package io.github.localllm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationException;
import io.github.localllm.fake.Await;
import io.github.localllm.fake.FakeStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link io.github.localllm.GenerationStream#toPublisher()} against a scripted stream. */
class StreamPublisherTest {

    /** Records every signal and checks, as each chunk arrives, that it was asked for. */
    static final class Recorder implements Flow.Subscriber<GenerationChunk> {
        final long initialDemand;
        final List<String> texts = new CopyOnWriteArrayList<>();
        final AtomicLong requested = new AtomicLong();
        final AtomicBoolean overflow = new AtomicBoolean();
        final AtomicInteger completions = new AtomicInteger();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final AtomicInteger subscriptions = new AtomicInteger();
        volatile Flow.Subscription subscription;

        Recorder(long initialDemand) {
            this.initialDemand = initialDemand;
        }

        void request(long n) {
            requested.addAndGet(n);
            subscription.request(n);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscriptions.incrementAndGet();
            subscription = s;
            if (initialDemand > 0) {
                request(initialDemand);
            }
        }

        @Override
        public void onNext(GenerationChunk item) {
            if (texts.size() + 1 > requested.get()) {
                overflow.set(true);
            }
            texts.add(item.text());
        }

        @Override
        public void onError(Throwable t) {
            error.set(t);
        }

        @Override
        public void onComplete() {
            completions.incrementAndGet();
        }

        boolean terminated() {
            return completions.get() > 0 || error.get() != null;
        }
    }

    @Test
    void deliversEverythingThenCompletes() {
        FakeStream stream = FakeStream.of("a", "b", "c");
        Recorder r = new Recorder(Long.MAX_VALUE);
        stream.toPublisher().subscribe(r);

        Await.until(r::terminated, "onComplete");
        assertThat(r.texts).containsExactly("a", "b", "c");
        assertThat(r.completions).hasValue(1);
        assertThat(r.error).hasValue(null);
        assertThat(r.subscriptions).hasValue(1);
    }

    @Test
    void emptyStreamCompletesWithoutDemand() {
        // onComplete needs no demand (rule 1.4), so a subscriber that asks for nothing still learns the end
        Recorder r = new Recorder(0);
        FakeStream.of().toPublisher().subscribe(r);

        Await.until(r::terminated, "onComplete");
        assertThat(r.completions).hasValue(1);
        assertThat(r.texts).isEmpty();
    }

    @Test
    void neverSendsMoreThanRequested() {
        FakeStream stream = FakeStream.of("1", "2", "3", "4", "5");
        Recorder r = new Recorder(2);
        stream.toPublisher().subscribe(r);

        // The pump pulls a chunk before it waits for demand; once it holds the third it can only be waiting.
        Await.until(() -> stream.pulled() == 3, "third chunk pulled");
        assertThat(r.texts).containsExactly("1", "2");
        assertThat(r.terminated()).isFalse();

        r.request(1);
        Await.until(() -> r.texts.size() == 3, "third chunk delivered");
        Await.until(() -> stream.pulled() == 4, "fourth chunk pulled");
        assertThat(r.texts).containsExactly("1", "2", "3");

        r.request(10);
        Await.until(r::terminated, "onComplete");
        assertThat(r.texts).containsExactly("1", "2", "3", "4", "5");
        assertThat(r.overflow).isFalse();
        assertThat(r.completions).hasValue(1);
    }

    @Test
    void demandAddsUpWithoutOverflow() {
        Recorder r = new Recorder(0);
        FakeStream.of("x", "y").toPublisher().subscribe(r);
        r.subscription.request(Long.MAX_VALUE);
        r.subscription.request(Long.MAX_VALUE);
        r.requested.set(Long.MAX_VALUE);

        Await.until(r::terminated, "onComplete");
        assertThat(r.texts).containsExactly("x", "y");
        assertThat(r.error).hasValue(null);
    }

    @Test
    void cancelClosesTheStream() {
        FakeStream stream = FakeStream.hanging("a", "b");
        Recorder r = new Recorder(1);
        stream.toPublisher().subscribe(r);
        Await.until(() -> r.texts.size() == 1, "first chunk");

        r.subscription.cancel();

        Await.until(stream::isClosed, "stream closed by cancel");
        // a cancelled subscription gets no terminal signal (rule 3.7 / 1.8)
        assertThat(r.completions).hasValue(0);
        assertThat(r.error).hasValue(null);
        assertThat(r.texts).containsExactly("a");
    }

    @Test
    void cancelWhileTheEngineIsThinkingStopsIt() {
        // all demand met, the stream hangs inside hasNext(): only close() can end it
        FakeStream stream = FakeStream.hanging("a");
        Recorder r = new Recorder(5);
        stream.toPublisher().subscribe(r);
        Await.until(() -> r.texts.size() == 1, "first chunk");

        r.subscription.cancel();

        Await.until(stream::isClosed, "stream closed");
        assertThat(r.completions).hasValue(0);
    }

    @Test
    void secondSubscriberGetsOnError() {
        FakeStream stream = FakeStream.of("a");
        Flow.Publisher<GenerationChunk> publisher = stream.toPublisher();
        Recorder first = new Recorder(Long.MAX_VALUE);
        Recorder second = new Recorder(Long.MAX_VALUE);
        publisher.subscribe(first);
        publisher.subscribe(second);

        assertThat(second.subscriptions).hasValue(1);  // onSubscribe before onError (rule 1.9)
        assertThat(second.error.get())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("one subscriber");
        assertThat(second.texts).isEmpty();
        Await.until(first::terminated, "first completes");
        assertThat(first.texts).containsExactly("a");
    }

    @Test
    void nonPositiveRequestSignalsErrorAndClosesTheStream() {
        FakeStream stream = FakeStream.hanging("a", "b");
        Recorder r = new Recorder(0);
        stream.toPublisher().subscribe(r);

        r.subscription.request(0);

        Await.until(r::terminated, "onError");
        assertThat(r.error.get())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3.9");
        assertThat(r.completions).hasValue(0);
        assertThat(r.texts).isEmpty();
        assertThat(stream.isClosed()).isTrue();
    }

    @Test
    void negativeRequestAfterDeliveryAlsoFails() {
        FakeStream stream = FakeStream.hanging("a", "b", "c");
        Recorder r = new Recorder(1);
        stream.toPublisher().subscribe(r);
        Await.until(() -> r.texts.size() == 1, "first chunk");

        r.subscription.request(-5);

        Await.until(r::terminated, "onError");
        assertThat(r.error.get()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-5");
        assertThat(r.texts).containsExactly("a");
    }

    @Test
    void nonPositiveRequestWhileTheEngineIsThinkingIsNotHeldBack() {
        // demand met, the pump waits inside hasNext() for a token that may take long to come
        FakeStream stream = FakeStream.hanging("a");
        Recorder r = new Recorder(1);
        stream.toPublisher().subscribe(r);
        Await.until(() -> r.texts.size() == 1, "first chunk");
        Await.until(() -> stream.pulled() == 1, "pump waits for the engine");

        r.subscription.request(0);

        Await.until(r::terminated, "onError without waiting for another token");
        assertThat(r.error.get()).isInstanceOf(IllegalArgumentException.class);
        assertThat(stream.isClosed()).isTrue();
    }

    @Test
    void engineFailureBecomesOnError() {
        GenerationException boom = new GenerationException("engine crashed");
        FakeStream stream = FakeStream.failing(boom, "a");
        Recorder r = new Recorder(Long.MAX_VALUE);
        stream.toPublisher().subscribe(r);

        Await.until(r::terminated, "onError");
        assertThat(r.error).hasValue(boom);
        assertThat(r.texts).containsExactly("a");
        assertThat(stream.isClosed()).isTrue();
    }
}
