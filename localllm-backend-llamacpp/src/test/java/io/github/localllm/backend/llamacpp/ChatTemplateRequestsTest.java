package io.github.localllm.backend.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ChatMessage;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.GenerationRequest;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.SamplingParameters;
import io.github.localllm.UnsupportedModelException;
import io.github.localllm.gguf.SyntheticModel;
import io.github.localllm.spi.ModelLoadRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Through the engine's API: a request is never sent in a format the model was not trained on. */
class ChatTemplateRequestsTest {
    private static final List<ChatMessage> WITH_SYSTEM = List.of(ChatMessage.system("Answer briefly"),
            ChatMessage.user("Hello"));
    private static final List<ChatMessage> WITHOUT_SYSTEM = List.of(ChatMessage.user("Hello"));

    private static ModelInstance load(Path file) {
        return new LlamaCppBackend().load(ModelLoadRequest.ofFile(file,
                LoadOptions.builder().contextSize(ChatTemplates.CONTEXT).threads(1).build()));
    }

    private static GenerationRequest chat(List<ChatMessage> messages) {
        return GenerationRequest.builder().messages(messages).maxTokens(2).sampling(SamplingParameters.greedy())
                .build();
    }

    @Test
    void aTemplateTheEngineReplacesByChatMlRefusesChatButServesRawPromptsAndEmbeddings() {
        try (ModelInstance model = load(ChatTemplates.model("GLM-4.6"))) {
            assertThatThrownBy(() -> model.generate(chat(WITHOUT_SYSTEM)))
                    .isInstanceOf(UnsupportedModelException.class)
                    .hasMessageContaining(ChatTemplates.MODEL_NAME + "'s chat template")
                    .hasMessageContaining("ChatML").hasMessageContaining("llama-server")
                    .hasMessageContaining("raw(true)");
            // A plain prompt is templated too, unless raw.
            assertThatThrownBy(() -> model.generate(GenerationRequest.builder().prompt("Hi").maxTokens(2).build()))
                    .isInstanceOf(UnsupportedModelException.class);
            String raw = "[gMASK]<sop><|user|>\nHello<|assistant|>";
            assertThat(model.generate(GenerationRequest.builder().prompt(raw).raw(true).maxTokens(2)
                    .sampling(SamplingParameters.greedy()).build()).usage().completionTokens()).isPositive();
            assertThat(model.embed(EmbeddingRequest.of("Hello")).embeddings()).hasSize(1);
        }
    }

    @Test
    void aTemplateWhoseSystemPartFailsInTheEngineRefusesOnlySystemMessages() {
        try (ModelInstance model = load(ChatTemplates.model("HuggingFaceTB-SmolLM3-3B"))) {
            assertThatThrownBy(() -> model.generate(chat(WITH_SYSTEM)))
                    .isInstanceOf(UnsupportedModelException.class)
                    .hasMessageContaining("takes system messages").hasMessageContaining("leave out the system message");
            assertThat(model.generate(chat(WITHOUT_SYSTEM)).usage().completionTokens()).isPositive();
        }
    }

    @Test
    void aTemplateThatRefusesSystemMessagesGetsThemMergedAsLlamaCppDoes() {
        try (ModelInstance model = load(ChatTemplates.model("google-gemma-2-2b-it"))) {
            assertThat(model.generate(chat(WITH_SYSTEM)).usage().completionTokens()).isPositive();
        }
    }

    @Test
    void aTemplateTheEngineRendersServesEveryConversation() {
        try (ModelInstance model = load(ChatTemplates.model("Qwen-Qwen2.5-7B-Instruct"))) {
            assertThat(model.generate(chat(WITH_SYSTEM)).usage().completionTokens()).isPositive();
            assertThat(model.generate(GenerationRequest.builder().prompt("Hi").maxTokens(2).build())
                    .usage().promptTokens()).isGreaterThan(2);
        }
    }

    @Test
    void aModelWithoutTemplateRefusesChatButTakesPlainPromptsAsTheyAre() {
        Path file = TestModels.write(SyntheticModel.builder().name("base-model").chatTemplate("").build(),
                "no-template.gguf");
        try (ModelInstance model = load(file)) {
            assertThatThrownBy(() -> model.generate(chat(WITHOUT_SYSTEM)))
                    .isInstanceOf(UnsupportedModelException.class)
                    .hasMessageContaining("base-model has no chat template");
            assertThat(model.generate(GenerationRequest.builder().prompt("Hi").maxTokens(2).build())
                    .usage().promptTokens()).isEqualTo(2);
        }
    }
}
