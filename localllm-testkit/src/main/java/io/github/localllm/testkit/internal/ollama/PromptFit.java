package io.github.localllm.testkit.internal.ollama;

import static io.github.localllm.testkit.internal.ollama.OllamaReplies.error;

import io.github.localllm.testkit.ScriptedAnswer;
import io.github.localllm.testkit.internal.Reply;
import io.github.localllm.testkit.internal.json.JsonObject;

/**
 * What an Ollama server does with a prompt longer than the context, by its version (the scripted
 * answer's prompt token count stands for the prompt's length), as ollama/ollama's history has it:
 * <ul>
 * <li>before v0.12.6 the Go runners keep {@code num_keep} tokens and the end so that exactly
 *     {@code num_ctx} remain, silently (runner/llamarunner/runner.go {@code NewSequence}); the
 *     request's {@code truncate} is unknown to them;</li>
 * <li>v0.12.6 to v0.29 (commit 6544e1473) do the same unless {@code truncate: false}, which is
 *     refused with 400 {@code the input length exceeds the context length};</li>
 * <li>v0.30 and later (llama-server runner, llm/llama_server.go {@code completionPromptForRequest}):
 *     with {@code truncate: false} llama-server refuses the whole prompt with its own 400 body,
 *     relayed as the error text; otherwise, with {@code shift: false}, Ollama refuses it; otherwise
 *     it keeps {@code num_ctx - max((num_ctx - num_keep) / 2, 1)} tokens and says nothing.</li>
 * </ul>
 */
final class PromptFit {
    /** llm/llama_server.go, when context shifting is off. */
    static final String LONGER_THAN_CONTEXT = "the prompt is longer than the context length currently available to the"
            + " model; shorten the prompt, adjust the context length in settings, or use a model with a longer context"
            + " length";
    /** runner/ollamarunner/runner.go errorInputTooLong. */
    static final String INPUT_EXCEEDS = "the input length exceeds the context length";
    private static final int DEFAULT_NUM_KEEP = 4;

    /** The outcome: a refusal, or the answer as the server reports it (its prompt count cut). */
    record Outcome(Reply refusal, ScriptedAnswer answer) {
    }

    private PromptFit() {
    }

    static Outcome apply(String version, JsonObject request, int numCtx, ScriptedAnswer answer) {
        int tokens = answer.promptTokens();
        if (tokens <= numCtx) {
            return new Outcome(null, answer);
        }
        boolean truncate = request.bool("truncate").orElse(true);
        int[] v = parse(version);
        boolean llamaServer = v[0] > 0 || v[1] >= 30;
        boolean knowsTruncate = llamaServer || v[1] > 12 || v[1] == 12 && v[2] >= 6;
        if (llamaServer) {
            if (!truncate) {
                // llama.cpp b10470 (shared/protocols/llama-server-captured/16-ERR-chat-context-overflow.http).
                String body = "{\"error\":{\"code\":400,\"message\":\"request (" + tokens + " tokens) exceeds the"
                        + " available context size (" + numCtx + " tokens), try increasing it\",\"type\":"
                        + "\"exceed_context_size_error\",\"n_prompt_tokens\":" + tokens + ",\"n_ctx\":" + numCtx + "}}";
                return new Outcome(error(400, body), null);
            }
            if (!request.bool("shift").orElse(true)) {
                return new Outcome(error(400, LONGER_THAN_CONTEXT), null);
            }
            int keep = Math.max(0, Math.min(numKeep(request), numCtx - 1));
            return new Outcome(null, answer.withPromptTokens(numCtx - Math.max((numCtx - keep) / 2, 1)));
        }
        if (knowsTruncate && !truncate) {
            return new Outcome(error(400, INPUT_EXCEEDS), null);
        }
        return new Outcome(null, answer.withPromptTokens(numCtx));
    }

    private static int numKeep(JsonObject request) {
        return request.object("options").flatMap(o -> o.number("num_keep")).map(Double::intValue)
                .orElse(DEFAULT_NUM_KEEP);
    }

    /** Major, minor, patch of {@code 0.12.6} or {@code 0.33.0-rc2}; source builds ({@code 0.0.0}) are current. */
    static int[] parse(String version) {
        String[] parts = version.split("[^0-9]", 4);
        int[] v = new int[3];
        try {
            for (int i = 0; i < 3 && i < parts.length; i++) {
                v[i] = Integer.parseInt(parts[i]);
            }
        } catch (NumberFormatException e) {
            return new int[] {1, 0, 0};
        }
        return v[0] == 0 && v[1] == 0 && v[2] == 0 ? new int[] {1, 0, 0} : v;
    }
}
