package io.github.localllm.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Streamed answers on kept-alive connections: a reader closed right after the answer's final line
 * (Ollama's {@code "done": true}, OpenAI's {@code [DONE]}), as engines close it, leaves the
 * connection to the next request, while a stream abandoned in the middle still closes its
 * connection at once. The servers write the final line, then the end of the chunked body a little
 * later, so that the reader closes before the end has come, as it mostly does against a real
 * server; the transports wait up to seconds for that end, so that a loaded machine cannot make the
 * tests fail.
 */
class StreamReuseTest {
    private static final int ANSWERS = 20;
    private static final Map<String, Object> CHAT = Map.of("model", "m", "stream", true);
    private static final Duration PATIENT = Duration.ofSeconds(5);

    private static HttpTransport transport(URI uri) {
        return transport(uri, new EndDrain(PATIENT, EndDrain.DEFAULT.bytes()));
    }

    private static HttpTransport transport(URI uri, EndDrain drain) {
        return HttpTransportTest.transport(uri).firstByteTimeout(PATIENT).idleTimeout(PATIENT).endDrain(drain).build();
    }

    /** Ollama's chat stream: three tokens, the done line, and the end of the body 20 ms after it. */
    private static void ollamaAnswer(RawServer.Connection c) throws Exception {
        c.startChunkedKeepAlive("application/x-ndjson");
        for (int i = 1; i <= 3; i++) {
            c.chunk("{\"message\":{\"role\":\"assistant\",\"content\":\"t" + i + "\"},\"done\":false}\n");
        }
        c.chunk("{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\"}\n");
        Thread.sleep(20);
        c.endChunks();
    }

    /** llama-server's chat stream: three tokens, {@code [DONE]}, and the end of the body 20 ms after it. */
    private static void openAiAnswer(RawServer.Connection c) throws Exception {
        c.startChunkedKeepAlive("text/event-stream");
        for (int i = 1; i <= 3; i++) {
            c.chunk("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t" + i + "\"}}]}\n\n");
        }
        c.chunk("data: [DONE]\n\n");
        Thread.sleep(20);
        c.endChunks();
    }

    private static List<String> readOllama(HttpTransport http) {
        List<String> tokens = new ArrayList<>();
        try (HttpStream stream = http.stream(HttpCall.post("/api/chat", CHAT));
             NdjsonReader<JsonNode> lines = stream.ndjson(JsonNode.class, b -> b.until(l -> l.path("done").asBoolean()))) {
            for (JsonNode line = lines.next(); line != null; line = lines.next()) {
                tokens.add(line.path("message").path("content").stringValue());
            }
        }
        return tokens;
    }

    private static List<String> readOpenAi(HttpTransport http) {
        List<String> tokens = new ArrayList<>();
        try (HttpStream stream = http.stream(HttpCall.post("/v1/chat/completions", CHAT));
             SseReader events = stream.sse(b -> b.untilData(SseEvent.DONE))) {
            while (events.advance() && !events.isEnd()) {
                tokens.add(events.readData(JsonNode.class).path("choices").path(0).path("delta").path("content")
                        .stringValue());
            }
        }
        return tokens;
    }

    @Test
    void answersReadToTheirDoneLineShareOneConnection() throws Exception {
        try (RawServer raw = RawServer.keepAlive(StreamReuseTest::ollamaAnswer)) {
            HttpTransport http = transport(raw.uri());

            for (int i = 0; i < ANSWERS; i++) {
                assertThat(readOllama(http)).containsExactly("t1", "t2", "t3", "");
            }

            assertThat(raw.requests()).isEqualTo(ANSWERS);
            assertThat(raw.connections()).as("connections for %d answers", ANSWERS).isEqualTo(1);
            assertThat(raw.failures()).isEmpty();
            assertNoThreadLeftInABody();
        }
    }

    @Test
    void eventStreamsReadToDoneShareOneConnection() throws Exception {
        try (RawServer raw = RawServer.keepAlive(StreamReuseTest::openAiAnswer)) {
            HttpTransport http = transport(raw.uri());

            for (int i = 0; i < ANSWERS; i++) {
                assertThat(readOpenAi(http)).containsExactly("t1", "t2", "t3");
            }

            assertThat(raw.requests()).isEqualTo(ANSWERS);
            assertThat(raw.connections()).as("connections for %d answers", ANSWERS).isEqualTo(1);
            assertNoThreadLeftInABody();
        }
    }

    @Test
    void aCloseFromAnotherThreadAfterTheDoneLineAlsoKeepsTheConnection() throws Exception {
        try (RawServer raw = RawServer.keepAlive(StreamReuseTest::ollamaAnswer)) {
            HttpTransport http = transport(raw.uri());

            for (int i = 0; i < 5; i++) {
                HttpStream stream = http.stream(HttpCall.post("/api/chat", CHAT));
                NdjsonReader<JsonNode> lines = stream.ndjson(JsonNode.class, b -> b.until(l -> l.path("done").asBoolean()));
                while (lines.next() != null) {
                    // Up to the done line, as an engine's reading thread.
                }
                // The consumer's close (an engine's cancel action) comes from its own thread.
                CompletableFuture.runAsync(stream::close).get(10, TimeUnit.SECONDS);
                lines.close();
            }

            assertThat(raw.connections()).isEqualTo(1);
            assertNoThreadLeftInABody();
        }
    }

    @Test
    void closingInTheMiddleOfAnAnswerClosesItsConnectionAtOnce() throws Exception {
        CompletableFuture<IOException> writeFailure = new CompletableFuture<>();
        AtomicInteger requests = new AtomicInteger();
        try (RawServer raw = RawServer.keepAlive(c -> {
            if (requests.incrementAndGet() > 1) {
                ollamaAnswer(c);
                return;
            }
            c.startChunkedKeepAlive("application/x-ndjson");
            try {
                for (int i = 0; i < 2000; i++) {
                    c.chunk("{\"message\":{\"content\":\"t" + i + "\"},\"done\":false}\n");
                    Thread.sleep(5);
                }
                c.chunk("{\"done\":true}\n");
                c.endChunks();
            } catch (IOException e) {
                writeFailure.complete(e);
                throw e;
            }
        })) {
            HttpTransport http = transport(raw.uri());

            HttpStream stream = http.stream(HttpCall.post("/api/chat", CHAT));
            NdjsonReader<JsonNode> lines = stream.ndjson(JsonNode.class, b -> b.until(l -> l.path("done").asBoolean()));
            assertThat(lines.next().path("message").path("content").stringValue()).isEqualTo("t0");
            assertThat(lines.next().path("message").path("content").stringValue()).isEqualTo("t1");
            long closing = System.nanoTime();
            lines.close();
            long closeMs = (System.nanoTime() - closing) / 1_000_000;

            // Generous bounds: the point is that neither the close nor the server waits for the answer's end.
            assertThat(closeMs).as("close() took %d ms", closeMs).isLessThan(5000);
            assertThat(writeFailure.get(5, TimeUnit.SECONDS)).as("the server saw the connection closed")
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> stream.body().read()).isInstanceOf(CancellationException.class);

            assertThat(readOllama(http)).containsExactly("t1", "t2", "t3", "");
            assertThat(raw.connections()).as("the abandoned connection was not reused").isEqualTo(2);
            assertNoThreadLeftInABody();
        }
    }

    @Test
    void closingFromAnotherThreadInTheMiddleCancelsAtOnce() throws Exception {
        CompletableFuture<Boolean> released = new CompletableFuture<>();
        AtomicInteger requests = new AtomicInteger();
        try (RawServer raw = RawServer.keepAlive(c -> {
            if (requests.incrementAndGet() > 1) {
                ollamaAnswer(c);
                return;
            }
            c.startChunkedKeepAlive("application/x-ndjson");
            c.chunk("{\"message\":{\"content\":\"first\"},\"done\":false}\n");
            released.complete(c.awaitClientClose(Duration.ofSeconds(10)));
        })) {
            HttpTransport http = transport(raw.uri());
            HttpStream stream = http.stream(HttpCall.post("/api/chat", CHAT));
            NdjsonReader<JsonNode> lines = stream.ndjson(JsonNode.class, b -> b.until(l -> l.path("done").asBoolean()));
            assertThat(lines.next().path("message").path("content").stringValue()).isEqualTo("first");
            CountDownLatch reading = new CountDownLatch(1);
            CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                reading.countDown();
                try {
                    lines.next();
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            });
            reading.await();
            Thread.sleep(50);

            stream.close();

            assertThat(outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
            assertThat(released.get(5, TimeUnit.SECONDS)).as("the server saw the connection closed").isTrue();
            assertThat(readOllama(http)).containsExactly("t1", "t2", "t3", "");
            assertThat(raw.connections()).isEqualTo(2);
            assertNoThreadLeftInABody();
        }
    }

    @Test
    void givesUpAConnectionWhoseBodyDoesNotEndAfterTheDoneLine() throws Exception {
        CompletableFuture<Boolean> released = new CompletableFuture<>();
        AtomicInteger requests = new AtomicInteger();
        try (RawServer raw = RawServer.keepAlive(c -> {
            if (requests.incrementAndGet() > 1) {
                ollamaAnswer(c);
                return;
            }
            c.startChunkedKeepAlive("application/x-ndjson");
            c.chunk("{\"message\":{\"content\":\"t1\"},\"done\":false}\n");
            c.chunk("{\"message\":{\"content\":\"\"},\"done\":true}\n");
            // The body never ends.
            released.complete(c.awaitClientClose(Duration.ofSeconds(20)));
        })) {
            HttpTransport http = transport(raw.uri(), new EndDrain(Duration.ofMillis(200), 64 * 1024));

            assertThat(readOllama(http)).containsExactly("t1", "");

            assertThat(released.get(10, TimeUnit.SECONDS)).as("the server saw the connection closed").isTrue();
            assertThat(readOllama(http)).containsExactly("t1", "t2", "t3", "");
            assertThat(raw.connections()).isEqualTo(2);
            assertNoThreadLeftInABody();
        }
    }

    @Test
    void givesUpAConnectionThatSendsMoreThanTheBoundAfterDone() throws Exception {
        CompletableFuture<Boolean> released = new CompletableFuture<>();
        AtomicInteger requests = new AtomicInteger();
        try (RawServer raw = RawServer.keepAlive(c -> {
            if (requests.incrementAndGet() > 1) {
                openAiAnswer(c);
                return;
            }
            c.startChunkedKeepAlive("text/event-stream");
            c.chunk("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t1\"}}]}\n\n");
            c.chunk("data: [DONE]\n\n");
            try {
                for (int i = 0; i < 16; i++) {
                    c.chunk(": padding " + "x".repeat(1000) + "\n");
                }
            } catch (IOException e) {
                // The client may give up while the padding is still on its way.
                released.complete(true);
                throw e;
            }
            released.complete(c.awaitClientClose(Duration.ofSeconds(60)));
        })) {
            // Patient enough that only the byte bound can end the wait before the test's own timeout.
            HttpTransport http = transport(raw.uri(), new EndDrain(Duration.ofSeconds(60), 4096));

            long started = System.nanoTime();
            assertThat(readOpenAi(http)).containsExactly("t1");

            assertThat(released.get(30, TimeUnit.SECONDS)).as("the server saw the connection closed").isTrue();
            assertThat((System.nanoTime() - started) / 1_000_000_000).as("seconds to give up").isLessThan(30);
            assertThat(readOpenAi(http)).containsExactly("t1", "t2", "t3");
            assertThat(raw.connections()).isEqualTo(2);
        }
    }

    /**
     * No thread is still inside a body (reading or draining) once the streams are closed: closing
     * drains on the closing thread and starts none.
     */
    static void assertNoThreadLeftInABody() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> stuck;
        do {
            stuck = new ArrayList<>();
            for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                if (e.getKey() != Thread.currentThread() && Arrays.stream(e.getValue())
                        .anyMatch(frame -> frame.getClassName().equals(StreamingBody.class.getName()))) {
                    stuck.add(e.getKey().getName());
                }
            }
            if (stuck.isEmpty()) {
                return;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        assertThat(stuck).as("threads still inside a StreamingBody").isEmpty();
    }
}
