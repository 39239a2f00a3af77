package io.github.localllm.backend.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.FinishReason;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.ModelInfo;
import io.github.localllm.ModelInstance;
import io.github.localllm.http.RetryPolicy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Chunk shapes the fakes do not send, replayed from a raw socket: reasoning as llama.cpp
 * ({@code reasoning_content}) and Ollama or LM Studio ({@code reasoning}) stream it, tool-call
 * fragments without an index, {@code content_filter}, a usage chunk with {@code "choices": null},
 * llama.cpp's keep-alive comments.
 */
class WireShapesTest {

    @AfterEach
    void noThreadLeft() {
        Servers.assertNoThreadLeft();
    }

    private static String sse(String... events) {
        StringBuilder body = new StringBuilder();
        for (String e : events) {
            body.append(e.startsWith(":") ? e + "\n\n" : "data: " + e + "\n\n");
        }
        return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n" + body;
    }

    private static ModelInstance model(RawServer server) {
        OpenAiBackend backend = OpenAiBackend.builder(URI.create(server.uri() + "/v1")).retryPolicy(RetryPolicy.none()).build();
        return backend.instance(ModelInfo.builder("m", "openai").capabilities(OpenAiBackend.CAPABILITIES).build(), () -> { });
    }

    private static List<GenerationChunk> read(GenerationStream stream) {
        List<GenerationChunk> chunks = new ArrayList<>();
        stream.forEach(chunks::add);
        return chunks;
    }

    @Test
    void reasoningContentAndReasoningAreThinkingApartFromTheAnswer() throws Exception {
        try (RawServer server = RawServer.answering(sse(
                "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null}}]}",
                ": ping",
                "{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"Two and two\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\" make four.\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"4\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
                "{\"choices\":null,\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":9,\"total_tokens\":21}}",
                "[DONE]"));
             ModelInstance model = model(server); GenerationStream stream = model.stream(GenerationRequest.builder().user("2+2?").build())) {
            List<GenerationChunk> chunks = read(stream);
            GenerationResult r = stream.result();

            assertThat(chunks).extracting(GenerationChunk::thinking).containsExactly("Two and two", " make four.", "");
            assertThat(r.thinking()).isEqualTo("Two and two make four.");
            assertThat(r.text()).isEqualTo("4");
            assertThat(r.usage().completionTokens()).isEqualTo(9);
            assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        }
    }

    @Test
    void toolCallFragmentsWithoutAnIndexJoinByTheirIds() throws Exception {
        try (RawServer server = RawServer.answering(sse(
                "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"x\\\":\"}}]}}]}",
                "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":\"1}\"}}]}}]}",
                "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"id\":\"b\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}}]}",
                "{\"choices\":[{\"delta\":{},\"finish_reason\":\"tool_calls\"}]}",
                "[DONE]"));
             ModelInstance model = model(server)) {
            GenerationResult r = model.generate(GenerationRequest.builder().user("call").build());

            assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
            assertThat(r.toolCalls()).hasSize(2);
            assertThat(r.toolCalls().get(0).id()).isEqualTo("a");
            assertThat(r.toolCalls().get(0).arguments()).isEqualTo("{\"x\":1}");
            assertThat(r.toolCalls().get(1).name()).isEqualTo("g");
        }
    }

    @Test
    void aContentFilterEndsTheAnswerAsAnError() throws Exception {
        try (RawServer server = RawServer.answering(sse(
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Partial\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"content_filter\"}]}",
                "[DONE]"));
             ModelInstance model = model(server)) {
            GenerationResult r = model.generate(GenerationRequest.builder().user("x").build());

            assertThat(r.finishReason()).isEqualTo(FinishReason.ERROR);
            assertThat(r.text()).isEqualTo("Partial");
        }
    }

    @Test
    void aWholeAnswerWithReasoningAndToolCallsIsReadToo() throws Exception {
        String body = "{\"choices\":[{\"finish_reason\":\"tool_calls\",\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":null,\"reasoning_content\":\"Need weather.\",\"tool_calls\":[{\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Rome\"}},\"id\":\"c1\"}]}}],"
                + "\"usage\":{\"completion_tokens\":7,\"prompt_tokens\":30,\"total_tokens\":37}}";
        try (RawServer server = RawServer.answering("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\nConnection: close\r\n\r\n" + body)) {
            OpenAiBackend backend = OpenAiBackend.builder(URI.create(server.uri() + "/v1")).retryPolicy(RetryPolicy.none())
                    .completeAnswers("/v1/chat/completions", AnswerMetrics.llamaCppTimings()).build();
            try (ModelInstance model = backend.instance(ModelInfo.builder("m", "openai")
                    .capabilities(OpenAiBackend.CAPABILITIES).build(), () -> { })) {
                GenerationResult r = model.generate(GenerationRequest.builder().user("Rome?").build());

                assertThat(r.thinking()).isEqualTo("Need weather.");
                assertThat(r.toolCalls()).singleElement().satisfies(c -> {
                    assertThat(c.id()).isEqualTo("c1");
                    assertThat(c.arguments()).isEqualTo("{\"city\":\"Rome\"}");
                });
                assertThat(r.usage().promptTokens()).isEqualTo(30);
                // No timings: the rates are unknown, not made up.
                assertThat(r.metrics().generationTokensPerSecond()).isZero();
            }
        }
    }
}
