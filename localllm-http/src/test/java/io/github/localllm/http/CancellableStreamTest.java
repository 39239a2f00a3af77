package io.github.localllm.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CancellableStreamTest {

    private static HttpTransport transport(RawServer server) {
        return HttpTransport.builder(server.uri()).server("test server").firstByteTimeout(Duration.ofMinutes(5))
                .retryPolicy(RetryPolicy.none()).build();
    }

    @Test
    void aCancelBeforeTheSendSendsNothing() throws Exception {
        try (RawServer server = new RawServer(c -> c.socket.close())) {
            CancellableStream call = new CancellableStream(transport(server), HttpCall.post("/x", "{}"));
            call.cancel();
            assertThat(call.open()).isNull();
            assertThat(call.isCancelled()).isTrue();
            assertThat(call.answer()).isNull();
        }
    }

    @Test
    void aCancelWhileTheServerIsSilentAbortsTheSendAndClearsOnlyItsOwnInterrupt() throws Exception {
        CountDownLatch received = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (RawServer server = new RawServer(c -> {
            received.countDown();
            release.await(30, TimeUnit.SECONDS);
        })) {
            CancellableStream call = new CancellableStream(transport(server), HttpCall.post("/x", "{}"));
            CompletableFuture<Object[]> sender = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    sender.complete(new Object[] {call.open(), Thread.currentThread().isInterrupted()});
                } catch (RuntimeException e) {
                    sender.completeExceptionally(e);
                }
            });
            t.start();
            assertThat(received.await(10, TimeUnit.SECONDS)).isTrue();
            call.cancel();
            Object[] outcome = sender.get(10, TimeUnit.SECONDS);
            assertThat(outcome[0]).as("no answer after a cancel").isNull();
            assertThat(outcome[1]).as("the sender's interrupt is cleared").isEqualTo(false);
            release.countDown();
        }
    }
}
