package io.github.localllm.router;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A target as a {@link RoutingStrategy} sees it when it ranks: the target itself and what the router
 * measured of it, live.
 */
public interface Candidate {

    /** @return the target */
    Target target();

    /** @return the target's name */
    default String name() {
        return target().name();
    }

    /** @return whether it runs locally */
    default boolean isLocal() {
        return target().isLocal();
    }

    /** @return requests it runs now, sent by this router */
    int inFlight();

    /** @return requests waiting for it now, beyond its concurrency limit */
    int queued();

    /** @return {@link #inFlight()} plus {@link #queued()} */
    default int load() {
        return inFlight() + queued();
    }

    /**
     * @return whether its model is loaded now; false for one that must be loaded first, which costs
     *         seconds to minutes: a local target whose engine no longer lists its model among those it
     *         holds in memory ({@link Target#engine()}, asked off the request path, at most every
     *         {@link Router.Builder#loadedRefresh}), or a {@link Roles} model another role's model
     *         displaced. True when the target cannot tell.
     */
    default boolean loaded() {
        return true;
    }

    /** @return the moving average of its time to first token, once it answered at least once */
    Optional<Duration> averageTimeToFirstToken();

    /** @return the moving average of its generation speed in tokens per second, once measured */
    OptionalDouble averageTokensPerSecond();
}
