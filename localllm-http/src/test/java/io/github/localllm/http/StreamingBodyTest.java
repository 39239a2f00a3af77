package io.github.localllm.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** When closing a body cancels its exchange, seen from the subscription the JDK hands it. */
class StreamingBodyTest {
    private static final ErrorContext CONTEXT = ErrorContext.of("Ollama", "POST", URI.create("http://127.0.0.1:11434/api/chat"));

    /** Counts what the body asks of the JDK; answers each request with {@code onRequest}. */
    private static final class Subscription implements Flow.Subscription {
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger cancels = new AtomicInteger();
        Runnable onRequest = () -> { };

        @Override
        public void request(long n) {
            requests.incrementAndGet();
            onRequest.run();
        }

        @Override
        public void cancel() {
            cancels.incrementAndGet();
        }
    }

    private static StreamingBody body(Subscription subscription, EndDrain drain) {
        StreamingBody body = new StreamingBody(CONTEXT, System.nanoTime() + Duration.ofSeconds(5).toNanos(),
                Duration.ofSeconds(5), Duration.ofSeconds(5), drain);
        body.onSubscribe(subscription);
        return body;
    }

    private static List<ByteBuffer> bytes(String text) {
        return List.of(ByteBuffer.wrap(text.getBytes(UTF_8)));
    }

    @Test
    void oneReadTakesTheWholeListThatCameWithoutWaitingForTheNext() {
        Subscription s = new Subscription();
        StreamingBody body = body(s, EndDrain.DEFAULT);
        body.onNext(List.of(ByteBuffer.wrap("{\"n\":1}\n".getBytes(UTF_8)), ByteBuffer.allocate(0),
                ByteBuffer.wrap("{\"n\":2}\n".getBytes(UTF_8)), ByteBuffer.wrap("{\"n\":3}\n".getBytes(UTF_8))));
        s.onRequest = () -> {
            throw new AssertionError("asked for more while the list had bytes left");
        };
        byte[] into = new byte[20];

        assertThat(body.read(into, 0, into.length)).isEqualTo(20);
        assertThat(new String(into, UTF_8)).isEqualTo("{\"n\":1}\n{\"n\":2}\n{\"n\"");
        assertThat(body.read(into, 0, 3)).isEqualTo(3);
        assertThat(new String(into, 0, 3, UTF_8)).isEqualTo(":3}");
        assertThat(body.available()).isOne();
        assertThat(body.read()).isEqualTo('\n');
    }

    @Test
    void closingInTheMiddleCancels() {
        Subscription s = new Subscription();
        StreamingBody body = body(s, EndDrain.DEFAULT);
        body.onNext(bytes("{\"done\":false}\n"));

        assertThat(body.read()).isEqualTo('{');
        body.close();
        body.close();

        assertThat(s.cancels).hasValue(1);
    }

    @Test
    void aBodyWhoseEndHasComeIsNeverCancelled() {
        Subscription s = new Subscription();
        StreamingBody body = body(s, EndDrain.DEFAULT);
        body.onNext(bytes("{\"done\":true}\n"));
        body.onComplete();

        assertThat(body.read()).isEqualTo('{');
        body.close();

        assertThat(s.cancels).hasValue(0);
    }

    @Test
    void closingAfterTheFinalLineWaitsForTheEndInsteadOfCancelling() {
        Subscription s = new Subscription();
        // Generous: the end comes as soon as it is asked for.
        StreamingBody body = body(s, new EndDrain(Duration.ofSeconds(30), 1024));
        body.onNext(bytes("{\"done\":true}\n"));
        byte[] line = new byte[15];
        assertThat(body.read(line, 0, line.length)).isEqualTo(14);
        s.onRequest = () -> {
            s.onRequest = () -> { };
            body.onNext(bytes("\n"));
            body.onComplete();
        };

        body.answerComplete();
        body.close();

        assertThat(s.cancels).hasValue(0);
    }

    @Test
    void closingAfterTheFinalLineCancelsWhenMoreThanTheBoundFollows() {
        Subscription s = new Subscription();
        StreamingBody body = body(s, new EndDrain(Duration.ofSeconds(30), 1024));
        body.onNext(bytes("{\"done\":true}\n"));
        byte[] line = new byte[15];
        assertThat(body.read(line, 0, line.length)).isEqualTo(14);
        s.onRequest = () -> body.onNext(bytes(" ".repeat(600)));

        body.answerComplete();
        body.close();

        assertThat(s.cancels).hasValue(1);
        assertThat(s.requests.get()).as("requests: the first, then one per list while draining").isBetween(2, 4);
    }

    @Test
    void closingAfterTheFinalLineCancelsWhenTheEndDoesNotCome() {
        Subscription s = new Subscription();
        StreamingBody body = body(s, new EndDrain(Duration.ofMillis(50), 1024));
        body.onNext(bytes("{\"done\":true}\n"));
        byte[] line = new byte[15];
        assertThat(body.read(line, 0, line.length)).isEqualTo(14);

        body.answerComplete();
        body.close();

        assertThat(s.cancels).hasValue(1);
    }
}
