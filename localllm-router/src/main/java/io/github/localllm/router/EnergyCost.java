package io.github.localllm.router;

import io.github.localllm.ConfigurationException;
import java.time.Duration;

/**
 * What running a local target costs in electricity, estimated: the power it draws while it answers
 * times how long it answers, at a price per kilowatt-hour in the currency of the router's prices.
 * Opt-in ({@link Router.Builder#localEnergy}); without it local answers cost nothing.
 *
 * @param watts the power the machine draws while it generates, above idle, e.g. 250 for a GPU
 * @param pricePerKwh the price of a kilowatt-hour, e.g. 0.30
 */
public record EnergyCost(double watts, double pricePerKwh) {

    private static final double NANOS_PER_HOUR = 3_600_000_000_000.0;

    /** Rejects negative and undefined values. */
    public EnergyCost {
        if (!(watts >= 0) || Double.isInfinite(watts)) {
            throw new ConfigurationException("the power of a local target cannot be negative or undefined, was "
                    + watts + " W; give what the machine draws while it generates, e.g. 250");
        }
        if (!(pricePerKwh >= 0) || Double.isInfinite(pricePerKwh)) {
            throw new ConfigurationException("the price of electricity cannot be negative or undefined, was "
                    + pricePerKwh + " per kWh");
        }
    }

    /** @param time how long the target worked @return what the energy cost */
    public double cost(Duration time) {
        return costOfNanos(time.toNanos());
    }

    double costOfNanos(long nanos) {
        return watts / 1000.0 * (nanos / NANOS_PER_HOUR) * pricePerKwh;
    }
}
