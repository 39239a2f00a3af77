package io.github.localllm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.testkit.FakeOpenAi.Flavor;
import io.github.localllm.testkit.internal.json.JsonReader;
import io.github.localllm.testkit.internal.json.JsonSyntaxException;
import io.github.localllm.testkit.internal.json.JsonWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FaultsTest {
    private static final String CHAT = "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final String SSE_CHAT = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    private static FakeOllama ollama() {
        return FakeOllama.builder().model("llama3.2").answer("One", " two", " three", " four").start();
    }

    private static FakeOpenAi llamaCpp() {
        return FakeOpenAi.builder(Flavor.LLAMA_CPP).model("m").answer("One", " two", " three", " four").start();
    }

    private static List<String> ndjson(Raw.Response r) {
        return r.body().lines().toList();
    }

    @Test
    void slowFirstByteHoldsBackTheHeaders() throws Exception {
        try (FakeOllama ollama = ollama()) {
            ollama.injectNext(1, Fault.slowFirstByte(Duration.ofMillis(600)));
            HttpRequest request = HttpRequest.newBuilder(ollama.uri("/api/tags")).build();

            long start = System.nanoTime();
            HttpResponse<InputStream> slow = Client.HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            long slowMillis = (System.nanoTime() - start) / 1_000_000;
            slow.body().close();
            start = System.nanoTime();
            Client.HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream()).body().close();
            long fastMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(slowMillis).isGreaterThanOrEqualTo(550);
            assertThat(fastMillis).isLessThan(slowMillis);
            assertThat(slow.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void stallAfterPausesBetweenTwoChunksAndThenFinishes() throws Exception {
        try (FakeOpenAi server = llamaCpp()) {
            server.inject(Fault.stallAfter(2, Duration.ofMillis(600)));
            HttpRequest request = HttpRequest.newBuilder(server.uri("/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(SSE_CHAT)).build();

            List<Long> arrivals = new ArrayList<>();
            List<String> events = new ArrayList<>();
            long sent = System.nanoTime();
            try (Stream<String> lines = Client.HTTP.send(request, HttpResponse.BodyHandlers.ofLines()).body()) {
                lines.filter(l -> l.startsWith("data: ")).forEach(l -> {
                    arrivals.add(System.nanoTime());
                    events.add(l);
                });
            }

            assertThat(events).hasSize(7).last().isEqualTo("data: [DONE]");
            // A lower bound that load cannot break: the third event cannot leave the server before the
            // stall has passed (the gap between two arrivals can look shorter when the first is read late).
            assertThat((arrivals.get(2) - sent) / 1_000_000).isGreaterThanOrEqualTo(600);
        }
    }

    @Test
    void truncateAfterClosesAnSseStreamWithoutDoneAndWithoutTheLastChunk() {
        try (FakeOpenAi server = llamaCpp()) {
            server.injectNext(2, Fault.truncateAfter(2));

            Raw.Response raw = Raw.post(server.uri("/v1/chat/completions"), SSE_CHAT);
            HttpRequest request = HttpRequest.newBuilder(server.uri("/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(SSE_CHAT)).build();
            List<String> seen = new ArrayList<>();

            assertThat(raw.status()).isEqualTo(200);
            assertThat(raw.body().split("\n\n")).hasSize(2).allMatch(e -> e.startsWith("data: {"));
            assertThat(raw.body()).doesNotContain("[DONE]");
            assertThat(raw.terminated()).isFalse();
            assertThatThrownBy(() -> {
                try (Stream<String> lines = Client.HTTP.send(request, HttpResponse.BodyHandlers.ofLines()).body()) {
                    lines.forEach(seen::add);
                }
            }).isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(IOException.class);
            // java.net.http's line stream may drop lines that arrived just before the failure (it checks for the
            // error before draining its buffers), so a client sees at most the two events, never [DONE].
            assertThat(seen).filteredOn(l -> l.startsWith("data: ")).hasSizeLessThanOrEqualTo(2).noneMatch(l -> l.contains("[DONE]"));
        }
    }

    @Test
    void truncateAfterEndsAnNdjsonStreamBeforeItsDoneLineAndCutsAPlainBodyShort() {
        try (FakeOllama ollama = ollama()) {
            ollama.injectNext(1, "/api/chat", Fault.truncateAfter(3));
            ollama.injectNext(1, "/api/tags", Fault.truncateAfter(1));

            Raw.Response stream = Raw.post(ollama.uri("/api/chat"), CHAT);
            Raw.Response tags = Raw.get(ollama.uri("/api/tags"));

            assertThat(ndjson(stream)).hasSize(3).noneMatch(l -> l.contains("\"done\":true"));
            assertThat(stream.terminated()).isFalse();
            assertThat(tags.payload().length()).isLessThan(Integer.parseInt(tags.headers().get("content-length")));
            assertThat(Client.get(ollama.uri("/api/tags")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aTruncatedBodyIsAnIoExceptionForJavaNetHttp() {
        try (FakeOllama ollama = ollama()) {
            ollama.injectNext(1, Fault.truncateAfter(0));

            assertThatThrownBy(() -> Client.get(ollama.uri("/api/tags"))).isInstanceOf(UncheckedIOException.class);
            assertThat(Client.get(ollama.uri("/api/tags")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void malformedChunkBreaksOneLineAndTheStreamGoesOn() {
        try (FakeOllama ollama = ollama()) {
            ollama.injectNext(1, Fault.malformedChunk(2));

            Raw.Response r = Raw.post(ollama.uri("/api/chat"), CHAT);

            List<String> lines = ndjson(r);
            assertThat(lines).hasSize(5);
            assertThatThrownBy(() -> JsonReader.parse(lines.get(1))).isInstanceOf(JsonSyntaxException.class);
            assertThat(lines.get(1)).startsWith("{\"model\":\"llama3.2\"");
            for (int i : new int[] {0, 2, 3, 4}) {
                assertThat(JsonReader.parseObject(lines.get(i)).has("done")).isTrue();
            }
            assertThat(lines.get(4)).contains("\"done\":true");
            assertThat(r.terminated()).isTrue();
        }
    }

    @Test
    void errorAfterEndsTheStreamWithEachServersOwnMidStreamError() {
        try (FakeOllama ollama = ollama(); FakeOpenAi vllm = FakeOpenAi.builder(Flavor.VLLM).model("m").answer("a", "b").start();
                FakeLmStudio lms = FakeLmStudio.builder().model("m").answer("a", "b").start()) {
            ollama.inject(Fault.errorAfter(1));
            vllm.inject(Fault.errorAfter(2));
            lms.inject(Fault.errorAfter(1));

            Raw.Response o = Raw.post(ollama.uri("/api/generate"), "{\"model\":\"llama3.2\",\"prompt\":\"Hi\"}");
            String v = Client.post(vllm.uri("/v1/chat/completions"), SSE_CHAT).body();
            String l = Client.post(lms.uri("/api/v1/chat"), "{\"model\":\"m\",\"input\":\"Hi\",\"stream\":true}").body();

            List<String> midstream = Fixtures.lines("ollama/error-midstream.ndjson");
            assertThat(o.status()).isEqualTo(200);
            assertThat(ndjson(o)).hasSize(2).last().isEqualTo(midstream.get(midstream.size() - 1));
            assertThat(o.terminated()).isTrue();
            assertThat(v.split("\n\n")).hasSize(4).endsWith("data: {\"error\":{\"message\":\"an error occurred during generation\","
                    + "\"type\":\"InternalServerError\",\"param\":null,\"code\":500}}", "data: [DONE]");
            assertThat(List.of(l.split("\n\n"))).hasSize(2).last().asString()
                    .startsWith("event: error\ndata: {\"type\":\"error\",\"error\":{");
        }
    }

    @Test
    void unknownFieldsAppearInEveryProtocolObjectButNotInToolArguments() {
        ScriptedAnswer answer = ScriptedAnswer.builder().pieces("Hi").toolCall(FakeToolCall.of("get_weather", "{\"city\":\"Tokyo\"}")).build();
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(answer).fault(Fault.unknownFields()).start()) {
            Raw.Response r = Raw.post(ollama.uri("/api/chat"), "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                    + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}]}");
            String tags = Client.get(ollama.uri("/api/tags")).body();

            String member = "\"" + JsonWriter.UNKNOWN_MEMBER + "\":";
            List<String> lines = ndjson(r);
            assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(JsonReader.parseObject(l).has(JsonWriter.UNKNOWN_MEMBER)).isTrue());
            // The tool call line has it on the chunk, its message, the call and the function: four times.
            assertThat(lines.get(1).split(member, -1)).hasSize(5);
            assertThat(lines.get(1)).contains("\"arguments\":{\"city\":\"Tokyo\"}");
            assertThat(tags).contains("\"details\":{\"parent_model\":\"\"").contains(member);
        }
    }

    @Test
    void modelNotFoundAnswersEachServersOwn404() {
        try (FakeOllama ollama = ollama(); FakeOpenAi server = llamaCpp(); FakeLmStudio lms = FakeLmStudio.builder().model("m").start()) {
            ollama.injectNext(1, Fault.modelNotFound());
            server.injectNext(1, Fault.modelNotFound());
            lms.injectNext(1, Fault.modelNotFound());

            HttpResponse<String> o = Client.post(ollama.uri("/api/chat"), CHAT);
            HttpResponse<String> s = Client.post(server.uri("/v1/chat/completions"), SSE_CHAT);
            HttpResponse<String> l = Client.post(lms.uri("/api/v1/chat"), "{\"model\":\"m\",\"input\":\"Hi\"}");

            assertThat(List.of(o.statusCode(), s.statusCode(), l.statusCode())).containsOnly(404);
            assertThat(o.body()).isEqualTo("{\"error\":\"model 'llama3.2' not found\"}");
            assertThat(s.body()).isEqualTo("{\"error\":{\"code\":404,\"message\":\"model 'm' not found\",\"type\":\"not_found_error\"}}");
            assertThat(l.body()).isEqualTo("{\"error\":{\"type\":\"model_not_found\",\"message\":\"Model \\\"m\\\" not found\"}}");
            assertThat(Client.post(ollama.uri("/api/chat"), CHAT).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void httpStatusAnswersWithTheServersErrorBodyAndRetryAfterInWholeSeconds() {
        try (FakeOllama ollama = ollama(); FakeOpenAi server = llamaCpp()) {
            ollama.injectNext(1, Fault.httpStatus(429, Duration.ofMillis(1200)));
            server.injectNext(1, Fault.httpStatus(503, Duration.ofSeconds(7)));

            HttpResponse<String> limited = Client.post(ollama.uri("/api/chat"), CHAT);
            ollama.injectNext(1, "/api/chat", Fault.httpStatus(503));
            HttpResponse<String> busy = Client.post(ollama.uri("/api/chat"), CHAT);
            HttpResponse<String> loading = Client.get(server.uri("/health"));

            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).contains("2");
            assertThat(limited.body()).isEqualTo("{\"error\":\"too many requests\"}");
            assertThat(busy.statusCode()).isEqualTo(503);
            assertThat(busy.headers().firstValue("Retry-After")).isEmpty();
            assertThat(busy.body()).isEqualTo(Fixtures.compactJson("ollama/error-503-queue-full.json"));
            assertThat(loading.statusCode()).isEqualTo(503);
            assertThat(loading.headers().firstValue("Retry-After")).contains("7");
            assertThat(loading.body()).isEqualTo(Fixtures.httpBody("llama-server/00-health-during-load.http"));
            // The README's version of that body has the members in another order than the capture.
            assertThat(Fixtures.keys(Fixtures.compactJson("openai/llamacpp-health-loading-503.json")))
                    .containsExactly("error", "code", "message", "type");
        }
    }

    @Test
    void resetConnectionClosesWithoutAByteAndOnlyForTheNextRequest() {
        try (FakeOllama ollama = ollama()) {
            ollama.injectNext(2, Fault.resetConnection());

            Raw.Response raw = Raw.get(ollama.uri("/api/tags"));
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> Client.post(ollama.uri("/api/chat"), CHAT));
            HttpResponse<String> after = Client.get(ollama.uri("/api/tags"));

            assertThat(raw.bytes()).isEmpty();
            assertThat(thrown).isInstanceOf(UncheckedIOException.class);
            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(ollama.requests()).hasSize(3);
        }
    }

    @Test
    void faultsApplyPerPathForTheNextRequestsAndUntilCleared() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").fault(Fault.httpStatus(500)).start()) {
            int fromBuilder = Client.get(ollama.uri("/api/tags")).statusCode();
            ollama.clearFaults();
            ollama.inject("/api/ps", Fault.httpStatus(500));
            ollama.injectNext(2, "/api/version", Fault.httpStatus(429));
            List<Integer> statuses = new ArrayList<>();
            for (String path : List.of("/api/tags", "/api/ps", "/api/version", "/api/version", "/api/version", "/api/ps")) {
                statuses.add(Client.get(ollama.uri(path)).statusCode());
            }
            ollama.clearFaults();

            assertThat(fromBuilder).isEqualTo(500);
            assertThat(statuses).containsExactly(200, 500, 429, 429, 200, 500);
            assertThat(Client.get(ollama.uri("/api/ps")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void faultsRejectNonsense() {
        assertThatThrownBy(() -> Fault.httpStatus(200)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fault.truncateAfter(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fault.malformedChunk(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fault.stallAfter(1, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        try (FakeOllama ollama = FakeOllama.builder().start()) {
            assertThatThrownBy(() -> ollama.injectNext(0, Fault.resetConnection())).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ollama.inject("api/chat", Fault.resetConnection())).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
