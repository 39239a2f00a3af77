package io.github.localllm;

import java.util.List;
import java.util.Objects;

/**
 * A JSON or JSON-schema answer does not match its schema, or was cut off before its JSON was
 * complete. Thrown instead of returning the answer, so that a structured answer that comes back
 * as a success always matches its schema. The answer as generated is still at hand in
 * {@link #text()}, with what is wrong with it in {@link #violations()}.
 *
 * <p>Engines enforce most of a schema while sampling, but not all of it ({@code uniqueItems},
 * {@code multipleOf}, formats, ...), and no grammar can finish an answer the token limit cuts
 * off. {@link GenerationRequest.Builder#outputRetries(int)} asks for new answers, with the
 * problems fed back to the model, before this is thrown.
 */
public class StructuredOutputException extends GenerationException {
    private static final long serialVersionUID = 1L;
    private static final int VIOLATIONS_IN_MESSAGE = 3;

    private final String text;
    private final List<String> violations;
    private final FinishReason finishReason;
    private final int attempts;
    // Usage is not serializable; keep its counts instead.
    private final int promptTokens;
    private final int completionTokens;

    /**
     * @param text the answer as generated
     * @param violations what is wrong with it, one line each; empty only for a {@link FinishReason#LENGTH} finish
     * @param finishReason why generation of this answer ended
     * @param answerTokens how many tokens this answer took, for the message of a cut-off answer
     * @param attempts how many answers were generated, this one included
     * @param usage tokens consumed by all the attempts together
     * @throws IllegalArgumentException if there is nothing to report or the counts are impossible
     */
    public StructuredOutputException(String text, List<String> violations, FinishReason finishReason,
                                     int answerTokens, int attempts, Usage usage) {
        super(message(violations, finishReason, answerTokens, attempts));
        this.text = Objects.requireNonNull(text, "text");
        this.violations = List.copyOf(violations);
        this.finishReason = finishReason;
        this.attempts = attempts;
        this.promptTokens = usage.promptTokens();
        this.completionTokens = usage.completionTokens();
    }

    private static String message(List<String> violations, FinishReason finishReason, int answerTokens,
                                  int attempts) {
        Objects.requireNonNull(violations, "violations");
        Objects.requireNonNull(finishReason, "finishReason");
        if (attempts < 1 || answerTokens < 0) {
            throw new IllegalArgumentException("attempts must be at least 1 and answerTokens not negative, were "
                    + attempts + " and " + answerTokens);
        }
        String after = attempts > 1 ? " (after " + attempts + " attempts)" : "";
        if (finishReason == FinishReason.LENGTH) {
            String what = violations.isEmpty()
                    ? "; its JSON parses, but it may be missing what the model meant to write"
                    : ", before its JSON was complete";
            return "the answer was cut off by the token limit after " + answerTokens + " tokens" + what + after
                    + "; raise maxTokens (GenerationRequest.builder().maxTokens(n)) or the context size, or ask"
                    + " for a shorter answer";
        }
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an answer that finished with " + finishReason
                    + " needs at least one violation to report");
        }
        StringBuilder m = new StringBuilder("the answer does not match the JSON schema").append(after).append(": ");
        m.append(String.join("; ", violations.subList(0, Math.min(VIOLATIONS_IN_MESSAGE, violations.size()))));
        if (violations.size() > VIOLATIONS_IN_MESSAGE) {
            m.append("; ...");
        }
        return m.append("; retry with GenerationRequest.builder().outputRetries(n) or loosen the schema").toString();
    }

    /** @return the answer as generated (of the last attempt), which does not match its schema */
    public String text() {
        return text;
    }

    /**
     * @return what is wrong with the answer, one line each, such as {@code $.tags[2]: must be unique};
     *     immutable, and empty only for a cut-off answer whose JSON happens to parse and match
     */
    public List<String> violations() {
        return violations;
    }

    /** @return why the last answer ended: {@link FinishReason#STOP} or {@link FinishReason#LENGTH} */
    public FinishReason finishReason() {
        return finishReason;
    }

    /** @return how many answers were generated, 1 plus the retries */
    public int attempts() {
        return attempts;
    }

    /** @return tokens consumed by all the attempts together */
    public Usage usage() {
        return new Usage(promptTokens, completionTokens);
    }
}
