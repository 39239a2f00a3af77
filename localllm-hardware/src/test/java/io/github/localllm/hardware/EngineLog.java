package io.github.localllm.hardware;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The buffer sizes llama.cpp printed while loading a model, read from its log: the model buffers by
 * name ({@code CPU_Mapped}, {@code CPU_REPACK}, {@code CPU_AARCH64}, {@code CPU}, a GPU's), the KV cache,
 * the compute buffer and the output buffer, each summed over devices, in bytes. Both b4916's and
 * b10470's lines are read: {@code load_tensors:   CPU_REPACK model buffer size =    39.23 MiB},
 * {@code llama_kv_cache:        CPU KV buffer size =     9.75 MiB} ({@code init:} in b4916),
 * {@code sched_reserve:        CPU compute buffer size =    18.51 MiB} ({@code llama_context:} in b4916).
 */
record EngineLog(Map<String, Long> modelBuffers, long kvCache, long compute, long output) {
    private static final Pattern MODEL = Pattern.compile("(\\S+) model buffer size =\\s+([0-9.]+) MiB");
    private static final Pattern KV = Pattern.compile("\\S+ KV buffer size =\\s+([0-9.]+) MiB");
    private static final Pattern COMPUTE = Pattern.compile("\\S+ compute buffer size =\\s+([0-9.]+) MiB");
    private static final Pattern OUTPUT = Pattern.compile("\\S+\\s+output buffer size =\\s+([0-9.]+) MiB");

    static EngineLog parse(String log) {
        Map<String, Long> model = new TreeMap<>();
        long kv = 0;
        long compute = 0;
        long output = 0;
        for (String line : log.split("\n")) {
            Matcher m = MODEL.matcher(line);
            if (m.find()) {
                model.merge(m.group(1), mib(m.group(2)), Long::sum);
                continue;
            }
            m = KV.matcher(line);
            if (m.find()) {
                kv += mib(m.group(1));
                continue;
            }
            m = COMPUTE.matcher(line);
            if (m.find()) {
                compute += mib(m.group(1));
                continue;
            }
            m = OUTPUT.matcher(line);
            if (m.find()) {
                output += mib(m.group(1));
            }
        }
        if (model.isEmpty() || compute == 0) {
            throw new IllegalArgumentException("no buffer sizes in this log; was llama-server run with -lv 4?");
        }
        return new EngineLog(Map.copyOf(model), kv, compute, output);
    }

    /** @return the mapped weights: {@code CPU_Mapped}, or {@code CPU} when the file was read instead */
    long mappedWeights() {
        return modelBuffers.getOrDefault("CPU_Mapped", modelBuffers.getOrDefault("CPU", 0L));
    }

    /** @return the repacked copies: {@code CPU_REPACK} (b10470) or {@code CPU_AARCH64} (b4916) */
    long repacked() {
        return modelBuffers.getOrDefault("CPU_REPACK", 0L) + modelBuffers.getOrDefault("CPU_AARCH64", 0L);
    }

    private static long mib(String value) {
        return Math.round(Double.parseDouble(value) * 1048576);
    }
}
