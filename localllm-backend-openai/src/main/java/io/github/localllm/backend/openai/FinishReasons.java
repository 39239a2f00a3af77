package io.github.localllm.backend.openai;

import io.github.localllm.FinishReason;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The OpenAI {@code finish_reason} values, and what servers send besides. */
final class FinishReasons {
    private static final Logger LOG = LoggerFactory.getLogger(FinishReasons.class);

    private FinishReasons() {
    }

    /**
     * @param reason the server's {@code finish_reason}, or {@code null} when it sent none
     * @return {@code stop} (and an answer that ended without a reason) as STOP, {@code length} as LENGTH,
     *     {@code tool_calls} and the older {@code function_call} as TOOL_CALLS; {@code content_filter}
     *     as ERROR: the server withheld the rest of the answer
     */
    static FinishReason of(String reason) {
        if (reason == null) {
            return FinishReason.STOP;
        }
        switch (reason.toLowerCase(Locale.ROOT)) {
            case "stop":
            case "eos":
                return FinishReason.STOP;
            case "length":
                return FinishReason.LENGTH;
            case "tool_calls":
            case "function_call":
                return FinishReason.TOOL_CALLS;
            case "content_filter":
                LOG.info("the server's content filter withheld the rest of the answer (finish_reason content_filter)");
                return FinishReason.ERROR;
            default:
                LOG.debug("unknown finish_reason '{}', taken as stop", reason);
                return FinishReason.STOP;
        }
    }
}
