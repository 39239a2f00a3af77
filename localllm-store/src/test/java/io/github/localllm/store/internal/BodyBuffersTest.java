package io.github.localllm.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class BodyBuffersTest {

    /** Records what the body asks of its publisher. */
    private static final class Subscription implements Flow.Subscription {
        final AtomicLong requested = new AtomicLong();
        final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public void request(long n) {
            requested.addAndGet(n);
        }

        @Override
        public void cancel() {
            cancelled.set(true);
        }
    }

    private static List<ByteBuffer> buffers(String... parts) {
        List<ByteBuffer> list = new ArrayList<>();
        for (String p : parts) {
            list.add(ByteBuffer.wrap(p.getBytes(StandardCharsets.US_ASCII)));
        }
        return list;
    }

    @Test
    void nextTakesEverythingThatArrivedInOrderAndAsksForAsManyListsAgain() throws IOException {
        BodyBuffers body = new BodyBuffers();
        Subscription s = new Subscription();
        body.onSubscribe(s);
        assertThat(s.requested.get()).isEqualTo(BodyBuffers.WINDOW);
        body.onNext(buffers("ab", "", "c"));
        body.onNext(buffers("de"));
        ByteBuffer[] taken = body.next();
        assertThat(taken).hasSize(3);
        StringBuilder text = new StringBuilder();
        for (ByteBuffer b : taken) {
            text.append(StandardCharsets.US_ASCII.decode(b));
        }
        assertThat(text).hasToString("abcde");
        assertThat(s.requested.get()).isEqualTo(BodyBuffers.WINDOW + 2);
        body.onComplete();
        assertThat(body.next()).isEmpty();
        assertThat(s.cancelled).isFalse();
    }

    @Test
    void readsAsAStreamToo() throws IOException {
        BodyBuffers body = new BodyBuffers();
        body.onSubscribe(new Subscription());
        body.onNext(buffers("hel", "lo ", "world"));
        body.onComplete();
        assertThat(new String(body.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello world");
        assertThat(body.read()).isEqualTo(-1);
    }

    @Test
    void aBrokenConnectionIsAnIOExceptionOnceTheBytesBeforeItWereTaken() throws IOException {
        BodyBuffers body = new BodyBuffers();
        body.onSubscribe(new Subscription());
        body.onNext(buffers("abc"));
        body.onError(new IOException("connection reset"));
        assertThat(body.next()).hasSize(1);
        assertThatThrownBy(body::next).isInstanceOf(IOException.class).hasMessageContaining("connection reset");
    }

    @Test
    void closeFromAnotherThreadWakesABlockedReaderAndCancels() throws Exception {
        BodyBuffers body = new BodyBuffers();
        Subscription s = new Subscription();
        body.onSubscribe(s);
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                body.next();
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        Thread.sleep(100);
        assertThat(reader).isNotDone();
        body.close();
        assertThat(reader.get(5, TimeUnit.SECONDS)).isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThat(s.cancelled).isTrue();
        body.onNext(buffers("late"));
        assertThatThrownBy(body::next).isInstanceOf(IOException.class);
    }

    @Test
    void closingABodyReadToItsEndDoesNotCancelIt() throws IOException {
        BodyBuffers body = new BodyBuffers();
        Subscription s = new Subscription();
        body.onSubscribe(s);
        body.onComplete();
        assertThat(body.next()).isEmpty();
        body.close();
        assertThat(s.cancelled).isFalse();
    }

    @Test
    void aSubscriptionAfterCloseIsCancelled() {
        BodyBuffers body = new BodyBuffers();
        body.close();
        Subscription s = new Subscription();
        body.onSubscribe(s);
        assertThat(s.cancelled).isTrue();
        assertThat(s.requested.get()).isZero();
    }
}
