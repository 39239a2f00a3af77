package io.github.localllm.hardware;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds every GPU, preferring each vendor's own tool over OSHI, whose VRAM figure is wrong on common
 * hardware. Acceleration choices: CUDA for NVIDIA; ROCm for AMD GPUs on ROCm's support list, else
 * Vulkan; Metal for Apple Silicon; Vulkan for Intel (Arc and integrated) because SYCL needs the oneAPI
 * runtime, which cannot be confirmed without loading it; none for GPUs of Intel Macs, whose llama.cpp
 * builds have Metal off.
 */
final class GpuDetection {
    private static final Logger LOG = LoggerFactory.getLogger(GpuDetection.class);

    private final DetectionRun run;

    GpuDetection(DetectionRun run) {
        this.run = run;
    }

    List<GpuInfo> gpus(MemoryInfo memory) {
        List<GpuInfo> gpus = new ArrayList<>();
        switch (run.os()) {
            case LINUX -> {
                gpus.addAll(nvidia());
                gpus.addAll(amdLinux());
                gpus.addAll(otherVendorsFromOshi());
            }
            case WINDOWS -> {
                List<GpuInfo> nvidia = nvidia();
                List<GpuInfo> registry = DetectionRun.guard(this::windowsRegistry, e -> List.of());
                gpus.addAll(nvidia);
                // nvidia-smi knows more (free memory, compute capability) than the registry about the same cards.
                registry.stream().filter(g -> nvidia.isEmpty() || g.vendor() != GpuVendor.NVIDIA).forEach(gpus::add);
            }
            case MACOS -> gpus.addAll(mac(memory));
            default -> gpus.addAll(otherVendorsFromOshi());
        }
        return gpus;
    }

    private List<GpuInfo> nvidia() {
        CommandResult result = run.run(NvidiaSmi.command(true));
        boolean withCc = true;
        if (result instanceof CommandResult.Completed c && !c.succeeded()
                && (c.stdout() + c.stderr()).contains("not a valid field")) {
            // Drivers before 510 reject the compute_cap field and with it the whole query.
            withCc = false;
            result = run.run(NvidiaSmi.command(false));
        }
        if (result instanceof CommandResult.Completed c && c.succeeded()) {
            return NvidiaSmi.parse(c.stdout(), withCc);
        }
        LOG.debug("no NVIDIA GPUs: {}{}", result.describe(), detail(result));
        return List.of();
    }

    private List<GpuInfo> amdLinux() {
        CommandResult result = run.run(RocmSmi.COMMAND);
        if (result instanceof CommandResult.Completed c && c.succeeded()) {
            RocmSmi.Result parsed = RocmSmi.parse(c.stdout());
            if (!parsed.gpus().isEmpty()) {
                return parsed.gpus();
            }
            LOG.info("rocm-smi output unusable ({}); reading amdgpu sysfs instead", parsed.problem());
        } else {
            LOG.debug("rocm-smi: {}{}; reading amdgpu sysfs", result.describe(), detail(result));
        }
        if (!java.nio.file.Files.isDirectory(run.settings().root().resolve("sys/class/drm"))) {
            return List.of();
        }
        return AmdSysfs.read(run.settings().root(), amdCardsForNames());
    }

    private List<SystemProbe.GraphicsCard> amdCardsForNames() {
        // OSHI is only asked when sysfs actually lists an AMD card: listing adapters can take a second.
        return hasAmdCard() ? run.graphicsCards() : List.of();
    }

    private boolean hasAmdCard() {
        java.nio.file.Path drm = run.settings().root().resolve("sys/class/drm");
        try (var entries = java.nio.file.Files.list(drm)) {
            return entries.anyMatch(p -> "0x1002".equalsIgnoreCase(AmdSysfs.readLine(p.resolve("device/vendor"))));
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    private List<GpuInfo> windowsRegistry() {
        CommandResult result = run.run(WindowsRegistry.COMMAND);
        if (result instanceof CommandResult.Completed c && c.succeeded()) {
            return WindowsRegistry.parse(c.stdout());
        }
        LOG.info("display adapters unreadable from the registry: {}", result.describe());
        return List.of();
    }

    private List<GpuInfo> mac(MemoryInfo memory) {
        if (OsFamily.isArm64(run.settings().arch())) {
            CommandResult wired = run.run(MacSysctl.WIRED_LIMIT_COMMAND);
            String limit = wired instanceof CommandResult.Completed c
                    ? MacSysctl.parse(c.stdout()).get("iogpu.wired_limit_mb") : null;
            return List.of(AppleGpu.gpu(AppleGpu.chip(run.sysctl()), memory.totalBytes(), memory.availableBytes(),
                    limit));
        }
        List<GpuInfo> gpus = new ArrayList<>();
        for (SystemProbe.GraphicsCard card : run.graphicsCards()) {
            // On macOS OSHI reads system_profiler, which reports the real VRAM of Intel Macs' GPUs.
            GpuVendor vendor = vendor(card);
            gpus.add(new GpuInfo(vendor, name(card), Readings.positiveBytes(card.vramBytes(),
                    "OSHI (system_profiler)", "VRAM"),
                    Reading.unknown("macOS does not report free VRAM"), driver(card),
                    Reading.unknown("no compute capability on macOS"), vendor == GpuVendor.INTEL, false,
                    Acceleration.NONE));
        }
        return gpus;
    }

    /** Linux (and unknown OSes): GPUs no vendor tool covers, typically Intel, named by OSHI. */
    private List<GpuInfo> otherVendorsFromOshi() {
        List<GpuInfo> gpus = new ArrayList<>();
        for (SystemProbe.GraphicsCard card : run.graphicsCards()) {
            GpuVendor vendor = vendor(card);
            // NVIDIA and AMD come from their tools or sysfs; an NVIDIA card nvidia-smi cannot see has no
            // working driver, so it cannot accelerate anything.
            if (vendor == GpuVendor.NVIDIA || vendor == GpuVendor.AMD) {
                continue;
            }
            // Virtual machines' display stubs show up with neither a name nor a vendor: nothing to run on.
            if (vendor == GpuVendor.OTHER && unnamed(card)) {
                continue;
            }
            boolean integrated = vendor != GpuVendor.INTEL || IntelGpu.integrated(name(card));
            String why = "no vendor tool reports this GPU's memory; OSHI's figure (" + card.vramBytes()
                    + " bytes) is the PCI BAR window on many systems, not the VRAM";
            gpus.add(new GpuInfo(vendor, name(card), Reading.unknown(why), Reading.unknown(why), driver(card),
                    Reading.unknown("only NVIDIA and AMD GPUs report a compute capability"), integrated, false,
                    vendor == GpuVendor.OTHER ? Acceleration.NONE : Acceleration.VULKAN));
        }
        return gpus;
    }

    private static GpuVendor vendor(SystemProbe.GraphicsCard card) {
        String text = (card.vendor() + " " + card.name()).toLowerCase(Locale.ROOT);
        if (text.contains("nvidia") || text.contains("0x10de")) {
            return GpuVendor.NVIDIA;
        }
        if (text.contains("advanced micro devices") || text.contains("amd") || text.contains("ati ")
                || text.contains("0x1002") || text.contains("radeon")) {
            return GpuVendor.AMD;
        }
        if (text.contains("intel") || text.contains("0x8086")) {
            return GpuVendor.INTEL;
        }
        return text.contains("apple") ? GpuVendor.APPLE : GpuVendor.OTHER;
    }

    private static boolean unnamed(SystemProbe.GraphicsCard card) {
        return card.name() == null || card.name().isBlank() || card.name().strip().equalsIgnoreCase("unknown");
    }

    private static String name(SystemProbe.GraphicsCard card) {
        return card.name() == null || card.name().isBlank() ? "unnamed GPU" : card.name().strip();
    }

    private static Reading<String> driver(SystemProbe.GraphicsCard card) {
        String v = card.versionInfo();
        return v == null || v.isBlank() || v.equalsIgnoreCase("unknown")
                ? Reading.unknown("OSHI reports no driver version") : Reading.of(v.strip(), "OSHI");
    }

    private static String detail(CommandResult result) {
        if (result instanceof CommandResult.Completed c) {
            String text = (c.stderr() + " " + c.stdout()).strip();
            return text.isEmpty() ? "" : ": " + Readings.quote(text);
        }
        return "";
    }
}
