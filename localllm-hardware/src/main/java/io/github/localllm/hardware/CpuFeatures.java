package io.github.localllm.hardware;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Maps each OS's way of naming instruction-set extensions to {@link CpuFeature}. */
final class CpuFeatures {
    private CpuFeatures() {
    }

    /**
     * @param flags the words of a /proc/cpuinfo {@code flags} (x86) or {@code Features} (ARM) line
     * @return the features llama.cpp cares about
     */
    static Set<CpuFeature> fromLinuxFlags(Collection<String> flags) {
        Set<CpuFeature> features = EnumSet.noneOf(CpuFeature.class);
        for (String flag : flags) {
            switch (flag.toLowerCase(Locale.ROOT)) {
                case "avx" -> features.add(CpuFeature.AVX);
                case "avx2" -> features.add(CpuFeature.AVX2);
                case "avx512f" -> features.add(CpuFeature.AVX512F);
                case "fma" -> features.add(CpuFeature.FMA);
                case "f16c" -> features.add(CpuFeature.F16C);
                // The Linux kernel calls AArch64 Advanced SIMD (NEON) "asimd"; 32-bit ARM says "neon".
                case "asimd", "neon" -> features.add(CpuFeature.NEON);
                case "asimddp" -> features.add(CpuFeature.DOTPROD);
                case "i8mm" -> features.add(CpuFeature.I8MM);
                case "sve" -> features.add(CpuFeature.SVE);
                default -> {
                    // Other extensions do not change which llama.cpp kernels run.
                }
            }
        }
        return features;
    }

    /**
     * @param sysctl macOS {@code sysctl} values by name
     * @return the features the {@code hw.optional.*} keys report as present
     */
    static Set<CpuFeature> fromSysctl(Map<String, String> sysctl) {
        Set<CpuFeature> features = EnumSet.noneOf(CpuFeature.class);
        // Apple renamed keys across macOS releases (hw.optional.neon -> hw.optional.arm.AdvSIMD), so each
        // feature accepts every spelling a shipped release uses.
        addIfSet(sysctl, features, CpuFeature.NEON, "hw.optional.neon", "hw.optional.AdvSIMD", "hw.optional.arm.AdvSIMD");
        addIfSet(sysctl, features, CpuFeature.SVE, "hw.optional.arm.FEAT_SVE", "hw.optional.arm.FEAT_SVE2");
        addIfSet(sysctl, features, CpuFeature.DOTPROD, "hw.optional.arm.FEAT_DotProd");
        addIfSet(sysctl, features, CpuFeature.I8MM, "hw.optional.arm.FEAT_I8MM");
        addIfSet(sysctl, features, CpuFeature.AVX, "hw.optional.avx1_0");
        addIfSet(sysctl, features, CpuFeature.AVX2, "hw.optional.avx2_0");
        addIfSet(sysctl, features, CpuFeature.AVX512F, "hw.optional.avx512f");
        addIfSet(sysctl, features, CpuFeature.FMA, "hw.optional.fma");
        addIfSet(sysctl, features, CpuFeature.F16C, "hw.optional.f16c");
        return features;
    }

    /**
     * @param flags OSHI's Windows feature flags, names of {@code IsProcessorFeaturePresent} constants
     * @param x86 whether the CPU is x86
     * @return the features, and whether FMA/F16C were inferred from AVX2
     */
    static Set<CpuFeature> fromWindowsFlags(Collection<String> flags, boolean x86) {
        Set<CpuFeature> features = EnumSet.noneOf(CpuFeature.class);
        for (String flag : flags) {
            String upper = flag.toUpperCase(Locale.ROOT);
            if (upper.contains("PF_AVX_INSTRUCTIONS_AVAILABLE")) {
                features.add(CpuFeature.AVX);
            } else if (upper.contains("PF_AVX2_INSTRUCTIONS_AVAILABLE")) {
                features.add(CpuFeature.AVX2);
            } else if (upper.contains("PF_AVX512F_INSTRUCTIONS_AVAILABLE")) {
                features.add(CpuFeature.AVX512F);
            } else if (upper.contains("PF_ARM_NEON_INSTRUCTIONS_AVAILABLE")) {
                features.add(CpuFeature.NEON);
            } else if (upper.contains("PF_ARM_V82_DP_INSTRUCTIONS_AVAILABLE")) {
                features.add(CpuFeature.DOTPROD);
            } else if (upper.contains("PF_ARM_SVE_INSTRUCTIONS_AVAILABLE")) {
                features.add(CpuFeature.SVE);
            }
        }
        // Windows has no feature constant for FMA3 or F16C. Every x86 design with AVX2 (Intel since
        // Haswell, AMD since Excavator) also has both, so they are inferred, and the source says so.
        if (x86 && features.contains(CpuFeature.AVX2)) {
            features.add(CpuFeature.FMA);
            features.add(CpuFeature.F16C);
        }
        return features;
    }

    private static void addIfSet(Map<String, String> sysctl, Set<CpuFeature> features, CpuFeature feature,
                                 String... keys) {
        for (String key : keys) {
            String value = sysctl.get(key);
            if (value != null && value.strip().equals("1")) {
                features.add(feature);
                return;
            }
        }
    }
}
