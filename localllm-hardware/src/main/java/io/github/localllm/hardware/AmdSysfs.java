package io.github.localllm.hardware;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * AMD GPUs from the amdgpu driver's sysfs files, for machines without ROCm: each
 * {@code /sys/class/drm/cardN/device} with {@code vendor} {@code 0x1002} has {@code mem_info_vram_total}
 * and {@code mem_info_vram_used} in bytes (the files rocm-smi itself reads; kernel 4.20+).
 */
final class AmdSysfs {
    static final String SOURCE = "sysfs mem_info_vram_total";
    private static final String AMD_VENDOR = "0x1002";
    /** An APU's carve-out is at most 512 MiB by default; no amdgpu discrete card has under 1 GiB. */
    private static final long INTEGRATED_BELOW = 1L << 30;

    private AmdSysfs() {
    }

    /**
     * @param root the file-system root ({@code /} in production, a recorded tree in tests)
     * @param cards OSHI's adapters, to name a GPU by its PCI device id
     * @return the AMD GPUs amdgpu exposes; empty when there are none or sysfs is unreadable
     */
    static List<GpuInfo> read(Path root, List<SystemProbe.GraphicsCard> cards) {
        Path drm = root.resolve("sys/class/drm");
        if (!Files.isDirectory(drm)) {
            return List.of();
        }
        List<GpuInfo> gpus = new ArrayList<>();
        try (Stream<Path> entries = Files.list(drm)) {
            // cardN only: cardN-DP-1 and the like are connectors of the same GPU.
            for (Path card : entries.filter(p -> p.getFileName().toString().matches("card\\d+")).sorted().toList()) {
                Path device = card.resolve("device");
                if (AMD_VENDOR.equalsIgnoreCase(readLine(device.resolve("vendor")))) {
                    gpus.add(gpu(card.getFileName().toString(), device, cards));
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return gpus;
    }

    private static GpuInfo gpu(String card, Path device, List<SystemProbe.GraphicsCard> cards) {
        String totalText = readLine(device.resolve("mem_info_vram_total"));
        Long total = Readings.parseLong(totalText);
        Reading<Long> totalVram = total == null
                ? Reading.unknown(card + " mem_info_vram_total was " + (totalText == null ? "missing (kernel before 4.20?)"
                        : Readings.quote(totalText)))
                : Readings.positiveBytes(total, SOURCE, "VRAM");
        String usedText = readLine(device.resolve("mem_info_vram_used"));
        Long used = Readings.parseLong(usedText);
        Reading<Long> freeVram;
        if (used == null) {
            freeVram = Reading.unknown(card + " mem_info_vram_used was "
                    + (usedText == null ? "missing" : Readings.quote(usedText)));
        } else if (!totalVram.isKnown()) {
            freeVram = Reading.unknown("free VRAM needs the total, which is unknown");
        } else if (used < 0 || used > totalVram.value()) {
            freeVram = Reading.unknown("sysfs reported " + used + " bytes used of " + totalVram.value()
                    + ", which is impossible");
        } else {
            freeVram = Reading.of(totalVram.value() - used, "sysfs mem_info_vram_total minus mem_info_vram_used");
        }
        String deviceId = readLine(device.resolve("device"));
        boolean integrated = totalVram.isKnown() && totalVram.value() < INTEGRATED_BELOW;
        return new GpuInfo(GpuVendor.AMD, name(deviceId, cards), totalVram, freeVram,
                Reading.unknown("sysfs does not report the amdgpu driver version"),
                Reading.unknown("sysfs does not name the gfx target; install ROCm (rocm-smi) to learn it"),
                integrated, false, Acceleration.VULKAN);
    }

    private static String name(String deviceId, List<SystemProbe.GraphicsCard> cards) {
        if (deviceId != null) {
            for (SystemProbe.GraphicsCard c : cards) {
                if (c.deviceId() != null && c.deviceId().toLowerCase(Locale.ROOT).endsWith(
                        deviceId.toLowerCase(Locale.ROOT).replace("0x", "")) && c.name() != null) {
                    return c.name();
                }
            }
            return "AMD GPU [1002:" + deviceId.toLowerCase(Locale.ROOT).replace("0x", "") + "]";
        }
        return "AMD GPU";
    }

    static String readLine(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
