package io.github.localllm.hardware;

import java.util.Locale;

/** The operating systems detection tells apart; each has its own sources. */
enum OsFamily {
    LINUX, MACOS, WINDOWS, OTHER;

    /**
     * @param osName an {@code os.name} value
     * @return its family
     */
    static OsFamily of(String osName) {
        String lower = osName.toLowerCase(Locale.ROOT);
        if (lower.startsWith("linux")) {
            return LINUX;
        }
        if (lower.startsWith("mac") || lower.startsWith("darwin")) {
            return MACOS;
        }
        return lower.startsWith("windows") ? WINDOWS : OTHER;
    }

    /**
     * @param arch an {@code os.arch} value
     * @return whether it is x86 (32 or 64 bit)
     */
    static boolean isX86(String arch) {
        String lower = arch.toLowerCase(Locale.ROOT);
        return lower.equals("amd64") || lower.equals("x86_64") || lower.equals("x86") || lower.matches("i[3-6]86");
    }

    /**
     * @param arch an {@code os.arch} value
     * @return whether it is 64-bit ARM
     */
    static boolean isArm64(String arch) {
        String lower = arch.toLowerCase(Locale.ROOT);
        return lower.equals("aarch64") || lower.equals("arm64");
    }
}
