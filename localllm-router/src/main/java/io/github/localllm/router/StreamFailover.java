package io.github.localllm.router;

/**
 * What a router does when a target fails in the middle of a streamed answer, after the caller has
 * had some of it. A failure before the first chunk always moves to the next target, unseen by the
 * caller; an answer is never silently cut short.
 */
public enum StreamFailover {
    /**
     * End the stream with an {@link IncompleteAnswerException} after the chunks already delivered,
     * holding the partial text. The default: an answer never mixes two models.
     */
    FAIL,
    /**
     * Continue on the next target: it is sent the request with the text delivered so far as the
     * start of its own answer (a trailing assistant message; a raw prompt gets the text appended),
     * and its chunks follow in the same stream. Engines that continue a trailing assistant message
     * resume mid-sentence: Ollama, and llama.cpp's server (since its 2025 builds, unless started with
     * {@code --no-prefill-assistant}). Others begin a new reply (vLLM unless asked with
     * {@code continue_final_message}, the OpenAI cloud), for which {@link #CONTINUE_WITH_PROMPT} suits
     * better.
     */
    CONTINUE_AS_PREFIX,
    /**
     * Continue on the next target like {@link #CONTINUE_AS_PREFIX}, with a user message after the
     * partial answer asking the model to continue it exactly where it stopped: for APIs that answer
     * a trailing assistant message with a reply of their own (the OpenAI cloud).
     */
    CONTINUE_WITH_PROMPT
}
