package io.github.localllm.backend.llamaserver.internal;

import io.github.localllm.event.LocalLlmEventListener;
import io.github.localllm.event.ModelLoadProgress;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what {@code llama-server} prints while it loads into {@link ModelLoadProgress} events for the
 * load's listener: each stage once, in order, a stage the server skipped or printed late never sent
 * after a later one. The lines are those of b10470 at its default verbosity (each stage named below
 * with the line that begins it), and the finer ones it prints with {@code -lv 4}, which other builds
 * may print by default. The server tells no share of the work, so stages between {@code starting}
 * (0) and {@code ready} (1) carry {@code -1}. After {@link #finish()} lines are no longer read: the
 * output of a serving server is requests, not progress.
 */
public final class LoadStages implements Consumer<String> {
    private static final Logger LOG = LoggerFactory.getLogger(LoadStages.class);
    /** The stage a load begins with, before the server prints anything. */
    public static final String STARTING = "starting llama-server";
    /** The last stage: the server answers {@code /health}. */
    public static final String READY = "ready";

    /** A stage and the text of the line that begins it. */
    private record Stage(String name, String marker) {
    }

    /** In the order the server goes through them. */
    private static final List<Stage> STAGES = List.of(
            new Stage("reading the model", "load_model: loading model"),
            new Stage("fitting to memory", "fitting params to device memory"),
            new Stage("reading weights", "load_tensors: loading model tensors"),
            new Stage("creating the context", "llama_context: constructing llama_context"),
            new Stage("warming up", "llama threadpool init"),
            new Stage("warming up", "warming up the model"),
            new Stage("starting slots", "load_model: initializing"),
            new Stage("model loaded", "llama_server: model loaded"),
            new Stage("listening", "llama_server: listening on"));

    private final String backend;
    private final String model;
    private final LocalLlmEventListener listener;
    /** Index in {@link #STAGES} of the last stage sent; -1 before any. Guarded by {@code this}. */
    private int reached = -1;
    /** Guarded by {@code this}: events are sent holding it, so that none follows {@link #READY}. */
    private boolean finished;

    /**
     * @param backend the engine's id, for the events
     * @param model the model's name, for the events
     * @param listener the load's listener
     */
    public LoadStages(String backend, String model, LocalLlmEventListener listener) {
        this.backend = backend;
        this.model = model;
        this.listener = listener;
    }

    /** Sends the first stage: the server is being started. */
    public void starting() {
        send(STARTING, 0);
    }

    /** Reads one line of the server's output. */
    @Override
    public synchronized void accept(String line) {
        if (finished) {
            return;
        }
        for (int i = reached + 1; i < STAGES.size(); i++) {
            if (line.contains(STAGES.get(i).marker())) {
                boolean repeat = reached >= 0 && STAGES.get(reached).name().equals(STAGES.get(i).name());
                reached = i;
                if (!repeat) {
                    send(STAGES.get(i).name(), -1);
                }
                return;
            }
        }
    }

    /** Sends the last stage, the server serving, after every stage read before; stops reading its output. */
    public synchronized void ready() {
        finished = true;
        send(READY, 1);
    }

    /** Stops reading the output, without a last stage: the load failed, or it is done. */
    public synchronized void finish() {
        finished = true;
    }

    private void send(String stage, double fraction) {
        try {
            listener.onEvent(new ModelLoadProgress(Instant.now(), backend, model, stage, fraction));
        } catch (RuntimeException e) {
            LOG.warn("a load listener failed on stage {} of {}: {}", stage, model, e.toString());
        }
    }
}
