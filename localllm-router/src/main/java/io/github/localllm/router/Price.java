package io.github.localllm.router;

import io.github.localllm.ConfigurationException;

/**
 * What a target charges per million tokens, in any one currency used for all targets of a router.
 * The cost-optimized strategy ranks by it.
 *
 * @param inputPerMillion the price of a million prompt tokens
 * @param outputPerMillion the price of a million generated tokens
 */
public record Price(double inputPerMillion, double outputPerMillion) {

    /** A target that costs nothing per token, as a local engine by default. */
    public static final Price FREE = new Price(0, 0);

    /** Rejects negative and undefined prices. */
    public Price {
        check("inputPerMillion", inputPerMillion);
        check("outputPerMillion", outputPerMillion);
    }

    private static void check(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new ConfigurationException("a price cannot be negative or undefined, but " + name + " was " + v
                    + "; give the price per million tokens, 0 for free");
        }
    }

    /**
     * @param promptTokens prompt tokens
     * @param outputTokens generated tokens
     * @return what they cost
     */
    public double cost(long promptTokens, long outputTokens) {
        return (promptTokens * inputPerMillion + outputTokens * outputPerMillion) / 1_000_000.0;
    }
}
