package io.github.localllm.testkit.internal;

import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.Fault;
import io.github.localllm.testkit.ScriptedAnswer;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * What a fake LLM server is built with.
 *
 * @param models the models it has, in listing order
 * @param answers scripted answers, used in order; the last one repeats
 * @param embeddings vectors for embedding inputs, used in order and cycled; empty: derived from the text
 * @param clock the time the server reports
 * @param seed seeds made-up ids, so runs repeat
 * @param faults faults active for every request from the start
 */
public record EngineConfig(List<FakeModel> models, List<ScriptedAnswer> answers, List<float[]> embeddings, Clock clock,
        long seed, List<Fault> faults) {
    public EngineConfig {
        models = List.copyOf(models);
        answers = List.copyOf(answers);
        embeddings = embeddings.stream().map(float[]::clone).toList();
        Objects.requireNonNull(clock, "clock");
        faults = List.copyOf(faults);
    }
}
