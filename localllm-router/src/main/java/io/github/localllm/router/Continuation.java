package io.github.localllm.router;

import io.github.localllm.ChatMessage;
import io.github.localllm.GenerationRequest;
import io.github.localllm.ResponseFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * The request that continues a streamed answer on another target after the first broke off: the
 * text the caller already has becomes the start of the model's own answer, as a trailing assistant
 * message (which Ollama and llama.cpp's server continue mid-sentence), or, for a raw prompt, the end
 * of the prompt. {@link StreamFailover#CONTINUE_WITH_PROMPT} adds a user message asking to go on
 * from there, for APIs that answer a trailing assistant message anew. The token limit shrinks by
 * the chunks already delivered (about one token each).
 */
final class Continuation {
    /** What {@link StreamFailover#CONTINUE_WITH_PROMPT} asks. */
    static final String INSTRUCTION = "Your previous answer was cut off. Continue it exactly where it stopped,"
            + " without repeating anything and without any preamble.";

    private Continuation() {
    }

    /**
     * @param request the caller's request
     * @param toolCallBegun whether the caller received part of a tool call
     * @return why the answer cannot be continued elsewhere, or empty if it can
     */
    static String obstacle(GenerationRequest request, boolean toolCallBegun) {
        if (toolCallBegun) {
            return "it had begun a tool call, which another model cannot finish";
        }
        if (request.responseFormat().kind() != ResponseFormat.Kind.TEXT) {
            return "its format (" + request.responseFormat().kind().name().toLowerCase(java.util.Locale.ROOT)
                    + ") is enforced from the start of an answer, so another model cannot pick it up mid-way";
        }
        return "";
    }

    /**
     * @param request the caller's request
     * @param partial the answer text the caller received
     * @param chunks the chunks the caller received
     * @param mode how to continue
     * @return the request for the next target
     */
    static GenerationRequest of(GenerationRequest request, String partial, int chunks, StreamFailover mode) {
        if (partial.isEmpty()) {
            // Only reasoning came: there is no answer to continue, so ask again.
            return request;
        }
        Integer maxTokens = request.maxTokens() == null ? null : Math.max(1, request.maxTokens() - chunks);
        if (request.prompt() != null && request.raw()) {
            return new GenerationRequest(request.prompt() + partial, List.of(), true, request.sampling(),
                    request.stop(), maxTokens, request.responseFormat(), request.outputRetries(), request.tools(),
                    request.think(), request.timeout(), request.logprobs());
        }
        List<ChatMessage> messages = new ArrayList<>(request.messages().size() + 3);
        if (request.prompt() != null) {
            messages.add(ChatMessage.user(request.prompt()));
        } else {
            messages.addAll(request.messages());
        }
        messages.add(ChatMessage.assistant(partial));
        if (mode == StreamFailover.CONTINUE_WITH_PROMPT) {
            messages.add(ChatMessage.user(INSTRUCTION));
        }
        return new GenerationRequest(null, messages, false, request.sampling(), request.stop(), maxTokens,
                request.responseFormat(), request.outputRetries(), request.tools(), request.think(), request.timeout(),
                request.logprobs());
    }
}
