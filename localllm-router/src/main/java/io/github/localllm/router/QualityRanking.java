package io.github.localllm.router;

import io.github.localllm.ConfigurationException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * How good each model is, per task, for {@link RoutingStrategy#qualityOptimized}: scores the user
 * chooses (from a leaderboard, their own evaluation, or judgement), higher is better. A score names
 * a target, or the model a target serves ({@code ModelInstance.info().name()}); a score for the
 * request's task wins over one for every task, and a target's own over its model's.
 *
 * <pre>{@code
 * QualityRanking ranks = QualityRanking.builder()
 *         .score("gpt-4o", 0.9).score("qwen2.5:7b", 0.7)
 *         .score(TaskType.CODE, "qwen2.5-coder:7b", 0.85)
 *         .build();
 * }</pre>
 */
public final class QualityRanking {
    private final Map<String, Double> general;
    private final Map<TaskType, Map<String, Double>> perTask;

    private QualityRanking(Builder b) {
        this.general = Map.copyOf(b.general);
        Map<TaskType, Map<String, Double>> copy = new EnumMap<>(TaskType.class);
        b.perTask.forEach((task, scores) -> copy.put(task, Map.copyOf(scores)));
        this.perTask = copy;
    }

    /** @return a builder with no scores */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param task the request's task
     * @param candidate a target that may serve it
     * @return its score for the task, if one was given for it or its model
     */
    public OptionalDouble score(TaskType task, Candidate candidate) {
        String target = candidate.name();
        String model = Instances.of(candidate.target().model()).map(m -> m.info().name()).orElse(null);
        Map<String, Double> forTask = perTask.getOrDefault(task, Map.of());
        for (Map<String, Double> scores : java.util.List.of(forTask, general)) {
            Double s = scores.get(target);
            if (s == null && model != null) {
                s = scores.get(model);
            }
            if (s != null) {
                return OptionalDouble.of(s);
            }
        }
        return OptionalDouble.empty();
    }

    @Override
    public String toString() {
        return "QualityRanking[" + general + (perTask.isEmpty() ? "" : ", per task " + perTask) + "]";
    }

    /** Scores of a {@link QualityRanking}. */
    public static final class Builder {
        private final Map<String, Double> general = new HashMap<>();
        private final Map<TaskType, Map<String, Double>> perTask = new EnumMap<>(TaskType.class);

        private Builder() {
        }

        /**
         * @param targetOrModel a target's name or the name of the model it serves
         * @param score how good it is for every task; higher is better
         * @return this builder
         * @throws ConfigurationException if the score is not a finite number
         */
        public Builder score(String targetOrModel, double score) {
            general.put(checked(targetOrModel, score), score);
            return this;
        }

        /**
         * @param task the task the score is for
         * @param targetOrModel a target's name or the name of the model it serves
         * @param score how good it is for that task; higher is better
         * @return this builder
         * @throws ConfigurationException if the score is not a finite number
         */
        public Builder score(TaskType task, String targetOrModel, double score) {
            perTask.computeIfAbsent(Objects.requireNonNull(task, "task"), t -> new HashMap<>())
                    .put(checked(targetOrModel, score), score);
            return this;
        }

        private static String checked(String name, double score) {
            if (name == null || name.isBlank()) {
                throw new ConfigurationException("a quality score needs a target or model name");
            }
            if (!Double.isFinite(score)) {
                throw new ConfigurationException("the quality score of '" + name + "' must be a number, was " + score);
            }
            return name;
        }

        /** @return the ranking */
        public QualityRanking build() {
            return new QualityRanking(this);
        }
    }
}
