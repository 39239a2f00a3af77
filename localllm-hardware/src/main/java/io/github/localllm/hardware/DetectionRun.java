package io.github.localllm.hardware;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One detection pass. Every source may be missing, hang or print nonsense; each part falls back or
 * becomes an explicit unknown, so {@link #profile()} never throws.
 */
final class DetectionRun {
    private static final Logger LOG = LoggerFactory.getLogger(DetectionRun.class);

    private final Settings settings;
    private final OsFamily os;
    private Map<String, String> sysctl;
    private List<SystemProbe.GraphicsCard> cards;

    /**
     * What a detector was built with.
     *
     * @param runner runs external tools
     * @param root where /proc and /sys are
     * @param osName the OS name
     * @param arch the architecture
     * @param probe OSHI, or a replacement; created on first use because OSHI's start-up is not free
     * @param modelDirectory where models are kept
     * @param timeout the limit per external tool
     */
    record Settings(CommandRunner runner, Path root, String osName, String arch, Supplier<SystemProbe> probe,
                    Path modelDirectory, Duration timeout) {
    }

    DetectionRun(Settings settings) {
        this.settings = settings;
        this.os = OsFamily.of(settings.osName());
    }

    HardwareProfile profile() {
        MemoryInfo memory = guard(this::memory, e -> new MemoryInfo(Reading.unknown(e), Reading.unknown(e)));
        CpuInfo cpu = guard(this::cpu, this::fallbackCpu);
        DiskInfo disk = guard(this::disk, e -> new DiskInfo(settings.modelDirectory(), Reading.unknown(e)));
        List<GpuInfo> gpus = guard(() -> new GpuDetection(this).gpus(memory), e -> List.of());
        String version = guard(() -> probe().osVersion(), e -> System.getProperty("os.version", "unknown"));
        return new HardwareProfile(settings.osName(), version, settings.arch(), cpu, memory, disk, gpus,
                Instant.now());
    }

    Settings settings() {
        return settings;
    }

    OsFamily os() {
        return os;
    }

    SystemProbe probe() {
        return settings.probe().get();
    }

    CommandResult run(List<String> command) {
        try {
            return settings.runner().run(command, settings.timeout());
        } catch (RuntimeException e) {
            LOG.debug("running {} failed", command.get(0), e);
            return new CommandResult.NotFound(command, "the command runner failed: " + e);
        }
    }

    /** @return macOS sysctl values, read once per pass; empty when sysctl gave nothing */
    Map<String, String> sysctl() {
        if (sysctl == null) {
            CommandResult result = run(MacSysctl.COMMAND);
            sysctl = result instanceof CommandResult.Completed c ? MacSysctl.parse(c.stdout()) : Map.of();
            if (sysctl.isEmpty()) {
                LOG.debug("sysctl gave nothing: {}", result.describe());
            }
        }
        return sysctl;
    }

    /** @return the OS's display adapters, listed once per pass; empty when OSHI cannot list them */
    List<SystemProbe.GraphicsCard> graphicsCards() {
        if (cards == null) {
            cards = guard(() -> List.copyOf(probe().graphicsCards()), e -> List.of());
        }
        return cards;
    }

    /** @return the text of a file under the file-system root, or {@code null} */
    String readFile(String relative) {
        try {
            return Files.readString(settings.root().resolve(relative), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private CpuInfo cpu() {
        return switch (os) {
            case LINUX -> linuxCpu();
            case MACOS -> macCpu();
            default -> probeCpu(os == OsFamily.WINDOWS
                    ? CpuFeatures.fromWindowsFlags(safeFlags(), OsFamily.isX86(settings.arch()))
                    : CpuFeatures.fromLinuxFlags(words(safeFlags())),
                    os == OsFamily.WINDOWS ? "OSHI (Windows IsProcessorFeaturePresent; FMA/F16C inferred from AVX2)"
                            : "OSHI");
        };
    }

    private CpuInfo linuxCpu() {
        String text = readFile("proc/cpuinfo");
        if (text == null) {
            return probeCpu(CpuFeatures.fromLinuxFlags(words(safeFlags())), "OSHI (/proc/cpuinfo unreadable)");
        }
        LinuxCpuInfo parsed = LinuxCpuInfo.parse(text);
        String name = parsed.name() != null ? parsed.name() : guard(() -> probe().cpuName(), e -> "unknown CPU");
        int logical = parsed.logicalCores();
        // AArch64 kernels print no core ids and ARM server/desktop cores have no SMT: one core per processor.
        int physical = parsed.physicalCores() > 0 ? parsed.physicalCores()
                : OsFamily.isArm64(settings.arch()) ? logical : guard(() -> probe().physicalCores(), e -> 0);
        Set<CpuFeature> features = parsed.flagsFound() ? parsed.features() : Set.of();
        String source = parsed.flagsFound() ? "/proc/cpuinfo" : "/proc/cpuinfo (no flags line: features unknown)";
        return sane(name, physical, logical, features, source);
    }

    private CpuInfo macCpu() {
        Map<String, String> values = sysctl();
        if (values.isEmpty()) {
            return probeCpu(Set.of(), "OSHI (sysctl unavailable: features unknown)");
        }
        String name = values.getOrDefault("machdep.cpu.brand_string", guard(() -> probe().cpuName(), e -> "unknown CPU"));
        Long physical = Readings.parseLong(values.get("hw.physicalcpu"));
        Long logical = Readings.parseLong(values.get("hw.logicalcpu"));
        return sane(name, physical == null ? 0 : physical.intValue(), logical == null ? 0 : logical.intValue(),
                CpuFeatures.fromSysctl(values), "sysctl hw.physicalcpu, hw.logicalcpu, hw.optional");
    }

    private CpuInfo probeCpu(Set<CpuFeature> features, String source) {
        SystemProbe probe = probe();
        return sane(probe.cpuName(), probe.physicalCores(), probe.logicalCores(), features, source);
    }

    /** Refuses absurd core counts: they become the nearest possible value, and the source says so. */
    private CpuInfo sane(String name, int physical, int logical, Set<CpuFeature> features, String source) {
        List<String> notes = new ArrayList<>();
        if (logical < 1) {
            int jvm = Runtime.getRuntime().availableProcessors();
            notes.add(logical + " logical processors reported; using the JVM's count " + jvm);
            logical = jvm;
        }
        if (physical < 1) {
            notes.add(physical + " physical cores reported, which is impossible; counted as 1");
            physical = 1;
        }
        if (physical > logical) {
            notes.add(physical + " physical cores but " + logical + " logical reported; logical raised to match");
            logical = physical;
        }
        if (!notes.isEmpty()) {
            LOG.warn("CPU core counts corrected: {}", notes);
        }
        String fullSource = notes.isEmpty() ? source : source + "; " + String.join("; ", notes);
        int available = availableProcessors();
        if (available < logical) {
            fullSource += "; this JVM may use " + available + " of the " + logical + " processors";
        }
        return new CpuInfo(name == null || name.isBlank() ? "unknown CPU" : name.strip(), physical, logical,
                available, features, fullSource);
    }

    /** The container's or affinity mask's limit, as the probe (the JVM, or a recording) sees it. */
    private int availableProcessors() {
        int available = guard(() -> probe().availableProcessors(), e -> 0);
        return available >= 1 ? available : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    private CpuInfo fallbackCpu(String why) {
        int jvm = Math.max(1, Runtime.getRuntime().availableProcessors());
        return new CpuInfo("unknown CPU", 1, jvm, jvm, Set.of(),
                "no source answered (" + why + "); logical count from the JVM, physical counted as 1, features unknown");
    }

    /**
     * The snapshot with what changes while a program runs read again: available RAM, the share of it
     * a unified-memory GPU may take, and free disk. The CPU, the totals and discrete GPUs (whose free
     * memory needs their tools run again) stay as they were.
     */
    HardwareProfile renewed(HardwareProfile snapshot) {
        Reading<Long> total = snapshot.memory().totalBytes();
        MemoryInfo memory = new MemoryInfo(total, guard(() -> availableMemory(total), Reading::unknown));
        List<GpuInfo> gpus = snapshot.gpus().stream()
                .map(g -> g.vendor() == GpuVendor.APPLE && g.unifiedMemory()
                        ? AppleGpu.withAvailable(g, memory.availableBytes()) : g)
                .toList();
        DiskInfo disk = guard(this::disk, e -> new DiskInfo(settings.modelDirectory(), Reading.unknown(e)));
        return new HardwareProfile(snapshot.osName(), snapshot.osVersion(), snapshot.architecture(), snapshot.cpu(),
                memory, disk, gpus, Instant.now());
    }

    private MemoryInfo memory() {
        Reading<Long> total = totalMemory();
        return new MemoryInfo(total, guard(() -> availableMemory(total), Reading::unknown));
    }

    private Reading<Long> totalMemory() {
        if (os == OsFamily.LINUX) {
            String text = readFile("proc/meminfo");
            if (text != null) {
                return meminfo(text, "MemTotal");
            }
        }
        if (os == OsFamily.MACOS && sysctl().containsKey("hw.memsize")) {
            Long bytes = Readings.parseLong(sysctl().get("hw.memsize"));
            return bytes == null ? Reading.unknown("sysctl hw.memsize was " + Readings.quote(sysctl().get("hw.memsize")))
                    : Readings.positiveBytes(bytes, "sysctl hw.memsize", "RAM");
        }
        return guard(() -> Readings.positiveBytes(probe().totalMemoryBytes(), "OSHI", "RAM"), Reading::unknown);
    }

    /** Read fresh at each call: this is the figure that changes from one minute to the next. */
    private Reading<Long> availableMemory(Reading<Long> total) {
        if (os == OsFamily.LINUX) {
            String text = readFile("proc/meminfo");
            if (text != null) {
                Reading<Long> available = meminfo(text, "MemAvailable");
                if (available.isKnown() && total.isKnown() && available.value() > total.value()) {
                    return Reading.unknown("/proc/meminfo MemAvailable exceeds MemTotal");
                }
                return available;
            }
        }
        return Readings.freeBytes(probe().availableMemoryBytes(), total, "OSHI", "RAM");
    }

    private static Reading<Long> meminfo(String text, String key) {
        for (String line : text.split("\\R")) {
            if (line.startsWith(key + ":")) {
                String[] parts = line.substring(key.length() + 1).strip().split("\\s+");
                Long kib = Readings.parseLong(parts[0]);
                if (kib == null || parts.length != 2 || !parts[1].equals("kB") || kib > Long.MAX_VALUE / 1024) {
                    return Reading.unknown("/proc/meminfo " + key + " was " + Readings.quote(line));
                }
                return Readings.positiveBytes(kib * 1024, "/proc/meminfo " + key, "RAM");
            }
        }
        return Reading.unknown("/proc/meminfo has no " + key + " line");
    }

    private DiskInfo disk() {
        Path dir = settings.modelDirectory().toAbsolutePath().normalize();
        Path existing = dir;
        while (existing != null && !Files.isDirectory(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return new DiskInfo(dir, Reading.unknown("no parent of " + dir + " exists"));
        }
        try {
            long usable = Files.getFileStore(existing).getUsableSpace();
            String source = existing.equals(dir) ? "file store of " + dir
                    : "file store of " + existing + ", the nearest existing parent";
            return new DiskInfo(existing, usable < 0 ? Reading.unknown("the file store reported " + usable + " bytes")
                    : Reading.of(usable, source));
        } catch (IOException e) {
            return new DiskInfo(existing, Reading.unknown("the file store of " + existing + " is unreadable: " + e));
        }
    }

    private List<String> safeFlags() {
        return guard(() -> probe().cpuFeatureFlags(), e -> List.of());
    }

    private static List<String> words(List<String> flagLines) {
        return flagLines.stream().flatMap(l -> Arrays.stream(l.split("[\\s:]+"))).toList();
    }

    /** Runs one part; a failure becomes the fallback, built from the failure's description. */
    static <T> T guard(Supplier<T> part, java.util.function.Function<String, T> fallback) {
        try {
            return part.get();
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("hardware detection part failed", e);
            return fallback.apply("detection failed: " + e);
        }
    }
}
