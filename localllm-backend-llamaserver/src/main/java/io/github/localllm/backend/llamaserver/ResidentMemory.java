package io.github.localllm.backend.llamaserver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's resident memory, where the system tells it without a native call: Linux's {@code /proc}. */
final class ResidentMemory {
    private ResidentMemory() {
    }

    /** @param pid a process @return its resident set in bytes, or {@code -1} where unknown */
    static long of(long pid) {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).strip().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // the kernel reports kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process has ended
        }
        return -1;
    }
}
