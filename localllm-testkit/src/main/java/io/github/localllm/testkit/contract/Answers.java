package io.github.localllm.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.LanguageModel;
import io.github.localllm.testkit.internal.json.JsonReader;
import io.github.localllm.testkit.internal.json.JsonSyntaxException;
import java.util.ArrayList;
import java.util.List;

/** What the checks do with answers: stream them whole, check their chunks, pick stop sequences, read JSON. */
final class Answers {

    private Answers() {
    }

    /**
     * A streamed answer.
     *
     * @param chunks the chunks in the order they came
     * @param result the stream's result
     */
    record Streamed(List<GenerationChunk> chunks, GenerationResult result) {
        /** @return the chunks' answer text, joined */
        String joinedText() {
            StringBuilder text = new StringBuilder();
            chunks.forEach(c -> text.append(c.text()));
            return text.toString();
        }
    }

    /** @return the request streamed to its end, every chunk kept */
    static Streamed stream(LanguageModel model, GenerationRequest request) {
        List<GenerationChunk> chunks = new ArrayList<>();
        try (GenerationStream stream = model.stream(request)) {
            for (GenerationChunk chunk : stream) {
                chunks.add(chunk);
            }
            return new Streamed(chunks, stream.result());
        }
    }

    /** Chunks are numbered 0..n-1, each carries text, thinking or a tool call, and they add up to the result. */
    static void assertChunksAddUp(Streamed streamed) {
        StringBuilder thinking = new StringBuilder();
        for (int i = 0; i < streamed.chunks().size(); i++) {
            GenerationChunk chunk = streamed.chunks().get(i);
            assertThat(chunk.index()).as("index of chunk %d", i).isEqualTo(i);
            assertThat(!chunk.text().isEmpty() || !chunk.thinking().isEmpty() || chunk.toolCall() != null)
                    .as("chunk %d carries text, thinking or a tool call: %s", i, chunk).isTrue();
            thinking.append(chunk.thinking());
        }
        assertThat(streamed.joinedText()).as("the chunks' text joined, against the result's text")
                .isEqualTo(streamed.result().text());
        assertThat(thinking.toString()).as("the chunks' thinking joined, against the result's thinking")
                .isEqualTo(streamed.result().thinking());
    }

    /**
     * Picks a stop sequence from inside an answer: two ASCII letters or digits from its middle on,
     * whose first occurrence is not at the start, so that the text before it is not empty. Letters
     * and digits, because every engine matches them the same way, however it splits text into tokens.
     *
     * @return the stop sequence
     */
    static String stopWithin(String answer) {
        int from = Math.max(1, answer.length() / 3);
        for (int pass = 0; pass < 2; pass++) {
            for (int i = pass == 0 ? from : 1; i + 2 <= answer.length(); i++) {
                String candidate = answer.substring(i, i + 2);
                if (candidate.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c))
                        && answer.indexOf(candidate) >= 1) {
                    return candidate;
                }
            }
        }
        return fail("the deterministic answer \"%s\" has no two ASCII letters or digits after its first character to"
                + " use as a stop sequence; make the engine answer the contract's prompts in words", answer);
    }

    /** @return the JSON value the text holds (a {@code JsonObject}, {@code List}, string, number, boolean or null) */
    static Object json(String text) {
        try {
            return JsonReader.parse(text);
        } catch (JsonSyntaxException e) {
            return fail("the answer is not JSON (%s at offset %d): \"%s\"", e.getMessage(), e.offset(), text);
        }
    }
}
