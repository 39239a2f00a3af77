package io.github.localllm.backend.openai;

import io.github.localllm.GenerationException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One slot of a {@code llama-server}, from {@code GET /slots} (fixtures 22-GET-slots.http and
 * 22b-GET-slots-processing.http, build b10470): a slot decodes one request at a time, within its
 * own context. A slot that never served a request reports no task and no tokens.
 *
 * @param id the slot's number, from 0
 * @param contextSize {@code n_ctx}, the tokens this slot holds
 * @param processing {@code is_processing}: whether it is serving a request now
 * @param task {@code id_task}, the request it serves or served last, or {@code -1} if none yet
 * @param promptTokens {@code n_prompt_tokens}, the prompt of that request in tokens, or 0
 * @param decodedTokens {@code next_token.n_decoded}, the tokens generated for it so far, or 0
 */
public record SlotState(int id, int contextSize, boolean processing, long task, int promptTokens, int decodedTokens) {

    /** @return the tokens of the current or last request in this slot: its prompt and what was generated */
    public int tokens() {
        return promptTokens + decodedTokens;
    }

    /**
     * @param answer the answer of {@code GET /slots}
     * @param where the server, for messages
     * @return its slots
     * @throws GenerationException when the answer is not a list of slots
     */
    static List<SlotState> list(JsonNode answer, String where) {
        if (!answer.isArray()) {
            throw new GenerationException(where + " answered GET /slots with " + answer.getNodeType()
                    + " instead of a list of slots; is it a llama-server?");
        }
        List<SlotState> slots = new ArrayList<>();
        for (JsonNode slot : answer) {
            if (!slot.path("id").isInt() || !slot.path("n_ctx").isInt()) {
                throw new GenerationException(where + " answered GET /slots with a slot without a numeric id and"
                        + " n_ctx: " + excerpt(slot));
            }
            // b10470 sends next_token as a list of one object; the documentation shows a bare object.
            JsonNode next = slot.path("next_token");
            if (next.isArray()) {
                next = next.path(0);
            }
            slots.add(new SlotState(slot.path("id").asInt(), slot.path("n_ctx").asInt(),
                    slot.path("is_processing").asBoolean(false), slot.path("id_task").asLong(-1),
                    slot.path("n_prompt_tokens").asInt(0), next.path("n_decoded").asInt(0)));
        }
        return List.copyOf(slots);
    }

    private static String excerpt(JsonNode node) {
        String text = node.toString();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
