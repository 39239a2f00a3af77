package io.github.localllm.router;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a router's requests cost and saved ({@link Router#costReport()}), in the currency of its
 * prices. Cloud spend counts answers of cloud targets at their price (a failed attempt is counted
 * as free, since the engine did not say what it used); the savings are what the local answers'
 * tokens would have cost at the reference model's price, less their estimated energy cost.
 *
 * @param currency the currency of every amount, e.g. {@code USD}
 * @param cloudSpentToday cloud spend on the current UTC day
 * @param cloudSpentThisMonth cloud spend in the current UTC month
 * @param cloudSpentTotal cloud spend since the router was built (not restored from a spend file)
 * @param dailyBudget the daily budget, if any
 * @param monthlyBudget the monthly budget, if any
 * @param cloudBlocked whether a budget is spent, so that only local targets get requests now
 * @param cloudRequests answers of cloud targets
 * @param localRequests answers of local targets
 * @param localPromptTokens prompt tokens of the local answers
 * @param localOutputTokens generated tokens of the local answers
 * @param localEnergyCost the estimated electricity the local answers used; 0 unless configured
 * @param reference the cloud model the savings are measured against, if any
 * @param wouldHaveCost what the local answers would have cost at the reference's price; 0 without one
 */
public record CostReport(String currency, double cloudSpentToday, double cloudSpentThisMonth, double cloudSpentTotal,
                         OptionalDouble dailyBudget, OptionalDouble monthlyBudget, boolean cloudBlocked,
                         long cloudRequests, long localRequests, long localPromptTokens, long localOutputTokens,
                         double localEnergyCost, Optional<String> reference, double wouldHaveCost) {

    /** Checks no part is missing. */
    public CostReport {
        Objects.requireNonNull(currency, "currency");
        dailyBudget = dailyBudget == null ? OptionalDouble.empty() : dailyBudget;
        monthlyBudget = monthlyBudget == null ? OptionalDouble.empty() : monthlyBudget;
        reference = reference == null ? Optional.empty() : reference;
    }

    /** @return {@link #wouldHaveCost()} less {@link #localEnergyCost()}: what running locally saved */
    public double savings() {
        return wouldHaveCost - localEnergyCost;
    }
}
