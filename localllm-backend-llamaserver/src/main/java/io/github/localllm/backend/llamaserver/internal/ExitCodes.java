package io.github.localllm.backend.llamaserver.internal;

import java.util.Locale;
import java.util.Map;

/** Exit codes as people read them: {@code code 137 (killed by SIGKILL)}. */
public final class ExitCodes {
    /** The JDK reports a process ended by signal N as 128 + N on Unix. */
    private static final Map<Integer, String> SIGNALS = Map.of(1, "SIGHUP", 2, "SIGINT", 4, "SIGILL", 6, "SIGABRT",
            7, "SIGBUS", 8, "SIGFPE", 9, "SIGKILL", 11, "SIGSEGV", 13, "SIGPIPE", 15, "SIGTERM");
    private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    private ExitCodes() {
    }

    /** @param code an exit code @return it, with the signal it means on Unix */
    public static String describe(int code) {
        if (WINDOWS || code <= 128 || code > 128 + 64) {
            return "code " + code;
        }
        int signal = code - 128;
        String name = SIGNALS.getOrDefault(signal, "signal " + signal);
        String hint = signal == 9 ? "; without a stop from this SDK, often the system's out-of-memory killer" : "";
        return "code " + code + " (killed by " + name + hint + ")";
    }
}
