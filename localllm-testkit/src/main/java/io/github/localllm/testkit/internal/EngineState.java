package io.github.localllm.testkit.internal;

import io.github.localllm.testkit.ScriptedAnswer;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** What the three LLM fakes share at run time: models, the answer script, embeddings, clock and ids. */
public final class EngineState {
    /** The answer when none is scripted. */
    static final ScriptedAnswer DEFAULT_ANSWER = ScriptedAnswer.of("This", " is", " a", " fake", " answer", ".");
    private static final int DERIVED_DIMENSIONS = 8;

    private final ModelTable models;
    private final List<ScriptedAnswer> answers;
    private final List<float[]> embeddings;
    private final Clock clock;
    private final Ids ids;
    private final AtomicInteger nextAnswer = new AtomicInteger();
    private final AtomicInteger nextVector = new AtomicInteger();
    private final Queue<ScriptedAnswer> queued = new ConcurrentLinkedQueue<>();

    public EngineState(EngineConfig config) {
        models = new ModelTable(config.models());
        answers = config.answers();
        embeddings = config.embeddings();
        clock = config.clock();
        ids = new Ids(config.seed());
    }

    public ModelTable models() {
        return models;
    }

    public Instant now() {
        return clock.instant();
    }

    public Ids ids() {
        return ids;
    }

    /** Queues an answer for one coming request, ahead of the builder's script. */
    public void queue(ScriptedAnswer answer) {
        queued.add(Objects.requireNonNull(answer, "answer"));
    }

    /** The next answer as the server sends it under the request's stop sequences and token limit. */
    public ScriptedAnswer nextAnswer(AnswerLimits limits) {
        return limits.apply(nextAnswer());
    }

    /** The next queued answer, else the next scripted one; the last scripted one repeats. */
    public ScriptedAnswer nextAnswer() {
        ScriptedAnswer first = queued.poll();
        if (first != null) {
            return first;
        }
        if (answers.isEmpty()) {
            return DEFAULT_ANSWER;
        }
        int i = nextAnswer.getAndIncrement();
        return answers.get(Math.min(i, answers.size() - 1));
    }

    /** The vector for one embedding input: the next configured one, or one derived from the text. */
    public float[] vector(String input) {
        if (!embeddings.isEmpty()) {
            return embeddings.get(Math.floorMod(nextVector.getAndIncrement(), embeddings.size())).clone();
        }
        SplittableRandom random = new SplittableRandom(input.hashCode());
        float[] v = new float[DERIVED_DIMENSIONS];
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
            norm += v[i] * v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / Math.sqrt(norm));
        }
        return v;
    }

    /** A token count for an embedding input: its words, at least one. */
    public static int tokens(String input) {
        String trimmed = input.strip();
        return trimmed.isEmpty() ? 1 : trimmed.split("\\s+").length;
    }
}
