package io.github.localllm.backend.llamaserver;

import java.util.Locale;
import java.util.Optional;

/** An operating system and CPU architecture for which llama.cpp publishes {@code llama-server} builds. */
public enum Platform {
    /** Linux on x86-64. */
    LINUX_X64("linux-x64", "llama-server"),
    /** macOS on Apple Silicon. */
    MACOS_ARM64("macos-arm64", "llama-server"),
    /** macOS on Intel. */
    MACOS_X64("macos-x64", "llama-server"),
    /** Windows on x86-64. */
    WINDOWS_X64("windows-x64", "llama-server.exe");

    private final String id;
    private final String serverFileName;

    Platform(String id, String serverFileName) {
        this.id = id;
        this.serverFileName = serverFileName;
    }

    /** @return the platform's name in variant names and the engines directory, e.g. {@code linux-x64} */
    public String id() {
        return id;
    }

    /** @return the server's file name on this platform: {@code llama-server}, or {@code llama-server.exe} on Windows */
    public String serverFileName() {
        return serverFileName;
    }

    /** @return the platform this JVM runs on, if llama.cpp publishes builds for it */
    public static Optional<Platform> current() {
        return of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /**
     * @param osName an {@code os.name} value, e.g. {@code Linux}, {@code Mac OS X}, {@code Windows 11}
     * @param arch an {@code os.arch} value, e.g. {@code amd64}, {@code aarch64}
     * @return the platform, if llama.cpp publishes builds for it
     */
    public static Optional<Platform> of(String osName, String arch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String a = arch.toLowerCase(Locale.ROOT);
        boolean x64 = a.equals("amd64") || a.equals("x86_64") || a.equals("x64");
        boolean arm64 = a.equals("aarch64") || a.equals("arm64");
        if (os.startsWith("linux")) {
            return x64 ? Optional.of(LINUX_X64) : Optional.empty();
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return arm64 ? Optional.of(MACOS_ARM64) : x64 ? Optional.of(MACOS_X64) : Optional.empty();
        }
        if (os.startsWith("windows")) {
            return x64 ? Optional.of(WINDOWS_X64) : Optional.empty();
        }
        return Optional.empty();
    }
}
