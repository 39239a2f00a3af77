package io.github.localllm.router;

import io.github.localllm.ModelRef;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.LoadedModel;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which models one engine holds in memory, for the local targets it runs: asked with
 * {@link InferenceBackend#loadedModels()} (Ollama's {@code /api/ps}, LM Studio's model states, the
 * managed llama-server's processes) on a shared daemon thread, at most once per refresh interval
 * and only while requests come. The request path only reads a flag per target and, once per
 * request, compares two numbers: an engine that is slow or down never delays routing.
 *
 * <p>A target counts as not loaded when the engine lists other models but not its own, or no longer
 * lists the model it listed before. An engine that lists nothing and never listed the target's model
 * (an engine that keeps no such list, an OpenAI-compatible server that does not say) leaves it
 * counted as loaded: nothing is known against it.
 */
final class LoadedWatch {
    private static final Logger LOG = LoggerFactory.getLogger(LoadedWatch.class);
    /**
     * Refreshes of all routers share these daemon threads; one per engine being asked at a time (a
     * watch never runs two refreshes), gone after a few idle seconds.
     */
    private static final ThreadPoolExecutor REFRESHER = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5,
            TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "localllm-router-loaded");
                t.setDaemon(true);
                return t;
            });

    private final InferenceBackend engine;
    private final long intervalNanos;
    private final List<TargetState> targets;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    /** When the last refresh ended, by {@link System#nanoTime()}. */
    private volatile long refreshedAt;

    LoadedWatch(InferenceBackend engine, long intervalNanos, List<TargetState> targets) {
        this.engine = engine;
        this.intervalNanos = intervalNanos;
        this.targets = List.copyOf(targets);
        this.refreshedAt = System.nanoTime() - intervalNanos - 1;
    }

    /**
     * @param engine an engine
     * @return whether it reports the models it holds: it implements {@link InferenceBackend#loadedModels()}
     *         rather than inheriting the default, which knows nothing
     */
    static boolean reports(InferenceBackend engine) {
        try {
            return engine.getClass().getMethod("loadedModels").getDeclaringClass() != InferenceBackend.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /**
     * Starts a refresh on the shared threads when the last one is older than the interval and none
     * runs; returns at once.
     *
     * @param now {@link System#nanoTime()}, as the caller measured it already
     */
    void refreshIfStale(long now) {
        if (now - refreshedAt < intervalNanos || !refreshing.compareAndSet(false, true)) {
            return;
        }
        try {
            REFRESHER.execute(() -> {
                try {
                    refresh();
                } finally {
                    refreshing.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            refreshing.set(false);
        }
    }

    /** Asks the engine now, on the caller's thread; one refresh at a time. */
    synchronized void refresh() {
        try {
            List<LoadedModel> loaded = engine.loadedModels();
            for (TargetState t : targets) {
                boolean listed = false;
                for (LoadedModel m : loaded) {
                    if (sameModel(m.ref(), t.modelName)) {
                        listed = true;
                        break;
                    }
                }
                if (listed) {
                    t.seenLoaded = true;
                }
                t.loadedNow = listed || (loaded.isEmpty() && !t.seenLoaded);
            }
        } catch (RuntimeException e) {
            // What was known stays: a server that does not answer now is the breaker's business.
            LOG.debug("could not ask {} which models it holds: {}", engine.getClass().getSimpleName(), e.toString());
        } finally {
            refreshedAt = System.nanoTime();
        }
    }

    /**
     * @param listed a model an engine lists as loaded
     * @param name a target's model name, as its {@code ModelInfo} gives it
     * @return whether they are the same model: equal, or equal once Ollama's default tag {@code :latest}
     *         is dropped; a file by its name without {@code .gguf}, as the managed llama-server names it
     */
    static boolean sameModel(ModelRef listed, String name) {
        String text = listed.text();
        if (listed instanceof ModelRef.File f && f.path().getFileName() != null) {
            text = f.path().getFileName().toString();
            if (text.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
                text = text.substring(0, text.length() - 5);
            }
        }
        return text.equals(name) || untagged(text).equals(untagged(name));
    }

    private static String untagged(String name) {
        return name.endsWith(":latest") ? name.substring(0, name.length() - 7) : name;
    }
}
