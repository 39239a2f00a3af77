package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ChatMessage;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.GenerationRequest;
import io.github.localllm.Image;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.ResponseFormat;
import io.github.localllm.ToolDefinition;
import io.github.localllm.spi.EngineCapabilities;
import org.junit.jupiter.api.Test;

/** A request that needs something goes only where it is served; where it is served nowhere, the message says who lacks what. */
class CapabilityTest {
    private static final ToolDefinition WEATHER = new ToolDefinition("weather", "the weather",
            "{\"type\":\"object\",\"properties\":{}}");

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0};

    private final FakeTarget textOnly = new FakeTarget("text-only", EngineCapabilities.builder().build(), null);
    private final FakeTarget tools = new FakeTarget("tools", EngineCapabilities.builder().tools(true)
            .grammarDialect("llama.cpp b4916").build(), null);
    private final FakeTarget vision = new FakeTarget("vision", EngineCapabilities.builder().images(true)
            .thinking(true).logprobs(true).embeddings(true).build(), null);

    private Router router() {
        return Router.builder()
                .target(Target.local("text-only", textOnly).build())
                .target(Target.local("tools", tools).build())
                .target(Target.cloud("vision", vision).build())
                .build();
    }

    @Test
    void eachNeedGoesWhereItIsServed() {
        Router router = router();
        assertThat(target(router, GenerationRequest.of("hi"))).isEqualTo("text-only");
        assertThat(target(router, GenerationRequest.builder().user("weather?").tool(WEATHER).build()))
                .isEqualTo("tools");
        assertThat(target(router, GenerationRequest.builder().prompt("x")
                .responseFormat(ResponseFormat.grammar("root ::= \"a\"")).build())).isEqualTo("tools");
        assertThat(target(router, GenerationRequest.builder()
                .message(ChatMessage.user("what is this?", Image.of(PNG))).build()))
                .isEqualTo("vision");
        assertThat(target(router, GenerationRequest.builder().prompt("x").think(true).build())).isEqualTo("vision");
        assertThat(target(router, GenerationRequest.builder().prompt("x").logprobs(2).build())).isEqualTo("vision");
        assertThat(router.generate(GenerationRequest.builder().user("weather?").tool(WEATHER).build())
                .routing().orElseThrow().reason())
                .isEqualTo("prefer-local ranked [tools]; excluded: text-only lacks tools, vision lacks tools");
    }

    @Test
    void embeddingsGoToTargetsThatEmbed() {
        assertThat(router().embed(EmbeddingRequest.of("a", "b")).model()).isEqualTo("vision-model");
        assertThat(vision.calls).hasValue(1);
        assertThat(textOnly.calls).hasValue(0);
    }

    @Test
    void noTargetServesIt() {
        GenerationRequest both = GenerationRequest.builder()
                .message(ChatMessage.user("what is this?", Image.of(PNG))).tool(WEATHER).build();
        assertThatThrownBy(() -> router().generate(both)).isInstanceOf(InvalidRequestException.class)
                .hasMessage("no target of router 'router' can serve this request: text-only lacks tools; tools lacks"
                        + " images; vision lacks tools. Drop what the request needs that no target has, or add a"
                        + " target that serves it");
        assertThatThrownBy(() -> router().stream(both)).isInstanceOf(InvalidRequestException.class);
        assertThat(textOnly.calls.get() + tools.calls.get() + vision.calls.get()).isZero();
    }

    @Test
    void aTargetThatSaysNothingIsNotFiltered() {
        Router inner = Router.builder().target(Target.local("tools", tools).build()).build();
        Router outer = Router.builder().target(Target.local("text-only", textOnly).build())
                .target(Target.local("nested", inner).build()).build();
        GenerationRequest withTools = GenerationRequest.builder().user("weather?").tool(WEATHER).build();
        assertThat(target(outer, withTools)).isEqualTo("nested");
        assertThat(tools.calls).hasValue(1);
    }

    private static String target(Router router, GenerationRequest request) {
        return router.generate(request).routing().orElseThrow().target();
    }
}
