package io.github.localllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.spi.EngineCapabilities;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContentModelTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0};
    private static final ToolDefinition WEATHER = ToolDefinition.of("get_weather", "Weather in a city",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

    @Test
    void imagesKnowTheirTypeFromTheirBytesAndAreCopied() {
        byte[] bytes = PNG.clone();
        Image image = Image.of(bytes);
        bytes[1] = 'X';
        assertThat(image.mediaType()).isEqualTo("image/png");
        assertThat(image.bytes()).isEqualTo(PNG);
        assertThat(image.dataUrl()).isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(PNG));
        assertThat(Image.ofBase64(image.base64())).isEqualTo(image);
        assertThatThrownBy(() -> Image.of("GIF".getBytes())).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("not PNG, JPEG, GIF or WebP (its first bytes are 474946)");
        assertThatThrownBy(() -> Image.ofBase64("%%%")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("not base64");
    }

    @Test
    void eachPartBelongsToItsRole() {
        Image image = Image.of(PNG);
        assertThat(ChatMessage.user("what is this?", image).images()).containsExactly(image);
        assertThatThrownBy(() -> new ChatMessage(Role.SYSTEM, "x", List.of(image), List.of(), null, ""))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("images belong in user messages");
        assertThatThrownBy(() -> new ChatMessage(Role.USER, "x", List.of(),
                List.of(new ToolCall("c1", "get_weather", "{}")), null, ""))
                .hasMessageContaining("tool calls belong in assistant messages");
        assertThatThrownBy(() -> new ChatMessage(Role.USER, "x", List.of(), List.of(), "c1", ""))
                .hasMessageContaining("toolCallId belongs in a tool message");
        assertThatThrownBy(() -> ChatMessage.toolResult("", "x")).hasMessageContaining("needs the id");
    }

    @Test
    void aToolConversationRoundTripsThroughTheResult() {
        GenerationResult answer = GenerationResult.builder().finishReason(FinishReason.TOOL_CALLS)
                .usage(new Usage(10, 5)).metrics(GenerationMetrics.measure(Duration.ZERO, 0, 0, 0, new Usage(0, 0)))
                .model("m").toolCalls(List.of(new ToolCall("call_0", "get_weather", "{\"city\":\"Paris\"}")))
                .build();
        GenerationRequest next = GenerationRequest.builder().user("Weather in Paris?").tool(WEATHER)
                .message(ChatMessage.of(answer)).message(ChatMessage.toolResult("call_0", "{\"celsius\":21}"))
                .build();
        assertThat(next.messages()).hasSize(3);
        assertThat(next.messages().get(1).toolCalls()).hasSize(1);
        assertThat(next.tools()).containsExactly(WEATHER);
    }

    @Test
    void requestsWithBrokenToolsAreRefusedBeforeAnyEngine() {
        assertThatThrownBy(() -> GenerationRequest.builder().user("x").tool(WEATHER).tool(WEATHER).build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("two tools are named 'get_weather'");
        assertThatThrownBy(() -> GenerationRequest.builder().user("x")
                .message(ChatMessage.toolResult("call_9", "{}")).build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("the tool result for call 'call_9' answers no earlier tool call");
        assertThatThrownBy(() -> ToolDefinition.of("get weather", "", null)).hasMessageContaining("rename it");
        assertThatThrownBy(() -> ToolDefinition.of("f", "", "[1]")).hasMessageContaining("must be a JSON Schema object");
        assertThatThrownBy(() -> ToolDefinition.of("f", "", "{")).hasMessageContaining("are not valid JSON");
        assertThat(ToolDefinition.of("f", null, null).parameters()).isEqualTo("{\"type\":\"object\",\"properties\":{}}");
        assertThatThrownBy(() -> GenerationRequest.builder().user("x").timeout(Duration.ZERO).build())
                .hasMessageContaining("timeout must be positive");
    }

    @Test
    void anEngineSaysWhatARequestNeedsThatItLacks() {
        EngineCapabilities textOnly = EngineCapabilities.unknown();
        EngineCapabilities rich = EngineCapabilities.builder().responseFormats(ResponseFormat.Kind.JSON).tools(true)
                .images(true).thinking(true).build();
        GenerationRequest tools = GenerationRequest.builder().user("x").tool(WEATHER).build();
        GenerationRequest image = GenerationRequest.builder().message(ChatMessage.user("x", Image.of(PNG))).build();
        GenerationRequest think = GenerationRequest.builder().user("x").think(true).build();
        GenerationRequest json = GenerationRequest.builder().user("x").responseFormat(ResponseFormat.json()).build();
        GenerationRequest grammar = GenerationRequest.builder().user("x")
                .responseFormat(ResponseFormat.grammar("root ::= \"a\"")).build();
        assertThat(textOnly.missingFor(tools)).isEqualTo("tools");
        assertThat(textOnly.missingFor(image)).isEqualTo("images");
        assertThat(textOnly.missingFor(think)).isEqualTo("thinking");
        assertThat(textOnly.missingFor(json)).isEqualTo("the json response format");
        assertThat(rich.missingFor(grammar)).isEqualTo("the grammar response format");
        assertThat(rich.missingFor(tools)).isEmpty();
        assertThat(rich.missingFor(json)).isEmpty();
        assertThat(EngineCapabilities.builder().grammarDialect("llama.cpp b4916").build().missingFor(grammar)).isEmpty();
        assertThat(textOnly.runs("qwen3")).as("no list: not known to refuse any").isTrue();
        assertThat(EngineCapabilities.builder().architectures(java.util.Set.of("llama")).build().runs("qwen3")).isFalse();
    }

    @Test
    void oneKvCacheTypeParsedFromItsWireName() {
        assertThat(KvCacheType.parse(" Q8_0 ")).isEqualTo(KvCacheType.Q8_0);
        assertThat(KvCacheType.Q4_0.bytes(33)).isEqualTo(36);
        assertThatThrownBy(() -> KvCacheType.parse("q5_1")).isInstanceOf(InvalidRequestException.class)
                .hasMessage("KV cache type 'q5_1' is not one of f16, q8_0, q4_0");
    }

    @Test
    void theExceptionFamilySaysWhatARetryCanFix() {
        assertThat(new BackendUnavailableException("down").isRetryable()).isTrue();
        assertThat(new GenerationTimeoutException("slow").isRetryable()).isTrue();
        assertThat(new InvalidRequestException("bad").isRetryable()).isFalse();
        assertThat(new ModelNotFoundException("gone").isRetryable()).isFalse();
        assertThat(new ContextOverflowException(10, 5).isRetryable()).isFalse();
    }
}
