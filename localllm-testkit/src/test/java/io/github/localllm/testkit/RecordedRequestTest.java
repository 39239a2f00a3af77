package io.github.localllm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.testkit.FakeOpenAi.Flavor;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class RecordedRequestTest {

    @Test
    void keepsMethodPathQueryHeadersAndBodyOfEveryRequest() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").start()) {
            assertThatThrownBy(ollama::lastRequest).isInstanceOf(NoSuchElementException.class);
            String body = "{\"model\":\"llama3.2\",\"keep_alive\":\"5m\",\"options\":{\"num_ctx\":8192,\"temperature\":0.70},"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"a/b ~ c\"}],\"stream\":false}";
            Client.send(HttpRequest.newBuilder(URI.create(ollama.uri() + "/api/chat?trace=1")).header("Authorization", "Bearer t0k")
                    .header("X-Request-Id", "42").POST(HttpRequest.BodyPublishers.ofString(body)).build());
            Client.get(ollama.uri("/api/tags"));

            RecordedRequest chat = ollama.requests("/api/chat").get(0);
            assertThat(ollama.requests()).extracting(RecordedRequest::path).containsExactly("/api/chat", "/api/tags");
            assertThat(ollama.lastRequest().method()).isEqualTo("GET");
            assertThat(chat.method()).isEqualTo("POST");
            assertThat(chat.query()).isEqualTo("trace=1");
            assertThat(chat.body()).isEqualTo(body);
            assertThat(chat.header("authorization")).contains("Bearer t0k");
            assertThat(chat.header("X-REQUEST-ID")).contains("42");
            assertThat(chat.header("Origin")).isEmpty();
            assertThat(chat.json("/keep_alive")).contains("\"5m\"");
            assertThat(chat.json("/options/num_ctx")).contains("8192");
            // Numbers come back exactly as sent, trailing zero included.
            assertThat(chat.json("/options/temperature")).contains("0.70");
            assertThat(chat.json("/messages/0/content")).contains("\"a/b ~ c\"");
            assertThat(chat.json("/options")).contains("{\"num_ctx\":8192,\"temperature\":0.70}");
            assertThat(chat.json("/options/num_gpu")).isEmpty();
            assertThat(chat.json("/messages/1")).isEmpty();
            assertThat(ollama.lastRequest().json("/model")).isEmpty();
            assertThatThrownBy(() -> chat.json("model")).isInstanceOf(IllegalArgumentException.class);

            ollama.clearRequests();
            assertThat(ollama.requests()).isEmpty();
        }
    }

    @Test
    void keepsWhatAnOpenAiClientAskedForEvenWhenTheAnswerFailed() {
        try (FakeOpenAi server = FakeOpenAi.builder(Flavor.VLLM).model("m").fault(Fault.resetConnection()).start()) {
            String body = "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[]}";
            assertThat(Raw.post(server.uri("/v1/chat/completions"), body).bytes()).isEmpty();

            RecordedRequest r = server.lastRequest();
            assertThat(r.json("/stream_options/include_usage")).contains("true");
            assertThat(r.json("/stream_options/a~1b")).isEmpty();
            assertThat(r.header("Content-Type")).contains("application/json");
        }
    }
}
