package io.github.localllm.hardware;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sees the machine: CPU, RAM, disk at the model directory, and every GPU with memory figures corrected
 * per vendor (nvidia-smi, rocm-smi or amdgpu sysfs, Apple's unified-memory budget, the Windows registry),
 * each value carrying its source. OSHI is the cross-platform base.
 *
 * <p>External tools run with a hard time limit (2 s by default) and may be missing; neither is an
 * error. What no source can tell is an explicit unknown {@link Reading}; {@link #detect()} never throws.
 *
 * <p>The first {@link #detect()} takes the snapshot and later calls return it; {@link #current()} returns
 * it with free memory and disk read again, for a plan made now; {@link #refresh()} takes a new one. All
 * are thread-safe.
 */
public final class HardwareDetector {
    private static final Logger LOG = LoggerFactory.getLogger(HardwareDetector.class);

    private final DetectionRun.Settings settings;
    private final Object lock = new Object();
    private volatile HardwareProfile cached;

    private HardwareDetector(DetectionRun.Settings settings) {
        this.settings = settings;
    }

    /** @return a detector for this machine, keeping models in {@link Builder#DEFAULT_MODEL_DIRECTORY} */
    public static HardwareDetector create() {
        return builder().build();
    }

    /** @return a builder; every part defaults to this machine */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the snapshot, taken on the first call */
    public HardwareProfile detect() {
        HardwareProfile profile = cached;
        if (profile != null) {
            return profile;
        }
        synchronized (lock) {
            if (cached == null) {
                cached = detectNow();
            }
            return cached;
        }
    }

    /**
     * The snapshot with the figures that change while a program runs read now: available RAM (and
     * the share of it a unified-memory GPU such as Apple's may take) and free disk at the model
     * directory. What does not change (CPU, totals, which GPUs) comes from the snapshot, so this
     * costs a file read or two, not a detection. Free memory of discrete GPUs needs their tools run
     * again and stays as {@link #refresh()} last read it.
     *
     * @return a profile for planning now; the snapshot {@link #detect()} returns is not changed
     */
    public HardwareProfile current() {
        HardwareProfile snapshot = cached;
        if (snapshot == null) {
            // Detected just now: already current.
            return detect();
        }
        return new DetectionRun(settings).renewed(snapshot);
    }

    /** @return a new snapshot, which later {@link #detect()} calls return */
    public HardwareProfile refresh() {
        synchronized (lock) {
            cached = detectNow();
            return cached;
        }
    }

    private HardwareProfile detectNow() {
        long start = System.nanoTime();
        HardwareProfile profile = new DetectionRun(settings).profile();
        LOG.debug("hardware detected in {} ms: {} GPU(s), CPU {}", (System.nanoTime() - start) / 1_000_000,
                profile.gpus().size(), profile.cpu().name());
        return profile;
    }

    /** Builds a {@link HardwareDetector}; tests replace the tools, the file system and OSHI with recordings. */
    public static final class Builder {
        /** {@code ~/.localllm/models}, used when no model directory is given. */
        public static final Path DEFAULT_MODEL_DIRECTORY =
                Path.of(System.getProperty("user.home", "."), ".localllm", "models");

        private CommandRunner runner = CommandRunner.processes();
        private Path root = Path.of("/");
        private String osName = System.getProperty("os.name", "unknown");
        private String arch = System.getProperty("os.arch", "unknown");
        private Supplier<SystemProbe> probe;
        private Path modelDirectory = DEFAULT_MODEL_DIRECTORY;
        private Duration timeout = CommandRunner.DEFAULT_TIMEOUT;

        private Builder() {
        }

        /**
         * @param runner runs nvidia-smi, rocm-smi, sysctl and reg
         * @return this builder
         */
        public Builder commandRunner(CommandRunner runner) {
            this.runner = Objects.requireNonNull(runner, "runner");
            return this;
        }

        /**
         * @param root the directory holding {@code proc/} and {@code sys/} ({@code /} by default)
         * @return this builder
         */
        public Builder fileSystemRoot(Path root) {
            this.root = Objects.requireNonNull(root, "root");
            return this;
        }

        /**
         * @param osName an {@code os.name} value, e.g. {@code Linux}, {@code Mac OS X}, {@code Windows 11}
         * @return this builder
         */
        public Builder osName(String osName) {
            this.osName = Objects.requireNonNull(osName, "osName");
            return this;
        }

        /**
         * @param arch an {@code os.arch} value, e.g. {@code amd64}, {@code aarch64}
         * @return this builder
         */
        public Builder architecture(String arch) {
            this.arch = Objects.requireNonNull(arch, "arch");
            return this;
        }

        /**
         * @param probe replaces OSHI
         * @return this builder
         */
        public Builder systemProbe(SystemProbe probe) {
            Objects.requireNonNull(probe, "probe");
            this.probe = () -> probe;
            return this;
        }

        /**
         * @param modelDirectory where models are kept; need not exist yet (its nearest existing parent is measured)
         * @return this builder
         */
        public Builder modelDirectory(Path modelDirectory) {
            this.modelDirectory = Objects.requireNonNull(modelDirectory, "modelDirectory");
            return this;
        }

        /**
         * @param timeout how long each external tool may run before it is killed
         * @return this builder
         */
        public Builder commandTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the tool time limit must be positive: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** @return the detector; nothing is detected until {@link HardwareDetector#detect()} */
        public HardwareDetector build() {
            Supplier<SystemProbe> chosen = probe != null ? probe : lazyOshi();
            return new HardwareDetector(new DetectionRun.Settings(runner, root, osName, arch, chosen,
                    modelDirectory, timeout));
        }

        private static Supplier<SystemProbe> lazyOshi() {
            return new Supplier<>() {
                private SystemProbe instance;

                @Override
                public synchronized SystemProbe get() {
                    if (instance == null) {
                        instance = SystemProbe.oshi();
                    }
                    return instance;
                }
            };
        }
    }
}
