package io.github.localllm.router;

import java.util.List;

/**
 * How one task's requests are routed: its strategy, and targets tried before the strategy's ranking.
 *
 * @param task the task
 * @param strategy its strategy
 * @param preferred target names tried first, in this order
 */
record TaskRoute(TaskType task, RoutingStrategy strategy, List<String> preferred) {
    TaskRoute {
        preferred = List.copyOf(preferred);
    }
}
