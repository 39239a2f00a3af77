package io.github.localllm.backend.llamaserver;

import io.github.localllm.InsufficientResourcesException;
import io.github.localllm.event.LocalLlmEvent;
import io.github.localllm.event.LocalLlmEventListener;
import io.github.localllm.event.ModelUnloaded;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models the managed engine holds in this JVM, each with the memory it is expected to take, and
 * the room a new one needs: {@link #admit} checks the new model's estimate against the budget (or the
 * memory available) and, as {@link MemoryBudget#whenFull()} says, unloads the least recently used
 * models that no request is using, or fails naming what is loaded. One per JVM ({@link #JVM}), since
 * every engine instance, and every {@code LocalLlm} on it, draws on the same memory.
 */
final class Residency {
    private static final Logger LOG = LoggerFactory.getLogger(Residency.class);
    /** The JVM's models, against the memory Linux says is available. */
    static final Residency JVM = new Residency(Residency::memAvailable);

    private final LongSupplier available;
    /** Admitted models, loading or loaded. Guarded by {@code this}. */
    private final List<Reservation> held = new ArrayList<>();

    /** @param available the memory available now in bytes, {@code -1} where unknown */
    Residency(LongSupplier available) {
        this.available = available;
    }

    /** A model's place: its estimate, held from admission until the model closes or its load fails. */
    final class Reservation {
        private final String name;
        private final long bytes;
        private final LocalLlmEventListener listener;
        private volatile ManagedModel model;

        private Reservation(String name, long bytes, LocalLlmEventListener listener) {
            this.name = name;
            this.bytes = bytes;
            this.listener = listener;
        }

        /** @param loaded the model now serving, which may from now on be unloaded to make room */
        void attach(ManagedModel loaded) {
            this.model = loaded;
        }

        /** Gives the place up: the model closed, or its load failed. Idempotent. */
        void release() {
            synchronized (Residency.this) {
                held.remove(this);
            }
        }

        /** @return the estimate, in bytes */
        long bytes() {
            return bytes;
        }

        private String describe() {
            ManagedModel m = model;
            String state = m == null ? "loading" : m.inFlight() > 0 ? "in use by " + m.inFlight() + " request(s)" : "idle";
            return name + " (about " + MemoryBudget.mib(bytes) + ", " + state + ")";
        }
    }

    /**
     * Makes room for a model and holds it.
     *
     * @param name the model's name, for messages and events
     * @param need its estimate in bytes
     * @param budget the budget and what to do when full
     * @param listener the load's listener, told of each model unloaded for it
     * @return its place; release it if the load fails
     * @throws InsufficientResourcesException if it does not fit and no model can be unloaded for it
     */
    synchronized Reservation admit(String name, long need, MemoryBudget budget, LocalLlmEventListener listener) {
        if (budget.bytes().isPresent() && need > budget.bytes().getAsLong()) {
            throw new InsufficientResourcesException("llama-server cannot load " + name + ": it needs about "
                    + MemoryBudget.mib(need) + ", more than the whole memory budget of "
                    + MemoryBudget.mib(budget.bytes().getAsLong()) + " (" + MemoryBudget.BUDGET_KEY + "). Raise the"
                    + " budget, or load it with a smaller context or a smaller quantization");
        }
        while (true) {
            long room = room(budget);
            List<Reservation> loaded = held.stream().filter(r -> r.model != null).toList();
            if (room < 0 || need <= room || held.isEmpty()) {
                // Unknown memory, room enough, or nothing to make room with: the server tries, and says
                // so itself if it runs out.
                Reservation r = new Reservation(name, need, listener);
                held.add(r);
                return r;
            }
            Reservation victim = budget.whenFull() == MemoryBudget.WhenFull.FAIL ? null : loaded.stream()
                    .filter(r -> r.model.inFlight() == 0)
                    .min(Comparator.comparingLong(r -> r.model.lastUsedNanos())).orElse(null);
            if (victim == null) {
                throw full(name, need, room, budget);
            }
            if (!victim.model.unloadIfIdle(name)) {
                continue; // a request began on it meanwhile: choose again
            }
            held.remove(victim);
            LOG.info("unloaded {} (about {}, least recently used) to make room for {} (about {})", victim.name,
                    MemoryBudget.mib(victim.bytes), name, MemoryBudget.mib(need));
            ModelUnloaded event = new ModelUnloaded(Instant.now(), LlamaServerBackendProvider.ID, victim.name);
            tell(victim.listener, event);
            if (listener != victim.listener) {
                tell(listener, event);
            }
        }
    }

    /** @return bytes free for a new model: the budget less every model held; else the memory available less loads under way */
    private long room(MemoryBudget budget) {
        if (budget.bytes().isPresent()) {
            return budget.bytes().getAsLong() - held.stream().mapToLong(Reservation::bytes).sum();
        }
        long free = available.getAsLong();
        if (free < 0) {
            return -1;
        }
        // Models still loading have not taken their memory yet; loaded ones are out of the figure already.
        return Math.max(0, free - held.stream().filter(r -> r.model == null).mapToLong(Reservation::bytes).sum());
    }

    private InsufficientResourcesException full(String name, long need, long room, MemoryBudget budget) {
        String of = budget.bytes().isPresent()
                ? "the memory budget of " + MemoryBudget.mib(budget.bytes().getAsLong()) + " (" + MemoryBudget.BUDGET_KEY
                        + ") has " + MemoryBudget.mib(room) + " left"
                : "the system has " + MemoryBudget.mib(room) + " available";
        String loaded = held.stream().map(Reservation::describe).collect(Collectors.joining(", "));
        String what = budget.whenFull() == MemoryBudget.WhenFull.FAIL
                ? "Close a model you no longer need, " + (budget.bytes().isPresent() ? "raise " + MemoryBudget.BUDGET_KEY
                        + ", " : "") + "or set " + MemoryBudget.WHEN_FULL_KEY + "=unload-lru to unload the least recently"
                        + " used idle model automatically"
                : "Every one of them is in use, so none was unloaded; retry when a request has finished, or close a model"
                        + " you no longer need" + (budget.bytes().isPresent() ? ", or raise " + MemoryBudget.BUDGET_KEY : "");
        return new InsufficientResourcesException("llama-server cannot load " + name + " (about " + MemoryBudget.mib(need)
                + ") beside the models loaded: " + loaded + "; " + of + ". " + what);
    }

    private static void tell(LocalLlmEventListener listener, LocalLlmEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("an event listener failed on {}: {}", event, e.toString());
        }
    }

    /** @return the models held now, for tests */
    synchronized List<String> held() {
        return held.stream().map(r -> r.name).toList();
    }

    /** @return Linux's {@code MemAvailable} in bytes, {@code -1} elsewhere */
    static long memAvailable() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.substring(13).strip().split("\\s+")[0]) * 1024; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
