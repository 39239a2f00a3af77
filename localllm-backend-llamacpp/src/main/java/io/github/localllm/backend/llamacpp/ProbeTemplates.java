package io.github.localllm.backend.llamacpp;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chat templates rewritten so that llama.cpp b4916 tells, through what it renders, how it treated
 * the original: whether it rendered it at all (or silently put ChatML in its place), and how many
 * messages reached it (fewer than sent when it merged a system message into the user turn).
 *
 * <p>The additions render nothing of their own into the conversation: a {@code set} at the start
 * (trim_blocks removes the newline after it) and one expression at the very end, placed before the
 * template's final newline, which b4916's Jinja engine drops as it would have without the addition.
 */
final class ProbeTemplates {
    /**
     * The conversation b4916 renders when it loads a model ({@code common_chat_format_example}): a
     * template that fails on it is replaced by ChatML, and one that renders it renders it again, so
     * asking the engine for it can never end in an exception, which b4916 does not catch.
     */
    static final String LOAD_CONVERSATION_JSON = "{\"messages\":["
            + "{\"role\":\"system\",\"content\":\"You are a helpful assistant\"},"
            + "{\"role\":\"user\",\"content\":\"Hello\"},"
            + "{\"role\":\"assistant\",\"content\":\"Hi there\"},"
            + "{\"role\":\"user\",\"content\":\"How are you?\"}]}";
    static final int LOAD_CONVERSATION_MESSAGES = 4;
    static final String LOAD_SYSTEM = "You are a helpful assistant";

    /** What b4916's ChatML fallback makes of {@link #LOAD_CONVERSATION_JSON}. */
    static final String LOAD_CONVERSATION_AS_CHATML = "<|im_start|>system\nYou are a helpful assistant<|im_end|>\n"
            + "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\nHi there<|im_end|>\n"
            + "<|im_start|>user\nHow are you?<|im_end|>\n<|im_start|>assistant\n";

    /** The system text merged into the first user message, as b4916 joins them. */
    static final String LOAD_CONVERSATION_MERGED = LOAD_SYSTEM + "\nHello";

    /** The system message content b4916 probes templates with to decide whether they take system messages. */
    static final String SYSTEM_NEEDLE = "<System Needle>";

    /** Emitted instead of raising, by the template whose {@code raise_exception} is silenced. */
    static final String RAISED = "<localllm-raised>";

    private static final String COUNT = "localllm_message_count";
    private static final Pattern MARKER = Pattern.compile("<localllm-rendered:(\\d+)>$");

    private ProbeTemplates() {
    }

    /**
     * @param template a chat template
     * @return the template, ending with a marker that counts the messages it was given
     */
    static String counted(String template) {
        return "{% set " + COUNT + " = messages|length %}\n" + withEnd(template,
                "{{ '<localllm-rendered:' + (" + COUNT + "|string) + '>' }}");
    }

    /**
     * The template, counted, that b4916 believes takes system messages, so that it renders them
     * itself instead of merging them into the user turn; its {@code raise_exception} writes
     * {@link #RAISED} instead of failing.
     *
     * @param template a chat template
     * @return the rewritten template
     */
    static String systemForced(String template) {
        return "{% macro raise_exception(message) %}" + RAISED + "{% endmacro %}\n"
                + "{% if messages and messages[0].content == '" + SYSTEM_NEEDLE + "' %}" + SYSTEM_NEEDLE
                + "{% endif %}\n" + counted(template);
    }

    /**
     * The template, counted, that renders the conversation b4916 checks a command-line template with
     * (one user message "test") when it renders the load conversation: a template given on the command
     * line that fails on it ends the process, one in a file falls back to ChatML.
     *
     * @param template a chat template
     * @return the rewritten template
     */
    static String commandLineChecked(String template) {
        return "{% if messages and messages[messages|length - 1].content == 'How are you?' %}"
                + "{% set messages = [{'role': 'user', 'content': 'test'}] %}{% endif %}\n" + counted(template);
    }

    /**
     * @param rendered what the engine rendered from a {@link #counted} template
     * @return the number of messages the template was given, or empty when the marker is missing:
     *         the engine did not render the template
     */
    static OptionalInt messageCount(String rendered) {
        Matcher m = MARKER.matcher(rendered);
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /** Puts {@code end} where b4916 drops the template's final newline, so that the newline stays dropped. */
    private static String withEnd(String template, String end) {
        if (template.endsWith("\r\n")) {
            return template.substring(0, template.length() - 2) + end + "\n";
        }
        if (template.endsWith("\n")) {
            return template.substring(0, template.length() - 1) + end + "\n";
        }
        return template + end;
    }
}
