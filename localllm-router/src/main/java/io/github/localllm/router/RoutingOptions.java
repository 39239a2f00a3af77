package io.github.localllm.router;

import java.util.Objects;
import java.util.Optional;

/**
 * How a router routes the requests of one view of it ({@link Router#with(RoutingOptions)}): for
 * private data, a task, or another strategy than the router's.
 *
 * <pre>{@code
 * LanguageModel privateModel = router.with(RoutingOptions.onlyLocal());
 * privateModel.generate(request); // never sent to a cloud target, whatever fails
 * }</pre>
 *
 * @param localOnly whether the requests may go to local targets only; nothing, no failure and no
 *        strategy, sends them to a cloud target
 * @param task what the requests are for, to use the router's route for that task; empty to tell by
 *        the request (chat or completion)
 * @param strategy a strategy instead of the router's (or its task's); empty for theirs
 */
public record RoutingOptions(boolean localOnly, Optional<TaskType> task, Optional<RoutingStrategy> strategy) {

    private static final RoutingOptions DEFAULTS = new RoutingOptions(false, Optional.empty(), Optional.empty());
    private static final RoutingOptions LOCAL_ONLY = new RoutingOptions(true, Optional.empty(), Optional.empty());

    /** Replaces absent parts by empty ones. */
    public RoutingOptions {
        task = task == null ? Optional.empty() : task;
        strategy = strategy == null ? Optional.empty() : strategy;
    }

    /** @return the router's own routing */
    public static RoutingOptions defaults() {
        return DEFAULTS;
    }

    /** @return requests for local targets only: {@code localOnly} set */
    public static RoutingOptions onlyLocal() {
        return LOCAL_ONLY;
    }

    /** @param task what the requests are for @return options routing by that task's route */
    public static RoutingOptions task(TaskType task) {
        return builder().task(task).build();
    }

    /** @return an empty builder */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link RoutingOptions}. */
    public static final class Builder {
        private boolean localOnly;
        private TaskType task;
        private RoutingStrategy strategy;

        private Builder() {
        }

        /** @param v whether the requests may go to local targets only @return this */
        public Builder localOnly(boolean v) {
            localOnly = v;
            return this;
        }

        /** @param v what the requests are for @return this */
        public Builder task(TaskType v) {
            task = Objects.requireNonNull(v, "task");
            return this;
        }

        /**
         * @param v a task type by name, e.g. {@code code}
         * @return this
         * @throws io.github.localllm.ConfigurationException naming the known types if it is none of them
         */
        public Builder task(String v) {
            return task(TaskType.parse(v));
        }

        /** @param v the strategy to rank targets with @return this */
        public Builder strategy(RoutingStrategy v) {
            strategy = Objects.requireNonNull(v, "strategy");
            return this;
        }

        /** @return the options */
        public RoutingOptions build() {
            return new RoutingOptions(localOnly, Optional.ofNullable(task), Optional.ofNullable(strategy));
        }
    }
}
