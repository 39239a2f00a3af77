package io.github.localllm.backend.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ChatMessage;
import io.github.localllm.UnsupportedModelException;
import io.github.localllm.backend.llamacpp.TemplateSupport.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The decision from what b4916 renders, with the engine's renderings scripted. */
class TemplateProbeTest {
    private static final String CHATML = ProbeTemplates.LOAD_CONVERSATION_AS_CHATML;
    private static final String LLAMA_LIKE = "<|start_header_id|>system<|end_header_id|>\n\n{{ messages }}";

    /** Answers probe renderings in order, and records the templates it was asked for. */
    private static final class ScriptedProbe implements TemplateProbe.Renderer {
        final List<String> asked = new ArrayList<>();
        private final List<String> answers;

        ScriptedProbe(String... answers) {
            this.answers = List.of(answers);
        }

        @Override
        public String render(String template) {
            asked.add(template);
            return answers.get(asked.size() - 1);
        }
    }

    private static String rendered(int count, String body) {
        return body + "<localllm-rendered:" + count + ">";
    }

    @Test
    void aRenderingUnlikeChatMlWithoutMergedSystemIsTheTemplatesOwnAndNeedsNoProbe() {
        ScriptedProbe probe = new ScriptedProbe();
        TemplateSupport s = TemplateProbe.classify(LLAMA_LIKE, "<|start_header_id|>system<|end_header_id|>\n\n"
                + "You are a helpful assistant<|eot_id|>...", probe);
        assertThat(s.kind()).isEqualTo(Kind.RENDERED);
        assertThat(probe.asked).isEmpty();
    }

    @Test
    void chatMlFromATemplateWithoutChatMlMarkersIsTheFallbackAndNeedsNoProbe() {
        ScriptedProbe probe = new ScriptedProbe();
        assertThat(TemplateProbe.classify("[gMASK]<sop>{% for m in messages %}...", CHATML, probe).kind())
                .isEqualTo(Kind.CHATML_FALLBACK);
        assertThat(probe.asked).isEmpty();
    }

    @Test
    void chatMlWhoseLeadingBosTextTheEngineStrippedIsStillTheFallback() {
        assertThat(TemplateProbe.isChatMlFallback(CHATML.substring("<|im_start|>".length()))).isTrue();
        assertThat(TemplateProbe.isChatMlFallback(CHATML)).isTrue();
        assertThat(TemplateProbe.isChatMlFallback("user\nHow are you?<|im_end|>\n<|im_start|>assistant\n")).isFalse();
        assertThat(TemplateProbe.isChatMlFallback("")).isFalse();
        assertThat(TemplateProbe.isChatMlFallback(CHATML + "<think>\n")).isFalse();
    }

    @Test
    void aChatMlLikeTemplateIsProbedAndRenderedWhenItsMarkerComesBack() {
        ScriptedProbe probe = new ScriptedProbe(rendered(4, CHATML));
        String template = "{% for m in messages %}<|im_start|>{{ m.role }}...{% endfor %}";
        assertThat(TemplateProbe.classify(template, CHATML, probe).kind()).isEqualTo(Kind.RENDERED);
        assertThat(probe.asked).containsExactly(ProbeTemplates.counted(template));
    }

    @Test
    void aChatMlLikeTemplateWhoseMarkerIsMissingWasReplacedByChatMl() {
        ScriptedProbe probe = new ScriptedProbe(CHATML);
        assertThat(TemplateProbe.classify("<|im_start|>{{ messages[::-1] }}", CHATML, probe).kind())
                .isEqualTo(Kind.CHATML_FALLBACK);
    }

    @Test
    void aMergedSystemMessageThatTheTemplateRefusesIsLlamaCppsDocumentedMerge() {
        String merged = "<start_of_turn>user\n" + ProbeTemplates.LOAD_CONVERSATION_MERGED + "<end_of_turn>";
        ScriptedProbe probe = new ScriptedProbe(rendered(3, merged),
                rendered(4, ProbeTemplates.RAISED + "<start_of_turn>system\nYou are a helpful assistant"));
        assertThat(TemplateProbe.classify("gemma", merged, probe).kind()).isEqualTo(Kind.SYSTEM_MERGED);
        assertThat(probe.asked).containsExactly(ProbeTemplates.counted("gemma"),
                ProbeTemplates.systemForced("gemma"));
    }

    @Test
    void aMergedSystemMessageThatTheTemplateDropsIsLlamaCppsDocumentedMerge() {
        String merged = "[INST]" + ProbeTemplates.LOAD_CONVERSATION_MERGED + "[/INST]";
        ScriptedProbe probe = new ScriptedProbe(rendered(3, merged), rendered(4, "[INST]Hello[/INST]"));
        assertThat(TemplateProbe.classify("drops", merged, probe).kind()).isEqualTo(Kind.SYSTEM_MERGED);
    }

    @Test
    void aMergedSystemMessageThatStaysMergedWhenForcedIsAFailureOfTheEngine() {
        String merged = "user\n" + ProbeTemplates.LOAD_CONVERSATION_MERGED;
        assertThat(TemplateProbe.classify("smollm3", merged,
                new ScriptedProbe(rendered(3, merged), rendered(3, merged))).kind())
                .isEqualTo(Kind.SYSTEM_UNSUPPORTED);
        assertThat(TemplateProbe.classify("fails", merged,
                new ScriptedProbe(rendered(3, merged), CHATML)).kind())
                .isEqualTo(Kind.SYSTEM_UNSUPPORTED);
    }

    @Test
    void aMergedSystemMessageThatTheTemplateRendersWhenForcedIsAMisjudgementOfTheEngine() {
        String merged = "user\n" + ProbeTemplates.LOAD_CONVERSATION_MERGED;
        assertThat(TemplateProbe.classify("t", merged,
                new ScriptedProbe(rendered(3, merged), rendered(4, "system\nYou are a helpful assistant"))).kind())
                .isEqualTo(Kind.SYSTEM_UNSUPPORTED);
    }

    @Test
    void aSystemMessageLikeTextThatWasNotMergedIsRendered() {
        String text = "<|user|>\n" + ProbeTemplates.LOAD_CONVERSATION_MERGED;
        assertThat(TemplateProbe.classify("t", text, new ScriptedProbe(rendered(4, text))).kind())
                .isEqualTo(Kind.RENDERED);
    }

    @Test
    void theCountingTemplateKeepsTheDroppedFinalNewlineDropped() {
        assertThat(ProbeTemplates.counted("A{{ x }}\n"))
                .isEqualTo("{% set localllm_message_count = messages|length %}\n"
                        + "A{{ x }}{{ '<localllm-rendered:' + (localllm_message_count|string) + '>' }}\n");
        assertThat(ProbeTemplates.counted("A\r\n")).endsWith("'>' }}\n").doesNotContain("\r");
        assertThat(ProbeTemplates.counted("A\n\n")).contains("A\n{{ '<localllm-rendered:");
        assertThat(ProbeTemplates.counted("A")).endsWith("A{{ '<localllm-rendered:' + (localllm_message_count|string)"
                + " + '>' }}");
    }

    @Test
    void theMarkerCountsOnlyAtTheEnd() {
        assertThat(ProbeTemplates.messageCount("abc<localllm-rendered:4>")).isEqualTo(OptionalInt.of(4));
        assertThat(ProbeTemplates.messageCount("<localllm-rendered:4>abc")).isEmpty();
        assertThat(ProbeTemplates.messageCount(CHATML)).isEmpty();
    }

    @Test
    void theForcedTemplateSilencesRaisesAndShowsTheEngineItsSystemNeedle() {
        String forced = ProbeTemplates.systemForced("T");
        assertThat(forced).startsWith("{% macro raise_exception(message) %}" + ProbeTemplates.RAISED
                + "{% endmacro %}\n").contains("'<System Needle>'").endsWith(ProbeTemplates.counted("T"));
    }

    @Test
    void refusedConversationsSayWhatHappensAndWhatToDo() {
        List<ChatMessage> withSystem = List.of(ChatMessage.system("Be brief"), ChatMessage.user("Hi"));
        List<ChatMessage> withoutSystem = List.of(ChatMessage.user("Hi"));
        new TemplateSupport(Kind.RENDERED).checkConversation(withSystem, "m");
        new TemplateSupport(Kind.SYSTEM_MERGED).checkConversation(withSystem, "m");
        new TemplateSupport(Kind.SYSTEM_UNSUPPORTED).checkConversation(withoutSystem, "m");
        assertThatThrownBy(() -> new TemplateSupport(Kind.SYSTEM_UNSUPPORTED).checkConversation(withSystem, "glimmer"))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("glimmer's chat template takes system messages")
                .hasMessageContaining("leave out the system message").hasMessageContaining("llama-server")
                .hasMessageContaining("raw(true)");
        assertThatThrownBy(() -> new TemplateSupport(Kind.CHATML_FALLBACK).checkConversation(withoutSystem, "glm"))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("glm's chat template").hasMessageContaining("ChatML")
                .hasMessageContaining("llama-server").hasMessageContaining("raw(true)");
        assertThatThrownBy(() -> new TemplateSupport(Kind.MISSING).checkConversation(withoutSystem, "base"))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("base has no chat template").hasMessageContaining("raw(true)");
    }
}
