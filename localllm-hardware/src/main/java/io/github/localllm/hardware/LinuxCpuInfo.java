package io.github.localllm.hardware;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What /proc/cpuinfo says about the processor.
 *
 * @param name the model name, or {@code null} (AArch64 kernels print none)
 * @param logicalCores "processor" entries
 * @param physicalCores distinct (physical id, core id) pairs, or {@code 0} when the file has no core ids
 * @param features the features of the first processor's flag line
 * @param flagsFound whether a flag line was present at all
 */
record LinuxCpuInfo(String name, int logicalCores, int physicalCores, Set<CpuFeature> features, boolean flagsFound) {

    /**
     * @param text the contents of /proc/cpuinfo
     * @return what it says; never throws on malformed text
     */
    static LinuxCpuInfo parse(String text) {
        String name = null;
        int processors = 0;
        Set<String> cores = new HashSet<>();
        String physicalId = "0";
        List<String> flags = null;
        for (String line : text.split("\\R")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "processor" -> processors++;
                case "model name", "Model name" -> name = name == null && !value.isEmpty() ? value : name;
                case "physical id" -> physicalId = value;
                case "core id" -> cores.add(physicalId + "/" + value);
                case "flags", "Features" -> {
                    if (flags == null) {
                        flags = Arrays.asList(value.split("\\s+"));
                    }
                }
                default -> {
                    // Other lines (bogomips, cache size, bugs, ...) do not matter here.
                }
            }
        }
        Set<CpuFeature> features = flags == null ? Set.of() : CpuFeatures.fromLinuxFlags(flags);
        return new LinuxCpuInfo(name, processors, cores.size(), features, flags != null);
    }
}
