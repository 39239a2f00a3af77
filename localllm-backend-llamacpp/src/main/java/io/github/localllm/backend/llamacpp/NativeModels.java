package io.github.localllm.backend.llamacpp;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Native models, parked for reuse instead of freed, and the memory they keep.
 *
 * <p>{@code de.kherud:llama} 4.2.0 cannot free a model: its {@code close()} only ends the task loop
 * ({@code delete ctx_server} is commented out in its {@code jllama.cpp}), and no other call reaches
 * {@code llama_free} or {@code llama_model_free}. The mapped file, the KV cache, the compute buffers
 * and an attached thread stay (measured: a 143 MB Q8_0 file at context 512 keeps about 180 MiB
 * resident, 135 MiB of it the mapped weights). So a closed model is parked here, and a later load of
 * the same file with the same parameters takes it back: an application that reloads a model keeps a
 * flat footprint. A different file cannot reuse it: every distinct model loaded in a JVM keeps its
 * memory until the JVM exits, which loading one says in a warning. Only a separate process (a server
 * engine) truly returns memory.
 */
final class NativeModels {
    private static final Logger LOG = LoggerFactory.getLogger(NativeModels.class);
    /** Every native model made in this JVM; none is ever freed. Guarded by itself. */
    private static final List<NativeModel> ALL = new ArrayList<>();

    private NativeModels() {
    }

    /**
     * @param params how to load
     * @param name the model's name, for the warning
     * @param footprint what the load is estimated to keep resident, and of it the weights mapped from the file
     * @return a parked model loaded with exactly these parameters, or a newly loaded one
     */
    static NativeModel acquire(ModelParameters params, String name, Footprint footprint) {
        String key = params.toString();
        synchronized (ALL) {
            for (NativeModel m : ALL) {
                if (m.parked && m.key.equals(key)) {
                    m.parked = false;
                    LOG.debug("reusing a parked native model for {}", key);
                    return m;
                }
            }
        }
        LlamaModel engine = JvmExitWatcher.track(() -> new LlamaModel(params));
        NativeModel loaded = new NativeModel(key, name, footprint, engine);
        String warning;
        synchronized (ALL) {
            warning = ALL.isEmpty() ? null : warning(loaded, List.copyOf(ALL));
            ALL.add(loaded);
        }
        if (warning != null) {
            LOG.warn(warning);
        }
        return loaded;
    }

    /** Parks a model no longer in use, for {@link #acquire} to hand out again. */
    static void release(NativeModel model) {
        synchronized (ALL) {
            model.parked = true;
        }
    }

    /** Gives up a model that cannot be reused (a generation would not stop): its memory stays held. */
    static void abandon(NativeModel model) {
        synchronized (ALL) {
            model.abandoned = true;
        }
    }

    /** @return estimated bytes held by models that were closed, which no close can return */
    static long retainedBytes() {
        synchronized (ALL) {
            return ALL.stream().filter(NativeModel::closed).mapToLong(m -> m.footprint.bytes()).sum();
        }
    }

    /** @return how many models are parked, for tests */
    static int parkedCount() {
        synchronized (ALL) {
            return (int) ALL.stream().filter(m -> m.parked).count();
        }
    }

    private static String warning(NativeModel loaded, List<NativeModel> earlier) {
        List<NativeModel> closed = earlier.stream().filter(NativeModel::closed).toList();
        Footprint held = new Footprint(closed.stream().mapToLong(m -> m.footprint.bytes()).sum(),
                closed.stream().mapToLong(m -> m.footprint.mappedBytes()).sum());
        return warning(loaded.name, loaded.footprint, earlier.size(), closed.stream().map(m -> m.name).toList(), held);
    }

    /**
     * Says, when another model loads, that the memory of the earlier ones does not come back.
     *
     * @param name the model loading
     * @param footprint what it will keep
     * @param earlier how many native models this JVM made before
     * @param closedNames the closed ones among them
     * @param closed what the closed ones keep together
     */
    static String warning(String name, Footprint footprint, int earlier, List<String> closedNames, Footprint closed) {
        String held = closedNames.isEmpty()
                ? "none of the " + earlier + " model(s) loaded before is closed yet, but closing them will"
                + " not return their memory either"
                : closedNames.size() + " closed model(s) (" + String.join(", ", closedNames) + ") still hold about "
                + mib(closed.bytes()) + (closed.mappedBytes() > 0 ? ", " + mib(closed.mappedBytes()) + " of it weights"
                + " mapped from their files, which the OS can reclaim under memory pressure" : "");
        return "llama.cpp in process cannot free a model once loaded, and " + name + " is the " + ordinal(earlier + 1)
                + " it holds in this JVM: " + held + ". Loading " + name + " adds about " + mib(footprint.bytes())
                + " that stays until the JVM exits. Reloading a closed model with the same options reuses its memory;"
                + " to swap models and get the memory back, run them in a server engine (llama-server, Ollama)"
                + " instead: the managed llama-server (backend llamaserver) returns each closed model's memory, and"
                + " autoDetect() picks it for applications that say they swap (LocalLlm.builder().swapsModels(true),"
                + " or models.swap=true)";
    }

    private static String ordinal(int n) {
        int tens = n % 100;
        String suffix = tens >= 11 && tens <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }

    /**
     * What a native model keeps resident, estimated by the memory model.
     *
     * @param bytes everything: weights, KV cache, compute and output buffers, overhead
     * @param mappedBytes of it, weights mapped from the file (0 when loaded without mmap)
     */
    record Footprint(long bytes, long mappedBytes) {
    }

    /** One native model and whether a caller holds it. */
    static final class NativeModel {
        private final String key;
        private final String name;
        private final Footprint footprint;
        private final LlamaModel engine;
        private boolean parked;
        private boolean abandoned;

        private NativeModel(String key, String name, Footprint footprint, LlamaModel engine) {
            this.key = key;
            this.name = name;
            this.footprint = footprint;
            this.engine = engine;
        }

        LlamaModel engine() {
            return engine;
        }

        private boolean closed() {
            return parked || abandoned;
        }
    }
}
