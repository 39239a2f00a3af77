package io.github.localllm.backend.openai;

import java.net.URI;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * Which OpenAI-compatible server answers, for what it takes beyond the OpenAI API: llama.cpp and
 * vLLM sample with {@code top_k} and {@code min_p}, llama.cpp takes GBNF grammars, the OpenAI API
 * refuses every field it does not know. {@link OpenAiBackend} finds it from the model list
 * ({@code owned_by}) and the address unless it is told.
 */
public enum ServerDialect {
    /** llama.cpp's {@code llama-server}: {@code owned_by "llamacpp"}, {@code /props}, GBNF grammars, {@code timings}. */
    LLAMA_CPP("llama-server"),
    /** vLLM: {@code owned_by "vllm"}, {@code repetition_penalty}, {@code max_model_len}. */
    VLLM("vLLM"),
    /** LM Studio's OpenAI-compatible API: {@code owned_by "organization_owner"}; no {@code json_object}. */
    LM_STUDIO("LM Studio"),
    /** Ollama's {@code /v1}: {@code owned_by "library"}. */
    OLLAMA("Ollama"),
    /** The OpenAI API ({@code api.openai.com}, or a list whose models are {@code owned_by "system"}): only its own fields. */
    OPENAI("OpenAI"),
    /** Any other server (LocalAI, proxies...): the OpenAI fields plus llama.cpp's sampling names. */
    GENERIC("the OpenAI-compatible server");

    /** The OpenAI API's host: the only one the {@code OPENAI_API_KEY} variable is sent to. */
    static final String OPENAI_HOST = "api.openai.com";

    private final String displayName;

    ServerDialect(String displayName) {
        this.displayName = displayName;
    }

    /** @return the server's name in messages, such as {@code llama-server} */
    public String displayName() {
        return displayName;
    }

    /**
     * @param base the configured address
     * @param models the answer of {@code GET /v1/models}
     * @return the server behind them; {@link #GENERIC} when nothing tells
     */
    static ServerDialect detect(URI base, JsonNode models) {
        if (isOpenAiHost(base)) {
            return OPENAI;
        }
        for (JsonNode model : models.path("data")) {
            String owner = model.path("owned_by").asString("").toLowerCase(Locale.ROOT);
            switch (owner) {
                case "llamacpp":
                    return LLAMA_CPP;
                case "vllm":
                    return VLLM;
                case "organization_owner":
                    return LM_STUDIO;
                case "library":
                    return OLLAMA;
                case "system":
                case "openai":
                case "openai-internal":
                case "openai-dev":
                    // The OpenAI API's own owners, also behind a proxy that passes its list on.
                    return OPENAI;
                default:
                    break;
            }
        }
        return GENERIC;
    }

    /** @return whether {@code uri} is the OpenAI API over https */
    static boolean isOpenAiHost(URI uri) {
        return "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null
                && uri.getHost().equalsIgnoreCase(OPENAI_HOST);
    }

    /** @return the field that caps generated tokens: the OpenAI API renamed {@code max_tokens} */
    String maxTokensField() {
        return this == OPENAI ? "max_completion_tokens" : "max_tokens";
    }

    /** @return whether the server parses a thinking model's reasoning sent back in history */
    boolean takesReasoningInHistory() {
        return this == LLAMA_CPP;
    }

    /**
     * @return whether the server reports log probabilities: LM Studio ignores the fields, and Ollama's
     *     own API (its engine) is the way to them there
     */
    boolean reportsLogprobs() {
        return this != LM_STUDIO && this != OLLAMA;
    }

    /** @return whether {@code chat_template_kwargs.enable_thinking} reaches the chat template */
    boolean takesTemplateArguments() {
        return this == LLAMA_CPP || this == VLLM;
    }
}
