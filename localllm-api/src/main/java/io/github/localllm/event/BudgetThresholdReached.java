package io.github.localllm.event;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * A router's cloud spend reached a share of one of its budgets: its warning threshold, or the whole
 * budget, from which the router sends every request to local targets only until the period ends.
 * Published once per budget, level and period (day or month, UTC calendar).
 *
 * @param time when
 * @param router the router's name
 * @param period the budget's period
 * @param level how much of it is spent
 * @param spent what the router's cloud requests cost in the period so far, in the prices' currency
 * @param budget the budget of the period
 * @param periodStart the first day of the period (UTC), e.g. {@code 2026-11-01} for a month
 */
public record BudgetThresholdReached(Instant time, String router, Period period, Level level, double spent,
                                     double budget, LocalDate periodStart) implements LocalLlmEvent {

    /** The period a budget is for, on the UTC calendar. */
    public enum Period {
        /** A calendar day. */
        DAY,
        /** A calendar month. */
        MONTH
    }

    /** How much of a budget is spent. */
    public enum Level {
        /** The warning share (e.g. 80 %) is spent; routing is unchanged. */
        WARNING,
        /** The whole budget is spent: cloud targets get no requests until the period ends. */
        EXHAUSTED
    }

    /** Checks no part is missing. */
    public BudgetThresholdReached {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(periodStart, "periodStart");
    }

    /** @return the share of the budget spent, e.g. 0.8 */
    public double fraction() {
        return budget == 0 ? 1 : spent / budget;
    }
}
