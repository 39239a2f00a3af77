package io.github.localllm.testkit;

import io.github.localllm.testkit.internal.EngineConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the fake LLM servers are built with: their models, scripted answers, embedding vectors,
 * faults from the start, clock and id seed.
 *
 * @param <S> the server this builds
 * @param <B> the builder itself, for chaining
 */
public abstract sealed class EngineBuilder<S extends FakeServer, B extends EngineBuilder<S, B>>
        permits FakeOllama.Builder, FakeOpenAi.Builder, FakeLmStudio.Builder {
    private final Map<String, FakeModel> models = new LinkedHashMap<>();
    private final List<ScriptedAnswer> answers = new ArrayList<>();
    private final List<float[]> embeddings = new ArrayList<>();
    private final List<Fault> faults = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private long seed = 42;

    EngineBuilder() {
    }

    abstract B self();

    /** Starts the server on 127.0.0.1 at a free port. */
    public abstract S start();

    /** Adds a model (a second one with the same name replaces the first). */
    public B model(FakeModel model) {
        Objects.requireNonNull(model, "model");
        models.put(model.name(), model);
        return self();
    }

    /** Adds a chat model with {@link FakeModel}'s defaults. */
    public B model(String name) {
        return model(FakeModel.of(name));
    }

    /**
     * Adds an answer. Generation requests take the answers in order and the last one repeats;
     * without any, every request gets "This is a fake answer.". As on the real servers, a request's
     * stop sequences and token limit cut the answer (each piece counts as one token): the text ends
     * before the first stop sequence, or after the limit's number of pieces with the length reason.
     */
    public B answer(ScriptedAnswer answer) {
        answers.add(Objects.requireNonNull(answer, "answer"));
        return self();
    }

    /** Adds an answer made of these pieces. */
    public B answer(String... pieces) {
        return answer(ScriptedAnswer.of(pieces));
    }

    /**
     * Adds an embedding vector. Inputs take the vectors in order, cycling; without any, each
     * input gets a unit vector of 8 dimensions derived from its text.
     */
    public B embedding(float... vector) {
        if (vector.length == 0) {
            throw new IllegalArgumentException("an embedding has at least one dimension");
        }
        embeddings.add(vector.clone());
        return self();
    }

    /** Applies a fault to every request from the start. */
    public B fault(Fault fault) {
        faults.add(Objects.requireNonNull(fault, "fault"));
        return self();
    }

    /** The clock behind timestamps ({@code created_at}, {@code created}); the system clock by default. */
    public B clock(Clock c) {
        this.clock = Objects.requireNonNull(c, "clock");
        return self();
    }

    /** Seeds the made-up ids (response ids, tool call ids); 42 by default, so runs repeat. */
    public B seed(long s) {
        this.seed = s;
        return self();
    }

    EngineConfig config() {
        return new EngineConfig(List.copyOf(models.values()), answers, embeddings, clock, seed, faults);
    }
}
