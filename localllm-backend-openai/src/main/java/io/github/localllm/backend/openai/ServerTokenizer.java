package io.github.localllm.backend.openai;

import io.github.localllm.GenerationException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.Tokenizer;
import io.github.localllm.http.HttpCall;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A llama-server's tokenizer over {@code POST /tokenize} and {@code POST /detokenize} (fixtures
 * 20-* and 21-*, build b10470), with the in-process engine's semantics: no begin-of-sequence token
 * is added ({@code add_special: false}) and special tokens written in the text are read as such
 * ({@code parse_special: true}), as llama.cpp's own {@code encode} does. Ids outside the vocabulary
 * are refused before sending: the server would answer them with a 500 from a failed range check
 * (capture 21c).
 */
final class ServerTokenizer implements Tokenizer {
    private final OpenAiBackend backend;
    private final String model;
    private final Runnable checkOpen;
    /** The vocabulary's size from the model list; 0 until asked, -1 when the server does not say. */
    private volatile int vocabulary;

    ServerTokenizer(OpenAiBackend backend, String model, Runnable checkOpen) {
        this.backend = backend;
        this.model = model;
        this.checkOpen = checkOpen;
    }

    @Override
    public int[] tokenize(String text) {
        checkOpen.run();
        ObjectNode body = backend.transport().mapper().createObjectNode();
        body.put("content", java.util.Objects.requireNonNull(text, "text"));
        body.put("add_special", false);
        body.put("parse_special", true);
        JsonNode tokens = backend.transport().json(HttpCall.post("/tokenize", body).idempotent()).path("tokens");
        if (!tokens.isArray()) {
            throw malformed("/tokenize", "no tokens list");
        }
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = tokens.get(i);
            if (!t.isInt()) {
                throw malformed("/tokenize", "a token that is not a number: " + t);
            }
            ids[i] = t.asInt();
        }
        return ids;
    }

    @Override
    public String detokenize(int[] tokens) {
        checkOpen.run();
        int size = vocabulary();
        for (int t : tokens) {
            if (t < 0 || size > 0 && t >= size) {
                throw new InvalidRequestException("token id " + t + " is outside the vocabulary of " + model
                        + (size > 0 ? " (" + size + " tokens)" : "") + "; detokenize only ids this model produced");
            }
        }
        ObjectNode body = backend.transport().mapper().createObjectNode();
        ArrayNode ids = body.putArray("tokens");
        for (int t : tokens) {
            ids.add(t);
        }
        JsonNode content;
        try {
            content = backend.transport().json(HttpCall.post("/detokenize", body).idempotent()).path("content");
        } catch (GenerationException e) {
            if (e.getMessage() != null && e.getMessage().contains("_M_range_check")) {
                throw new InvalidRequestException("a token id is outside the vocabulary of " + model
                        + "; detokenize only ids this model produced (" + e.getMessage() + ")", e);
            }
            throw e;
        }
        if (!content.isString()) {
            throw malformed("/detokenize", "no content text");
        }
        return content.asString();
    }

    private int vocabulary() {
        int v = vocabulary;
        if (v != 0) {
            return v;
        }
        try {
            v = ServedModel.list(backend.transport().getJson(backend.endpoints().api("/models"))).stream()
                    .filter(m -> m.answersTo(model)).mapToInt(ServedModel::vocabularySize).findFirst().orElse(-1);
        } catch (LocalLlmException e) {
            // Without the size, out-of-range ids are still caught by the server's answer.
            return -1;
        }
        vocabulary = v;
        return v;
    }

    private GenerationException malformed(String route, String problem) {
        return new GenerationException("llama-server at " + backend.endpoints().root() + " answered POST " + route
                + " with " + problem + "; is it a llama-server?");
    }

    @Override
    public String toString() {
        return "ServerTokenizer[" + model + " at " + backend.endpoints().root() + "]";
    }
}
