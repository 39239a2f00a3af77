package io.github.localllm.hardware;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * macOS {@code sysctl} output: one {@code name: value} line per key. Names that do not exist on this
 * Mac are reported on stderr while the rest still print, so output is read whatever the exit code.
 */
final class MacSysctl {
    static final List<String> COMMAND = List.of("sysctl", "hw.memsize", "hw.physicalcpu", "hw.logicalcpu",
            "machdep.cpu.brand_string", "hw.optional");
    /** A separate call: the key does not exist on Intel Macs or before macOS 14, and is 0 unless a user set it. */
    static final List<String> WIRED_LIMIT_COMMAND = List.of("sysctl", "iogpu.wired_limit_mb");

    private MacSysctl() {
    }

    /**
     * @param stdout sysctl's output
     * @return values by name
     */
    static Map<String, String> parse(String stdout) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : stdout.split("\\R")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                values.put(line.substring(0, colon).strip(), line.substring(colon + 2).strip());
            }
        }
        return values;
    }
}
