package io.github.localllm.hardware;

import java.util.Locale;
import java.util.Set;

/** What an AMD gfx target (the ISA name ROCm uses, e.g. {@code gfx1100}) says about the GPU. */
final class AmdGfx {
    /**
     * Targets on ROCm's Linux support matrix (Instinct and the Radeon generations AMD lists, ROCm 6.x):
     * llama.cpp's HIP backend runs on these. Others (older Radeons, most APUs) use Vulkan instead.
     */
    private static final Set<String> ROCM_SUPPORTED = Set.of("gfx906", "gfx908", "gfx90a", "gfx940", "gfx941",
            "gfx942", "gfx950", "gfx1030", "gfx1100", "gfx1101", "gfx1102", "gfx1151", "gfx1200", "gfx1201");
    /** APU graphics (Raven, Renoir/Cezanne, Rembrandt, Raphael, Phoenix, Strix, Strix Halo). */
    private static final Set<String> INTEGRATED = Set.of("gfx902", "gfx909", "gfx90c", "gfx1033", "gfx1035",
            "gfx1036", "gfx1037", "gfx1103", "gfx1150", "gfx1151", "gfx1152");

    private AmdGfx() {
    }

    /**
     * @param target a gfx target
     * @return whether ROCm supports it
     */
    static boolean rocmSupported(String target) {
        return target != null && ROCM_SUPPORTED.contains(target.toLowerCase(Locale.ROOT));
    }

    /**
     * @param target a gfx target
     * @return whether it is APU graphics sharing system memory
     */
    static boolean integrated(String target) {
        return target != null && INTEGRATED.contains(target.toLowerCase(Locale.ROOT));
    }

    /**
     * @param target a gfx target, or {@code null}
     * @return ROCm for supported targets, else Vulkan (which every amdgpu GPU supports)
     */
    static Acceleration acceleration(String target) {
        return rocmSupported(target) ? Acceleration.ROCM : Acceleration.VULKAN;
    }
}
