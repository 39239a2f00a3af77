package io.github.localllm.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.localllm.ChatMessage;
import io.github.localllm.ContextOverflowException;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.GenerationRequest;
import io.github.localllm.Image;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelInstance;
import io.github.localllm.ResponseFormat;
import io.github.localllm.ToolDefinition;
import io.github.localllm.spi.EngineCapabilities;
import java.util.EnumMap;
import java.util.Map;

/** Requests an engine must refuse before it does any work, with an error that names what is wrong. */
final class RefusalChecks {
    /** A 1x1 PNG. */
    private static final String PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    private final EngineContract contract;
    private final ModelInstance model;

    RefusalChecks(EngineContract contract) {
        this.contract = contract;
        this.model = contract.sharedModel();
    }

    /**
     * Both {@code generate} and {@code stream} refuse the request with an {@link InvalidRequestException}
     * whose message names {@code what}, {@code stream} at once rather than in its chunks, and nothing
     * reaches the engine's server.
     */
    void assertRefused(GenerationRequest request, String what) {
        long before = contract.requestsReceived();
        assertThatThrownBy(() -> model.generate(request)).as("generate() of a request the engine must refuse")
                .isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(e.getMessage()).as("the refusal's message").containsIgnoringCase(what));
        assertThatThrownBy(() -> model.stream(request).close()).as("stream() of a request the engine must refuse")
                .isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(e.getMessage()).as("the refusal's message").containsIgnoringCase(what));
        if (before >= 0) {
            assertThat(contract.requestsReceived()).as("requests the engine's server received for refused requests")
                    .isEqualTo(before);
        }
    }

    private GenerationRequest.Builder small(String prompt) {
        return contract.deterministic().prompt(prompt).maxTokens(8);
    }

    void tools() {
        assumeFalse(contract.capabilities().tools(), "the model reports tools; there is nothing to refuse");
        assertRefused(small("What is the weather in Paris?").tool(ToolDefinition.of("get_weather", "The weather in a city",
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}")).build(),
                "tool");
    }

    void images() {
        assumeFalse(contract.capabilities().images(), "the model reports images; there is nothing to refuse");
        assertRefused(contract.deterministic().message(ChatMessage.user("What is in this picture?", Image.ofBase64(PIXEL)))
                .maxTokens(8).build(), "image");
    }

    void thinking() {
        assumeFalse(contract.capabilities().thinking(), "the model reports thinking; there is nothing to refuse");
        assertRefused(small("Think before you answer: what is 2 + 2?").think(true).build(), "think");
    }

    void logprobs() {
        assumeFalse(contract.capabilities().logprobs(), "the model reports log probabilities; there is nothing to refuse");
        assertRefused(small("Is the sky blue?").logprobs(2).build(), "log probabilities");
    }

    void responseFormats() {
        Map<ResponseFormat.Kind, ResponseFormat> formats = new EnumMap<>(ResponseFormat.Kind.class);
        formats.put(ResponseFormat.Kind.JSON, ResponseFormat.json());
        formats.put(ResponseFormat.Kind.JSON_SCHEMA, ResponseFormat.jsonSchema("{\"type\":\"object\"}"));
        formats.put(ResponseFormat.Kind.GRAMMAR, ResponseFormat.grammar("root ::= \"yes\" | \"no\""));
        EngineCapabilities capabilities = contract.capabilities();
        formats.keySet().removeAll(capabilities.responseFormats());
        assumeFalse(formats.isEmpty(), "the model reports every response format; there is nothing to refuse");
        formats.forEach((kind, format) -> assertRefused(small("Is the sky blue?").responseFormat(format).build(),
                kind == ResponseFormat.Kind.JSON_SCHEMA ? "schema" : kind.name().toLowerCase(java.util.Locale.ROOT)));
    }

    void contextOverflow() {
        Integer context = model.info().options().contextSize();
        assumeTrue(model.tokenizer().isPresent() && context != null, "the engine has no tokenizer or no known context"
                + " size, so it cannot count a prompt against the context before sending it");
        String prompt = "word ".repeat(context * 2);
        long before = contract.requestsReceived();
        GenerationRequest request = small(prompt).build();
        assertThatThrownBy(() -> model.generate(request)).as("generate() of a prompt of twice the context")
                .isInstanceOf(ContextOverflowException.class);
        assertThatThrownBy(() -> model.stream(request).close()).as("stream() of a prompt of twice the context")
                .isInstanceOf(ContextOverflowException.class);
        if (before >= 0) {
            assertThat(contract.requestsReceived()).as("requests the server received for prompts too long").isEqualTo(before);
        }
    }

    void closedModel() {
        ModelInstance own = contract.load();
        String name = own.info().name();
        own.close();
        own.close();
        GenerationRequest request = small("Hello?").build();
        assertThatThrownBy(() -> own.generate(request)).as("generate() on a closed model")
                .isInstanceOf(LocalLlmException.class)
                .satisfies(e -> assertThat(e.getMessage()).as("the refusal's message").containsIgnoringCase("closed"));
        assertThatThrownBy(() -> own.stream(request).close()).as("stream() on a closed model")
                .isInstanceOf(LocalLlmException.class)
                .satisfies(e -> assertThat(e.getMessage()).as("the refusal's message").containsIgnoringCase("closed"));
        if (contract.capabilities().embeddings()) {
            assertThatThrownBy(() -> own.embed(EmbeddingRequest.of("Hello?"))).as("embed() on a closed model")
                    .isInstanceOf(LocalLlmException.class)
                    .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase("closed"));
        }
        assertThat(own.info().name()).as("a closed model still describes itself").isEqualTo(name);
        assertThat(model.generate(request).text()).as("another instance of the model answers after one was closed")
                .isNotEmpty();
    }
}
