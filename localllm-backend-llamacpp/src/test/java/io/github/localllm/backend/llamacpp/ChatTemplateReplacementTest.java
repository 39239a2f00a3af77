package io.github.localllm.backend.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ChatMessage;
import io.github.localllm.GenerationRequest;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.SamplingParameters;
import io.github.localllm.spi.ModelLoadRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A template given in {@link LlamaCppOptions#chatTemplate()} replaces the file's; b4916 ends the process on
 * one it cannot render, so each is checked before b4916 sees it.
 */
class ChatTemplateReplacementTest {
    /** GLM-4.6's format for plain chats, in the Jinja b4916 understands. */
    private static final String GLM_CHAT = "[gMASK]<sop>{% for m in messages %}<|{{ m.role }}|>\n{{ m.content }}"
            + "{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}";

    private static ModelInstance load(Path file, String template) {
        return new LlamaCppBackend().load(ModelLoadRequest.ofFile(file, LoadOptions.builder().contextSize(256)
                .threads(1).engineOptions(LlamaCppOptions.builder().chatTemplate(template).build()).build()));
    }

    @Test
    void aReplacementTheEngineRendersServesAModelWhoseOwnItCannot() {
        try (ModelInstance model = load(ChatTemplates.model("GLM-4.6"), GLM_CHAT)) {
            GenerationRequest chat = GenerationRequest.builder().messages(List.of(ChatMessage.system("Be brief"),
                    ChatMessage.user("Hello"))).maxTokens(2).sampling(SamplingParameters.greedy()).build();
            // [gMASK]<sop> and the role markers are text to this vocabulary: one token per byte.
            String prompt = "[gMASK]<sop><|system|>\nBe brief<|user|>\nHello<|assistant|>";
            assertThat(model.generate(chat).usage().promptTokens()).isEqualTo(model.tokenizer().orElseThrow()
                    .tokenize(prompt).length);
        }
    }

    @Test
    void aReplacementTheEngineCannotParseIsRefusedAtLoad() {
        Path file = ChatTemplates.model("Qwen-Qwen2.5-7B-Instruct");
        assertThatThrownBy(() -> load(file, ChatTemplates.template("GLM-4.6")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("LlamaCppOptions.chatTemplate").hasMessageContaining("llama-server");
    }

    @Test
    void aReplacementThatFailsOnlyOnTheEnginesOwnCheckIsRefusedBeforeTheEngineSeesIt() {
        // Renders the load conversation, but not b4916's command-line check (one user message), where a
        // failure would end the process.
        String template = "{% if messages|length == 1 %}{{ messages[0].content.replace('t', 'T') }}{% endif %}"
                + GLM_CHAT;
        assertThatThrownBy(() -> load(ChatTemplates.model("GLM-4.6"), template))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("cannot render one user message");
    }

    @Test
    void aBlankReplacementIsRefusedWhenBuilt() {
        assertThatThrownBy(() -> LlamaCppOptions.builder().chatTemplate(" ").build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("chatTemplate is blank");
        assertThat(LlamaCppOptions.builder().chatTemplate(GLM_CHAT).build().toString())
                .contains("chatTemplate=" + GLM_CHAT.length() + " characters");
    }
}
