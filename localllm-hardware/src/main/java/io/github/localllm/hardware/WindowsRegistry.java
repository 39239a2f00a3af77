package io.github.localllm.hardware;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Windows display adapters from the registry. WMI's {@code AdapterRAM} (and so OSHI) is a 32-bit
 * value capped at 4 GiB; the display driver writes the real size as the 64-bit
 * {@code HardwareInformation.qwMemorySize} under the adapter's key in the display class
 * {@code {4d36e968-e325-11ce-bfc1-08002be10318}}. {@code reg query KEY /s} prints each subkey's path
 * on its own line, then one {@code "    Name    REG_TYPE    value"} line per value.
 */
final class WindowsRegistry {
    static final String SOURCE = "Windows registry HardwareInformation.qwMemorySize";
    static final String DISPLAY_CLASS_KEY =
            "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Class\\{4d36e968-e325-11ce-bfc1-08002be10318}";
    static final List<String> COMMAND = List.of("reg", "query", DISPLAY_CLASS_KEY, "/s");
    private static final Pattern VALUE = Pattern.compile("^\\s+(.+?)\\s+(REG_[A-Z_]+)\\s*(.*)$");
    private static final Pattern ADAPTER_KEY = Pattern.compile(".*\\\\\\d{4}$");
    private static final Pattern PCI_VENDOR = Pattern.compile("VEN_([0-9A-F]{4})");
    /** WMI's 32-bit figure saturates here; a 32-bit size this large is the cap, not the memory. */
    private static final long DWORD_CAP = 0xFFF00000L;

    private WindowsRegistry() {
    }

    /**
     * @param stdout output of {@link #COMMAND}
     * @return one GPU per adapter key (0000, 0001, ...), Microsoft's software adapters left out
     */
    static List<GpuInfo> parse(String stdout) {
        Map<String, Map<String, String[]>> keys = new LinkedHashMap<>();
        Map<String, String[]> current = null;
        for (String line : stdout.split("\\R")) {
            if (line.startsWith("HKEY_")) {
                current = ADAPTER_KEY.matcher(line.strip()).matches()
                        ? keys.computeIfAbsent(line.strip(), k -> new LinkedHashMap<>()) : null;
                continue;
            }
            Matcher m = VALUE.matcher(line);
            if (current != null && m.matches()) {
                current.put(m.group(1), new String[] {m.group(2), m.group(3).strip()});
            }
        }
        List<GpuInfo> gpus = new ArrayList<>();
        for (Map.Entry<String, Map<String, String[]>> key : keys.entrySet()) {
            Map<String, String[]> values = key.getValue();
            String name = text(values, "DriverDesc");
            if (name == null) {
                continue;
            }
            GpuVendor vendor = vendor(text(values, "MatchingDeviceId"), text(values, "ProviderName"), name);
            if (vendor == null) {
                continue;
            }
            gpus.add(gpu(vendor, name, values));
        }
        return gpus;
    }

    private static GpuInfo gpu(GpuVendor vendor, String name, Map<String, String[]> values) {
        Reading<Long> total = memory(values);
        String driver = text(values, "DriverVersion");
        boolean integrated = integrated(vendor, name);
        Acceleration acceleration = vendor == GpuVendor.NVIDIA ? Acceleration.CUDA : Acceleration.VULKAN;
        return new GpuInfo(vendor, name, total,
                Reading.unknown("the Windows registry records the size only; free VRAM needs the vendor's tool"),
                driver == null ? Reading.unknown("no DriverVersion in the registry")
                        : Reading.of(driver, "Windows registry DriverVersion"),
                Reading.unknown("the Windows registry does not record a compute capability"),
                integrated, false, acceleration);
    }

    private static Reading<Long> memory(Map<String, String[]> values) {
        String[] qw = values.get("HardwareInformation.qwMemorySize");
        if (qw != null) {
            Long bytes = number(qw[0], qw[1]);
            return bytes == null
                    ? Reading.unknown("HardwareInformation.qwMemorySize was " + Readings.quote(qw[1]) + " of type " + qw[0])
                    : Readings.positiveBytes(bytes, SOURCE, "VRAM");
        }
        String[] dw = values.get("HardwareInformation.MemorySize");
        Long bytes = dw == null ? null : number(dw[0], dw[1]);
        if (bytes != null && bytes > 0 && bytes < DWORD_CAP) {
            return Reading.of(bytes, "Windows registry HardwareInformation.MemorySize (32-bit, exact below 4 GiB)");
        }
        return Reading.unknown(bytes == null ? "the driver recorded no HardwareInformation.qwMemorySize"
                : "only the 32-bit HardwareInformation.MemorySize (" + bytes + "), which is capped at 4 GiB");
    }

    private static Long number(String type, String value) {
        try {
            if (type.equals("REG_QWORD") || type.equals("REG_DWORD")) {
                return Long.parseUnsignedLong(value.toLowerCase(Locale.ROOT).replace("0x", ""), 16);
            }
            if (type.equals("REG_BINARY")) {
                // Little-endian bytes, as some drivers store the size.
                String hex = value.replaceAll("\\s+", "");
                if (hex.isEmpty() || hex.length() > 16 || hex.length() % 2 != 0) {
                    return null;
                }
                long result = 0;
                for (int i = hex.length() - 2; i >= 0; i -= 2) {
                    result = (result << 8) | Integer.parseInt(hex.substring(i, i + 2), 16);
                }
                return result;
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    private static GpuVendor vendor(String deviceId, String provider, String name) {
        if (deviceId != null) {
            Matcher m = PCI_VENDOR.matcher(deviceId.toUpperCase(Locale.ROOT));
            if (m.find()) {
                return switch (m.group(1)) {
                    case "10DE" -> GpuVendor.NVIDIA;
                    case "1002", "1022" -> GpuVendor.AMD;
                    case "8086" -> GpuVendor.INTEL;
                    // Microsoft Basic Display / Remote Display adapters render in software.
                    case "1414" -> null;
                    default -> GpuVendor.OTHER;
                };
            }
        }
        String text = ((provider == null ? "" : provider) + " " + name).toLowerCase(Locale.ROOT);
        if (text.contains("microsoft")) {
            return null;
        }
        if (text.contains("nvidia")) {
            return GpuVendor.NVIDIA;
        }
        if (text.contains("amd") || text.contains("radeon") || text.contains("advanced micro devices")) {
            return GpuVendor.AMD;
        }
        return text.contains("intel") ? GpuVendor.INTEL : GpuVendor.OTHER;
    }

    private static boolean integrated(GpuVendor vendor, String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return switch (vendor) {
            case INTEL -> IntelGpu.integrated(name);
            // "AMD Radeon(TM) Graphics" and "Radeon 780M" are APU graphics; discrete cards carry RX/PRO/Instinct.
            case AMD -> lower.matches(".*radeon\\(tm\\) graphics.*") || lower.matches(".*radeon \\d{3}m.*");
            default -> false;
        };
    }

    private static String text(Map<String, String[]> values, String name) {
        String[] v = values.get(name);
        return v == null || v[1].isBlank() ? null : v[1];
    }
}
