package io.github.localllm.schema;

import io.github.localllm.ChatMessage;
import io.github.localllm.ContextOverflowException;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.SamplingParameters;
import io.github.localllm.StructuredOutputException;
import io.github.localllm.Usage;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers to one structured request: checks each against the schema, adds up their tokens,
 * and builds the next request when an answer fails and a retry is left. Used by one thread at
 * a time.
 */
final class Attempts {
    private static final Logger LOG = LoggerFactory.getLogger(StructuredOutput.class);
    /** Violations fed back to the model; more would mostly repeat the same mistake. */
    static final int VIOLATIONS_IN_FEEDBACK = 5;

    private final CompiledSchema schema;
    private final GenerationRequest original;
    private int attempts;
    private int promptTokens;
    private int completionTokens;
    private StructuredOutputException failure;

    Attempts(CompiledSchema schema, GenerationRequest original) {
        this.schema = schema;
        this.original = original;
    }

    /**
     * @param result an answer to the request or to the retry {@link #next()} built
     * @param mayRetry whether another answer may be asked for
     * @return the result to return, or {@code null} when the answer failed and {@link #next()} should be sent
     * @throws StructuredOutputException when the answer failed and no retry is left
     */
    GenerationResult accept(GenerationResult result, boolean mayRetry) {
        attempts++;
        promptTokens += result.usage().promptTokens();
        completionTokens += result.usage().completionTokens();
        FinishReason finish = result.finishReason();
        if (finish == FinishReason.CANCELLED || finish == FinishReason.ERROR) {
            return totalled(result);
        }
        List<String> violations = schema.violations(result.text());
        if (finish == FinishReason.STOP && violations.isEmpty()) {
            return totalled(result);
        }
        failure = new StructuredOutputException(result.text(), violations, finish,
                result.usage().completionTokens(), attempts, usage());
        if (!mayRetry || attempts > original.outputRetries()) {
            throw failure;
        }
        LOG.debug("{}: answer {} of at most {} failed its JSON schema ({}, {} violations{}); asking again",
                result.model(), attempts, original.outputRetries() + 1, finish, violations.size(),
                violations.isEmpty() ? "" : ", first: " + violations.get(0));
        return null;
    }

    /** @return the request for the next attempt, after {@link #accept} returned {@code null} */
    GenerationRequest next() {
        if (original.raw()) {
            // A raw prompt has no turns to add feedback to; a new seed at least gives a new sample.
            SamplingParameters s = original.sampling();
            long seed = (s.seed() != null ? s.seed() : 1L) + attempts;
            return original.toBuilder().sampling(s.toBuilder().seed(seed).build()).build();
        }
        // Only the last answer goes back, not all of them, so the prompt stays within the context.
        List<ChatMessage> messages = new ArrayList<>(original.prompt() != null
                ? List.of(ChatMessage.user(original.prompt())) : original.messages());
        messages.add(ChatMessage.assistant(failure.text()));
        messages.add(ChatMessage.user(feedback(failure.violations(), failure.finishReason())));
        return new GenerationRequest(null, messages, false, original.sampling(), original.stop(),
                original.maxTokens(), original.responseFormat(), original.outputRetries(), original.tools(),
                original.think(), original.timeout(), original.logprobs());
    }

    /**
     * @param e what a retry threw
     * @return what to throw instead: the last answer's failure when the retry did not fit in the
     *     context (the feedback made it longer), otherwise {@code e} with that failure attached
     */
    RuntimeException failed(RuntimeException e) {
        if (failure == null || e == failure) {
            return e;
        }
        if (e instanceof ContextOverflowException) {
            failure.addSuppressed(e);
            return failure;
        }
        e.addSuppressed(failure);
        return e;
    }

    /** @return the failure of the last answer, after {@link #accept} returned {@code null} */
    StructuredOutputException lastFailure() {
        return failure;
    }

    private static String feedback(List<String> violations, FinishReason finish) {
        StringBuilder m = new StringBuilder("Your answer did not match the JSON schema: ");
        if (violations.isEmpty()) {
            m.append("it was cut off by the token limit");
        } else {
            m.append(String.join("; ", violations.subList(0, Math.min(VIOLATIONS_IN_FEEDBACK, violations.size()))));
            if (violations.size() > VIOLATIONS_IN_FEEDBACK) {
                m.append("; and ").append(violations.size() - VIOLATIONS_IN_FEEDBACK).append(" more");
            }
        }
        m.append(". Answer again with only JSON that matches the schema");
        return m.append(finish == FinishReason.LENGTH ? ", and keep it shorter." : ".").toString();
    }

    private GenerationResult totalled(GenerationResult result) {
        return attempts == 1 ? result : result.toBuilder().usage(usage()).build();
    }

    private Usage usage() {
        return new Usage(promptTokens, completionTokens);
    }
}
