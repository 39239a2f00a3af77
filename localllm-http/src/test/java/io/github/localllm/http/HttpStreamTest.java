package io.github.localllm.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationTimeoutException;
import io.github.localllm.ModelNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Streamed answers: replayed captures, stalls, cancellation, resets and cut-off streams. */
class HttpStreamTest {
    private static final Duration SHORT = Duration.ofMillis(400);
    private static final Map<String, Object> CHAT = Map.of("model", "m", "stream", true);

    private static HttpTransport transport(URI uri, Duration firstByte, Duration idle) {
        return HttpTransportTest.transport(uri).firstByteTimeout(firstByte).idleTimeout(idle).build();
    }

    private static List<SseEvent> readAll(SseReader reader) {
        List<SseEvent> events = new ArrayList<>();
        for (SseEvent e = reader.next(); e != null; e = reader.next()) {
            events.add(e);
        }
        return events;
    }

    @Test
    void readsARealLlamaServerStreamReplayedByteForByte() throws IOException {
        byte[] capture = SseReaderTest.LlamaServerCapture.raw();
        try (RawServer raw = new RawServer(c -> {
            c.write(capture);
            c.awaitClientClose(Duration.ofSeconds(5));
        })) {
            HttpTransport http = transport(raw.uri(), Duration.ofSeconds(5), Duration.ofSeconds(5));

            List<SseEvent> events;
            try (HttpStream stream = http.stream(HttpCall.post("/v1/chat/completions", CHAT));
                 SseReader reader = stream.sse(b -> b.untilData(SseEvent.DONE))) {
                assertThat(stream.statusCode()).isEqualTo(200);
                assertThat(stream.headers().firstValue("Server")).contains("llama.cpp");
                events = readAll(reader);
            }

            assertThat(events).hasSize(SseReaderTest.LlamaServerCapture.EVENTS);
            assertThat(events.get(1).data()).contains("\"content\":\"кто\"");
            assertThat(events.get(events.size() - 1).isDone()).isTrue();
            assertThat(raw.accepted().get(0).requestLine).isEqualTo("POST /v1/chat/completions HTTP/1.1");
            assertThat(raw.accepted().get(0).headers.get("accept")).contains("text/event-stream");
        }
    }

    @Test
    void readsAnNdjsonStreamWrittenLineByLineWithCrLf() throws IOException {
        try (RawServer raw = new RawServer(c -> {
            c.startChunked("application/x-ndjson");
            for (int i = 1; i <= 5; i++) {
                c.chunk("{\"message\":{\"content\":\"t" + i + "\"},\"done\":false}\r\n");
                Thread.sleep(5);
            }
            c.chunk("{\"message\":{\"content\":\"\"},\"done\":true,\"eval_count\":5}\r\n");
            c.endChunks();
        })) {
            HttpTransport http = transport(raw.uri(), Duration.ofSeconds(5), Duration.ofSeconds(5));

            List<String> tokens = new ArrayList<>();
            try (HttpStream stream = http.stream(HttpCall.post("/api/chat", CHAT));
                 NdjsonReader<JsonNode> lines = stream.ndjson(JsonNode.class, b -> b.until(line -> line.path("done").asBoolean()))) {
                for (JsonNode line = lines.next(); line != null; line = lines.next()) {
                    tokens.add(line.path("message").path("content").stringValue());
                }
            }

            assertThat(tokens).containsExactly("t1", "t2", "t3", "t4", "t5", "");
        }
    }

    @Test
    void failsWhenNoAnswerComesWithinTheFirstByteTimeout() throws IOException {
        try (RawServer raw = new RawServer(c -> c.awaitClientClose(Duration.ofSeconds(10)))) {
            HttpTransport http = transport(raw.uri(), SHORT, Duration.ofSeconds(10));

            long started = System.nanoTime();
            assertThatThrownBy(() -> http.stream(HttpCall.post("/api/chat", CHAT)))
                    .isExactlyInstanceOf(GenerationTimeoutException.class)
                    .hasMessageContaining("Ollama at " + raw.uri() + "/api/chat accepted the request but did not answer "
                            + "within 400 ms")
                    .hasMessageContaining("raise the first-byte timeout");
            assertThat(elapsedMs(started)).isBetween(350L, 3000L);
            assertThat(raw.connections()).as("a POST is not retried after a timeout").isEqualTo(1);
        }
    }

    @Test
    void failsWhenHeadersComeButTheFirstEventDoesNot() throws IOException {
        try (RawServer raw = new RawServer(c -> {
            c.startChunked("text/event-stream");
            c.awaitClientClose(Duration.ofSeconds(10));
        })) {
            HttpTransport http = transport(raw.uri(), SHORT, Duration.ofMillis(100));

            long started = System.nanoTime();
            try (HttpStream stream = http.stream(HttpCall.post("/v1/chat/completions", CHAT));
                 SseReader reader = stream.sse(b -> b.untilData(SseEvent.DONE))) {
                assertThatThrownBy(reader::next)
                        .isExactlyInstanceOf(GenerationTimeoutException.class)
                        .hasMessageContaining("sent no answer within 400 ms of the request");
            }
            // The first-byte timeout applies, not the shorter idle timeout.
            assertThat(elapsedMs(started)).isBetween(350L, 3000L);
        }
    }

    @Test
    void failsAStalledStreamWithinTheIdleTimeoutAndReleasesItsConnection() throws Exception {
        CompletableFuture<Boolean> released = new CompletableFuture<>();
        try (RawServer raw = new RawServer(c -> {
            c.startChunked("text/event-stream");
            c.chunk("data: {\"n\":1}\n\n");
            released.complete(c.awaitClientClose(Duration.ofSeconds(10)));
        })) {
            HttpTransport http = transport(raw.uri(), Duration.ofSeconds(5), SHORT);

            try (HttpStream stream = http.stream(HttpCall.post("/v1/chat/completions", CHAT));
                 SseReader reader = stream.sse(b -> b.untilData(SseEvent.DONE))) {
                assertThat(reader.next().data()).isEqualTo("{\"n\":1}");
                long stalled = System.nanoTime();
                assertThatThrownBy(reader::next)
                        .isExactlyInstanceOf(GenerationTimeoutException.class)
                        .hasMessageContaining("stopped sending in the middle of its answer: nothing for 400 ms")
                        .hasMessageContaining("raise the idle timeout");
                assertThat(elapsedMs(stalled)).isBetween(350L, 2500L);
                // Before close(): the timeout alone must have let the connection go.
                assertThat(released.get(3, TimeUnit.SECONDS)).as("server saw the connection closed").isTrue();
            }
        }
    }

    @Test
    void closingTheStreamAbortsTheExchange() throws Exception {
        CompletableFuture<Boolean> released = new CompletableFuture<>();
        CompletableFuture<IOException> writeFailure = new CompletableFuture<>();
        try (RawServer raw = new RawServer(c -> {
            c.startChunked("text/event-stream");
            Thread watcher = new Thread(() -> {
                try {
                    released.complete(c.awaitClientClose(Duration.ofSeconds(10)));
                } catch (IOException e) {
                    released.completeExceptionally(e);
                }
            });
            watcher.start();
            try {
                for (int i = 0; i < 1000; i++) {
                    c.chunk("data: {\"n\":" + i + "}\n\n");
                    Thread.sleep(10);
                }
            } catch (IOException e) {
                writeFailure.complete(e);
            }
        })) {
            HttpTransport http = transport(raw.uri(), Duration.ofSeconds(5), Duration.ofSeconds(5));

            HttpStream stream = http.stream(HttpCall.post("/v1/chat/completions", CHAT));
            SseReader reader = stream.sse(b -> b.untilData(SseEvent.DONE));
            assertThat(reader.next().data()).isEqualTo("{\"n\":0}");
            assertThat(reader.next().data()).isEqualTo("{\"n\":1}");
            reader.close();

            assertThat(released.get(3, TimeUnit.SECONDS)).isTrue();
            assertThat(writeFailure.get(3, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> stream.body().read()).isInstanceOf(CancellationException.class);
        }
    }

    @Test
    void closingFromAnotherThreadWakesABlockedReader() throws Exception {
        try (RawServer raw = new RawServer(c -> {
            c.startChunked("text/event-stream");
            c.chunk("data: first\n\n");
            c.awaitClientClose(Duration.ofSeconds(10));
        })) {
            HttpTransport http = transport(raw.uri(), Duration.ofSeconds(10), Duration.ofSeconds(10));
            HttpStream stream = http.stream(HttpCall.post("/v1/chat/completions", CHAT));
            SseReader reader = stream.sse(b -> b.untilData(SseEvent.DONE));
            assertThat(reader.next().data()).isEqualTo("first");
            CountDownLatch reading = new CountDownLatch(1);
            CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                reading.countDown();
                try {
                    reader.next();
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            });

            reading.await();
            Thread.sleep(100);
            long closed = System.nanoTime();
            stream.close();

            assertThat(outcome.get(3, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
            assertThat(elapsedMs(closed)).isLessThan(2000L);
        }
    }

    @Test
    void reportsAConnectionResetInTheMiddleOfTheStream() throws IOException {
        // A reset discards what the client has not read yet, so the server resets only after the first event was read.
        CountDownLatch firstRead = new CountDownLatch(1);
        try (RawServer raw = new RawServer(c -> {
            c.startChunked("text/event-stream");
            c.chunk("data: {\"n\":1}\n\n");
            firstRead.await(5, TimeUnit.SECONDS);
            c.chunk("data: {\"n\":");
            Thread.sleep(50);
            c.reset();
        })) {
            HttpTransport http = transport(raw.uri(), Duration.ofSeconds(5), Duration.ofSeconds(5));

            try (HttpStream stream = http.stream(HttpCall.post("/v1/chat/completions", CHAT));
                 SseReader reader = stream.sse(b -> b.untilData(SseEvent.DONE))) {
                assertThat(reader.next().data()).isEqualTo("{\"n\":1}");
                firstRead.countDown();
                assertThatThrownBy(reader::next)
                        .isInstanceOf(GenerationException.class)
                        .hasMessageContaining("Ollama at " + raw.uri() + "/v1/chat/completions")
                        .hasMessageContaining("the answer is incomplete");
            }
            assertThat(raw.connections()).as("a stream is never retried").isEqualTo(1);
        }
    }

    @Test
    void reportsAStreamThatEndsCleanlyButEarly() throws IOException {
        try (RawServer raw = new RawServer(c -> {
            // No chunking: the body ends when the connection does, here before [DONE].
            c.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
                    + "data: {\"n\":1}\n\ndata: {\"n\":2}\n\n");
        })) {
            HttpTransport http = transport(raw.uri(), Duration.ofSeconds(5), Duration.ofSeconds(5));

            try (HttpStream stream = http.stream(HttpCall.post("/v1/chat/completions", CHAT));
                 SseReader reader = stream.sse(b -> b.untilData(SseEvent.DONE))) {
                assertThat(reader.next().data()).isEqualTo("{\"n\":1}");
                assertThat(reader.next().data()).isEqualTo("{\"n\":2}");
                assertThatThrownBy(reader::next)
                        .isExactlyInstanceOf(TruncatedStreamException.class)
                        .hasMessageContaining("the event stream from Ollama at " + raw.uri() + "/v1/chat/completions ended")
                        .hasMessageContaining("without its end event");
            }
        }
    }

    @Test
    void mapsAnErrorAnswerToAStreamingRequest() throws IOException {
        try (FakeServer server = new FakeServer()) {
            server.on("/api/chat", ex -> FakeServer.json(ex, 404, "{\"error\":\"model \\\"nope\\\" not found, try pulling it first\"}"));
            HttpTransport http = transport(server.uri(), Duration.ofSeconds(5), Duration.ofSeconds(5));

            assertThatThrownBy(() -> http.stream(HttpCall.post("/api/chat", CHAT).forModel("nope", "run `ollama pull nope`")))
                    .isExactlyInstanceOf(ModelNotFoundException.class)
                    .hasMessageContaining("model 'nope' is not available")
                    .hasMessageEndingWith("run `ollama pull nope`");
        }
    }

    @Test
    void refusesAnHtmlPageOrAnErrorObjectInPlaceOfAStream() throws IOException {
        try (FakeServer server = new FakeServer()) {
            server.on("/html", ex -> FakeServer.send(ex, 200, "text/html; charset=utf-8",
                    "<!doctype html><html><head><title>Captive portal</title></head><body>log in</body></html>"));
            server.on("/lmstudio", ex -> FakeServer.json(ex, 200,
                    "{\"error\":\"Unexpected endpoint or method. (POST /api/v1/chat)\"}"));
            HttpTransport http = transport(server.uri(), Duration.ofSeconds(5), Duration.ofSeconds(5));

            assertThatThrownBy(() -> http.stream(HttpCall.post("/html", CHAT)))
                    .isExactlyInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("with an HTML page (\"Captive portal\")");
            assertThatThrownBy(() -> http.stream(HttpCall.post("/lmstudio", CHAT)))
                    .isExactlyInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("Unexpected endpoint or method. (POST /api/v1/chat)");
        }
    }

    @Test
    void readsAWholeBodyThroughTheStreamWhenTheServerSendsOneJsonAnswer() throws IOException {
        try (FakeServer server = new FakeServer()) {
            server.on("/api/chat", ex -> {
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write("{\"message\":{\"content\":\"hi\"},\"done\":true}".getBytes());
                }
            });
            HttpTransport http = transport(server.uri(), Duration.ofSeconds(5), Duration.ofSeconds(5));

            try (HttpStream stream = http.stream(HttpCall.post("/api/chat", CHAT));
                 NdjsonReader<JsonNode> lines = stream.ndjson(JsonNode.class, b -> b.until(line -> line.path("done").asBoolean()))) {
                assertThat(lines.next().path("message").path("content").stringValue()).isEqualTo("hi");
                assertThat(lines.next()).isNull();
            }
        }
    }

    private static long elapsedMs(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
