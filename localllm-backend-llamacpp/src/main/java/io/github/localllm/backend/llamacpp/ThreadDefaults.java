package io.github.localllm.backend.llamacpp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Chooses thread counts when the user does not.
 *
 * <p>Measured on a 2-core machine with an 85M-parameter Q8_0 model (tokens/s, median):
 * generation threads 1 → 52; 2 → 31; 2 with batch threads 1 → 84 (another session measured
 * 80 / 46 / 123 on the same shape). Equal generation and batch thread counts are slow in
 * the bundled llama.cpp, distinct ones are not; the cause lies in its thread pools, the
 * measurement is what this rests on. So generation uses every physical core and prompt
 * batches one thread fewer (at least one). Hyper-threads add nothing to memory-bound
 * generation and are not counted.
 */
final class ThreadDefaults {
    private ThreadDefaults() {
    }

    static int generationThreads() {
        return generationThreads(physicalCores());
    }

    static int generationThreads(int physicalCores) {
        return Math.max(1, physicalCores);
    }

    /** @return prompt-batch threads for a given generation thread count */
    static int batchThreads(int generationThreads) {
        return Math.max(1, generationThreads - 1);
    }

    static int physicalCores() {
        int logical = Runtime.getRuntime().availableProcessors();
        int physical = linuxPhysicalCores(Path.of("/proc/cpuinfo"));
        // A container may be limited to fewer CPUs than the host's cores.
        return physical > 0 ? Math.min(physical, logical) : logical;
    }

    /** @return distinct (physical id, core id) pairs in a Linux cpuinfo file, or 0 if unknown */
    static int linuxPhysicalCores(Path cpuinfo) {
        List<String> lines;
        try {
            lines = Files.readAllLines(cpuinfo);
        } catch (IOException | SecurityException e) {
            return 0;
        }
        Set<String> cores = new HashSet<>();
        String physicalId = "0";
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (key.equals("physical id")) {
                physicalId = value;
            } else if (key.equals("core id")) {
                cores.add(physicalId + ":" + value);
            }
        }
        return cores.size();
    }
}
