package io.github.localllm.backend.llamacpp;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Native models, parked for reuse instead of freed.
 *
 * <p>{@code de.kherud:llama} 4.2.0 cannot free a model: {@code close()} leaves the mapped
 * file, about 46 MB of native heap per context and an attached thread behind (measured:
 * +27.6 MB resident per load/close cycle of a 380 KB model, +134 MB for a 90 MB one). So
 * a closed model is parked here, and a later load of the same file with the same
 * parameters takes it back: an application that reloads a model keeps a flat footprint.
 * Only a separate process truly returns the memory.
 */
final class NativeModels {
    private static final Logger LOG = LoggerFactory.getLogger(NativeModels.class);
    private static final Map<String, Deque<LlamaModel>> PARKED = new HashMap<>();

    private NativeModels() {
    }

    /** @return a parked model loaded with exactly these parameters, or a newly loaded one */
    static LlamaModel acquire(ModelParameters params) {
        String key = params.toString();
        synchronized (PARKED) {
            Deque<LlamaModel> idle = PARKED.get(key);
            if (idle != null && !idle.isEmpty()) {
                LOG.debug("reusing a parked native model for {}", key);
                return idle.pop();
            }
        }
        return JvmExitWatcher.track(() -> new LlamaModel(params));
    }

    /** Parks a model no longer in use, for {@link #acquire} to hand out again. */
    static void release(ModelParameters params, LlamaModel model) {
        synchronized (PARKED) {
            PARKED.computeIfAbsent(params.toString(), k -> new ArrayDeque<>()).push(model);
        }
    }

    /** @return how many models are parked, for tests */
    static int parkedCount() {
        synchronized (PARKED) {
            return PARKED.values().stream().mapToInt(Deque::size).sum();
        }
    }
}
