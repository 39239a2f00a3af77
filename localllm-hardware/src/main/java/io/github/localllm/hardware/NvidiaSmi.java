package io.github.localllm.hardware;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * NVIDIA GPUs from {@code nvidia-smi --query-gpu}. With {@code --format=csv,noheader,nounits} each GPU
 * is one line of comma-separated fields in the order queried, memory in MiB; a field the driver cannot
 * answer prints as {@code [N/A]} or {@code [Not Supported]}. {@code compute_cap} exists since driver 510;
 * older drivers reject the whole query, so detection retries without it.
 */
final class NvidiaSmi {
    static final String SOURCE = "nvidia-smi";
    static final List<String> FIELDS = List.of("index", "name", "memory.total", "memory.free", "driver_version",
            "compute_cap", "pci.bus_id");
    private static final Pattern COMPUTE_CAPABILITY = Pattern.compile("\\d+\\.\\d+");

    private NvidiaSmi() {
    }

    /**
     * @param withComputeCapability whether to ask for {@code compute_cap}
     * @return the command line
     */
    static List<String> command(boolean withComputeCapability) {
        List<String> fields = withComputeCapability ? FIELDS
                : FIELDS.stream().filter(f -> !f.equals("compute_cap")).toList();
        return List.of("nvidia-smi", "--query-gpu=" + String.join(",", fields),
                "--format=csv,noheader,nounits");
    }

    /**
     * @param stdout nvidia-smi's output for {@link #command(boolean)}
     * @param withComputeCapability whether the command asked for {@code compute_cap}
     * @return one GPU per non-blank line; a line that cannot be read still yields a GPU, with its
     *         values unknown and the reason, because nvidia-smi answering at all means a GPU is there
     */
    static List<GpuInfo> parse(String stdout, boolean withComputeCapability) {
        List<GpuInfo> gpus = new ArrayList<>();
        int expected = withComputeCapability ? FIELDS.size() : FIELDS.size() - 1;
        for (String line : stdout.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != expected) {
                gpus.add(unreadable(line, "has " + f.length + " fields, expected " + expected));
                continue;
            }
            for (int i = 0; i < f.length; i++) {
                f[i] = f[i].strip();
            }
            String name = answered(f[1]) ? f[1] : "NVIDIA GPU " + f[0];
            gpus.add(gpu(name, f[2], f[3], f[4], withComputeCapability ? f[5] : null));
        }
        return gpus;
    }

    private static GpuInfo gpu(String name, String totalText, String freeText, String driverText, String ccText) {
        Long total = Readings.mibToBytes(totalText);
        Reading<Long> totalVram = total == null
                ? Reading.unknown(SOURCE + " memory.total was " + Readings.quote(totalText) + ", not a number of MiB")
                : Readings.positiveBytes(total, SOURCE + " memory.total", "VRAM");
        Long free = Readings.mibToBytes(freeText);
        Reading<Long> freeVram = free == null
                ? Reading.unknown(SOURCE + " memory.free was " + Readings.quote(freeText) + ", not a number of MiB")
                : Readings.freeBytes(free, totalVram, SOURCE + " memory.free", "VRAM");
        Reading<String> driver = answered(driverText) ? Reading.of(driverText, SOURCE + " driver_version")
                : Reading.unknown(SOURCE + " driver_version was " + Readings.quote(driverText));
        Reading<String> cc;
        if (ccText == null) {
            cc = Reading.unknown("this driver's nvidia-smi has no compute_cap field (added in driver 510)");
        } else if (COMPUTE_CAPABILITY.matcher(ccText).matches()) {
            cc = Reading.of(ccText, SOURCE + " compute_cap");
        } else {
            cc = Reading.unknown(SOURCE + " compute_cap was " + Readings.quote(ccText) + ", not major.minor");
        }
        // NVIDIA's integrated parts (Jetson, GB10) do not ship nvidia-smi's desktop query, so every GPU
        // listed here is a discrete CUDA device with its own memory.
        return new GpuInfo(GpuVendor.NVIDIA, name, totalVram, freeVram, driver, cc, false, false, Acceleration.CUDA);
    }

    private static GpuInfo unreadable(String line, String why) {
        String reason = SOURCE + " printed " + Readings.quote(line) + ", which " + why;
        return new GpuInfo(GpuVendor.NVIDIA, "NVIDIA GPU (unreadable nvidia-smi output)", Reading.unknown(reason),
                Reading.unknown(reason), Reading.unknown(reason), Reading.unknown(reason), false, false,
                Acceleration.CUDA);
    }

    private static boolean answered(String field) {
        return !field.isEmpty() && !field.startsWith("[");
    }
}
