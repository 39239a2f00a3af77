package io.github.localllm.backend.llamaserver;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.KvCacheType;
import io.github.localllm.LoadOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's arguments for a load: each option one argument and its value, as a list for
 * {@link ProcessBuilder}, so that no value is ever read by a shell. What is not set is not passed,
 * and the server chooses (context from the model, threads from the CPU, and so on).
 */
final class ServerArguments {
    /** The first build known to take {@code --load-mode}; older ones take {@code --no-mmap} and {@code --mlock}. */
    static final int LOAD_MODE_BUILD = 10470;
    /** More layers than any model has: llama-server clamps it, and every build takes a number. */
    private static final String ALL_LAYERS = "999";

    private ServerArguments() {
    }

    /**
     * @param load the portable options
     * @param options the server's own
     * @param build the server's build, for arguments that changed
     * @return the arguments
     * @throws InvalidRequestException for a combination the server would refuse
     */
    static List<String> of(LoadOptions load, LlamaServerOptions options, int build) {
        List<String> args = new ArrayList<>();
        if (load.contextSize() != null) {
            // --ctx-size is the whole cache: with slots set, llama-server splits it among them (b10470:
            // "n_slots = 2, n_ctx_slot = 256" for 512), while LoadOptions means the context of each.
            // Without, the slots share one unified cache of that size, each able to fill it.
            long total = (long) load.contextSize() * (options.parallel() != null ? options.parallel() : 1);
            if (total > Integer.MAX_VALUE) {
                throw new InvalidRequestException("a context of " + load.contextSize() + " tokens for each of "
                        + options.parallel() + " slots is more than llama-server can hold; ask for less");
            }
            add(args, "--ctx-size", Long.toString(total));
        }
        if (load.gpuLayers() != null) {
            add(args, "--n-gpu-layers", load.gpuLayers() == -1 ? ALL_LAYERS : load.gpuLayers().toString());
        }
        if (load.threads() != null) {
            add(args, "--threads", load.threads().toString());
        }
        if (options.parallel() != null) {
            add(args, "--parallel", options.parallel().toString());
        }
        KvCacheType kv = options.kvCacheType();
        if (kv != null) {
            if (kv != KvCacheType.F16 && Boolean.FALSE.equals(options.flashAttention())) {
                throw new InvalidRequestException("a " + kv + " attention cache needs flash attention in llama.cpp,"
                        + " but flashAttention is off; turn it on or leave it unset, or use the f16 cache");
            }
            add(args, "--cache-type-k", kv.wireName());
            add(args, "--cache-type-v", kv.wireName());
        }
        if (options.flashAttention() != null) {
            add(args, "--flash-attn", options.flashAttention() ? "on" : "off");
        }
        loadMode(args, options.mmap(), options.mlock(), build);
        // Jinja renders the model's own chat template; without it llama.cpp guesses among known formats.
        args.add(Boolean.FALSE.equals(options.jinja()) ? "--no-jinja" : "--jinja");
        if (options.batchSize() != null) {
            add(args, "--batch-size", options.batchSize().toString());
        }
        if (options.embedsText()) {
            // b10470 still generates with --embeddings; it only adds /v1/embeddings.
            args.add("--embeddings");
            if (options.pooling() != null) {
                add(args, "--pooling", options.pooling().wireName());
            }
        }
        // The counters cost nothing; without --metrics llama-server answers /metrics with a 501.
        if (!Boolean.FALSE.equals(options.metrics())) {
            args.add("--metrics");
        }
        return args;
    }

    private static void loadMode(List<String> args, Boolean mmap, Boolean mlock, int build) {
        boolean lock = Boolean.TRUE.equals(mlock);
        if (mmap == null && !lock) {
            return;
        }
        boolean map = mmap == null || mmap;
        if (build >= LOAD_MODE_BUILD) {
            add(args, "--load-mode", map && lock ? "mmap+mlock" : map ? "mmap" : lock ? "mlock" : "none");
            return;
        }
        if (!map) {
            args.add("--no-mmap");
        }
        if (lock) {
            args.add("--mlock");
        }
    }

    private static void add(List<String> args, String name, String value) {
        args.add(name);
        args.add(value);
    }
}
