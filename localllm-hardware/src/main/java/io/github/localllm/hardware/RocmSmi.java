package io.github.localllm.hardware;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * AMD GPUs from {@code rocm-smi --showmeminfo vram --showproductname --json}: an object with one
 * {@code cardN} object per GPU whose values are all strings, e.g. {@code "VRAM Total Memory (B)"},
 * {@code "VRAM Total Used Memory (B)"}, {@code "Card Series"}, {@code "GFX Version"}. Key capitalisation
 * changed between ROCm releases ({@code "Card series"} before 5.x), so keys are matched ignoring case.
 */
final class RocmSmi {
    static final String SOURCE = "rocm-smi";
    static final List<String> COMMAND = List.of("rocm-smi", "--showmeminfo", "vram", "--showproductname", "--json");
    private static final Pattern GFX = Pattern.compile("gfx[0-9a-f]+");

    private RocmSmi() {
    }

    /**
     * @param stdout rocm-smi's JSON
     * @return the GPUs, or an empty list with a reason when the output is not the expected JSON
     */
    static Result parse(String stdout) {
        JsonNode root;
        try {
            root = JsonTrees.parse(stdout.strip());
        } catch (IllegalArgumentException e) {
            return new Result(List.of(), SOURCE + " printed no valid JSON (" + e.getMessage() + ")");
        }
        if (!root.isObject()) {
            return new Result(List.of(), SOURCE + " printed JSON that is not an object of cards");
        }
        List<GpuInfo> gpus = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            if (entry.getKey().startsWith("card") && entry.getValue().isObject()) {
                gpus.add(gpu(entry.getKey(), entry.getValue()));
            }
        }
        return new Result(gpus, gpus.isEmpty() ? SOURCE + " listed no cards" : null);
    }

    /**
     * @param gpus the GPUs read
     * @param problem why none were read, or {@code null}
     */
    record Result(List<GpuInfo> gpus, String problem) {
    }

    private static GpuInfo gpu(String card, JsonNode values) {
        String totalText = value(values, "VRAM Total Memory (B)");
        String usedText = value(values, "VRAM Total Used Memory (B)");
        Long total = Readings.parseLong(totalText);
        Reading<Long> totalVram = total == null
                ? Reading.unknown(SOURCE + " " + card + " VRAM Total Memory was " + quoted(totalText))
                : Readings.positiveBytes(total, SOURCE + " VRAM Total Memory (B)", "VRAM");
        Long used = Readings.parseLong(usedText);
        Reading<Long> freeVram;
        if (used == null) {
            freeVram = Reading.unknown(SOURCE + " " + card + " VRAM Total Used Memory was " + quoted(usedText));
        } else if (!totalVram.isKnown()) {
            freeVram = Reading.unknown("free VRAM needs the total, which is unknown");
        } else if (used < 0 || used > totalVram.value()) {
            freeVram = Reading.unknown(SOURCE + " reported " + used + " bytes used of " + totalVram.value()
                    + ", which is impossible");
        } else {
            freeVram = Reading.of(totalVram.value() - used, SOURCE + " VRAM total minus used");
        }
        String gfxText = value(values, "GFX Version");
        String gfx = gfxText != null && GFX.matcher(gfxText.strip().toLowerCase(Locale.ROOT)).matches()
                ? gfxText.strip().toLowerCase(Locale.ROOT) : null;
        Reading<String> target = gfx != null ? Reading.of(gfx, SOURCE + " GFX Version")
                : Reading.unknown(SOURCE + " " + card + " GFX Version was " + quoted(gfxText));
        String name = firstNonBlank(value(values, "Card Series"), value(values, "Device Name"),
                value(values, "Card Model"), "AMD GPU " + card);
        return new GpuInfo(GpuVendor.AMD, name, totalVram, freeVram,
                Reading.unknown(SOURCE + " --showproductname does not report the driver version"), target,
                AmdGfx.integrated(gfx), false, AmdGfx.acceleration(gfx));
    }

    private static String value(JsonNode values, String key) {
        for (Map.Entry<String, JsonNode> e : values.properties()) {
            if (e.getKey().equalsIgnoreCase(key) && e.getValue().isString()) {
                return e.getValue().stringValue();
            }
        }
        return null;
    }

    private static String quoted(String text) {
        return text == null ? "missing" : Readings.quote(text);
    }

    private static String firstNonBlank(String... candidates) {
        for (String c : candidates) {
            if (c != null && !c.isBlank() && !c.equalsIgnoreCase("N/A")) {
                return c.strip();
            }
        }
        return candidates[candidates.length - 1];
    }
}
