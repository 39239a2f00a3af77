package io.github.localllm.backend.openai;

import io.github.localllm.ChatMessage;
import io.github.localllm.ContextOverflowException;
import io.github.localllm.GenerationRequest;
import java.nio.charset.StandardCharsets;

/**
 * Refuses a prompt that cannot fit a llama-server's context before it is sent, as the in-process
 * engine does: the text of the request is counted with the server's tokenizer, a lower bound of
 * the prompt the server builds (the chat template only adds tokens). A text whose UTF-8 bytes are
 * fewer than the context cannot reach it (a token stands for at least one byte, plus the space
 * SentencePiece puts before a text), so short prompts cost no extra request; a prompt that fits
 * only without its template is left to the server, which refuses it with a 400 that is a
 * {@link ContextOverflowException} too.
 */
final class PromptLength {
    private PromptLength() {
    }

    /**
     * @param request the request
     * @param tokenizer the server's tokenizer
     * @param context the context of a slot, in tokens
     * @throws ContextOverflowException if the request's text alone has at least {@code context} tokens
     */
    static void check(GenerationRequest request, ServerTokenizer tokenizer, int context) {
        String text = text(request);
        if (text.length() + 1 < context && text.getBytes(StandardCharsets.UTF_8).length + 1 < context) {
            return;
        }
        int tokens = tokenizer.tokenize(text).length;
        if (tokens >= context) {
            throw new ContextOverflowException(tokens, context);
        }
    }

    private static String text(GenerationRequest request) {
        if (request.prompt() != null) {
            return request.prompt();
        }
        java.util.StringJoiner out = new java.util.StringJoiner("\n");
        for (ChatMessage m : request.messages()) {
            if (m.content() != null) {
                out.add(m.content());
            }
        }
        return out.toString();
    }
}
