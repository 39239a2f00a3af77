package io.github.localllm;

import java.util.List;
import java.util.Objects;

/**
 * How likely the model found one generated token, and the likeliest tokens it could have chosen
 * instead. Asked for with {@link GenerationRequest.Builder#logprobs(int)}.
 *
 * <p>The token text is the model's own piece of text: a character that spans several tokens shows
 * in each of them as part of its UTF-8 bytes, decoded as far as they go.
 *
 * @param token the token's text
 * @param logprob its natural logarithm of probability, at most 0
 * @param alternatives the likeliest tokens at this position, most likely first, each with its own
 *        log probability (and no alternatives of its own); empty when none were asked for. Servers
 *        usually include the chosen token among them.
 */
public record TokenLogprob(String token, double logprob, List<TokenLogprob> alternatives) {

    /** Checks the token is present and copies the alternatives. */
    public TokenLogprob {
        Objects.requireNonNull(token, "token");
        alternatives = alternatives == null ? List.of() : List.copyOf(alternatives);
    }

    /**
     * A token without alternatives.
     *
     * @param token the token's text
     * @param logprob its log probability
     */
    public TokenLogprob(String token, double logprob) {
        this(token, logprob, List.of());
    }

    /** @return the probability, {@code exp(logprob)}, between 0 and 1 */
    public double probability() {
        return Math.exp(logprob);
    }
}
