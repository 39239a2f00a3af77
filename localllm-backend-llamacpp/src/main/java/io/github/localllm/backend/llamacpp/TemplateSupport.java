package io.github.localllm.backend.llamacpp;

import io.github.localllm.ChatMessage;
import io.github.localllm.Role;
import io.github.localllm.UnsupportedModelException;
import java.util.List;

/**
 * How llama.cpp b4916 treats a model's chat template, found when the model loads (see
 * {@link TemplateProbe}), and the requests that would therefore reach the model in a format it
 * was not trained on, which are refused instead.
 *
 * @param kind what the engine does with the template
 */
record TemplateSupport(Kind kind) {
    /** Not checked: nothing is refused. */
    static final TemplateSupport UNCHECKED = new TemplateSupport(Kind.RENDERED);

    /** What b4916 does with a model's chat template. */
    enum Kind {
        /** Renders it as Hugging Face's reference renderer does, but for the differences the README lists. */
        RENDERED,
        /**
         * The template refuses or ignores system messages, and b4916 merges a system message into the
         * first user message instead (a deliberate llama.cpp difference the README lists).
         */
        SYSTEM_MERGED,
        /**
         * The template takes system messages, but b4916 fails on that part of it and merges the system
         * text into the first user message instead; conversations without one render as they should.
         */
        SYSTEM_UNSUPPORTED,
        /** b4916 cannot parse or render the template and silently uses ChatML in its place. */
        CHATML_FALLBACK,
        /** The file has no chat template; b4916 would use ChatML. */
        MISSING
    }

    /**
     * Refuses a conversation the engine would render in a format the model was not trained on.
     *
     * @param messages the conversation about to be rendered
     * @param model the model's name, for the message
     * @throws UnsupportedModelException naming what happens and what to do instead
     */
    void checkConversation(List<ChatMessage> messages, String model) {
        switch (kind) {
            case RENDERED, SYSTEM_MERGED -> {
            }
            case SYSTEM_UNSUPPORTED -> {
                if (messages.stream().anyMatch(m -> m.role() == Role.SYSTEM)) {
                    throw new UnsupportedModelException(model + "'s chat template takes system messages, but the"
                            + " in-process engine's llama.cpp (" + EngineLimits.ENGINE_VERSION + ") fails on that part"
                            + " of it and would move the system text into the first user message instead, a prompt"
                            + " the model was not trained on; leave out the system message (put the instructions in"
                            + " the user message), run the model on the llama-server engine, which renders its"
                            + " template with a current llama.cpp, send a raw prompt in the model's format"
                            + " (GenerationRequest.builder().prompt(...).raw(true)), or load it with a template this"
                            + " engine can render (LlamaCppOptions.builder().chatTemplate(...))");
                }
            }
            case CHATML_FALLBACK -> throw new UnsupportedModelException(model + "'s chat template is one the"
                    + " in-process engine's llama.cpp (" + EngineLimits.ENGINE_VERSION + ") cannot parse or render,"
                    + " so it would prompt the model in ChatML instead, a format the model was not trained on; run"
                    + " the model on the llama-server engine, which renders its template with a current llama.cpp,"
                    + " send raw prompts already in the model's format"
                    + " (GenerationRequest.builder().prompt(...).raw(true)), or load it with a template this engine"
                    + " can render (LlamaCppOptions.builder().chatTemplate(...))");
            case MISSING -> throw new UnsupportedModelException(model + " has no chat template, so the in-process"
                    + " engine would prompt it in ChatML, a format the model may not have been trained on; send raw"
                    + " prompts in the model's own format (GenerationRequest.builder().prompt(...).raw(true)), use a"
                    + " file of the model that carries its chat template, or load it with one"
                    + " (LlamaCppOptions.builder().chatTemplate(...))");
            default -> throw new IllegalStateException("unknown template support " + kind);
        }
    }
}
