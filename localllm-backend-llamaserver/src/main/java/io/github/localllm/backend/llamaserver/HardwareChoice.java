package io.github.localllm.backend.llamaserver;

import io.github.localllm.hardware.Acceleration;
import io.github.localllm.hardware.GpuInfo;
import io.github.localllm.hardware.HardwareProfile;
import java.util.Optional;

/**
 * The platform and accelerator of a {@code llama-server} build for a machine, read from the
 * hardware module's {@link HardwareProfile}: CUDA for an NVIDIA GPU, Metal on Apple Silicon,
 * Vulkan for AMD and Intel GPUs, the CPU otherwise.
 *
 * <pre>{@code
 * HardwareProfile machine = HardwareDetector.create().detect();
 * Path server = installer.install(HardwareChoice.platform(machine).orElseThrow(), HardwareChoice.accelerator(machine));
 * }</pre>
 *
 * <p>This is the only class of the engine that needs {@code localllm-hardware}, which the engine
 * depends on optionally: without it on the class or module path, use
 * {@link LlamaServerInstaller#plan(Platform, Accelerator)} with values of your own.
 */
public final class HardwareChoice {
    private HardwareChoice() {
    }

    /** @return the machine's platform, if llama.cpp publishes builds for it */
    public static Optional<Platform> platform(HardwareProfile machine) {
        return Platform.of(machine.osName(), machine.architecture());
    }

    /**
     * @return the best accelerator among the machine's GPUs that can accelerate llama.cpp, or
     *     {@link Accelerator#CPU} when there is none
     */
    public static Accelerator accelerator(HardwareProfile machine) {
        Accelerator best = Accelerator.CPU;
        for (GpuInfo gpu : machine.gpus()) {
            Accelerator a = of(gpu);
            if (rank(a) > rank(best)) {
                best = a;
            }
        }
        return best;
    }

    private static Accelerator of(GpuInfo gpu) {
        if (gpu.acceleration() == Acceleration.NONE) {
            return Accelerator.CPU;
        }
        return switch (gpu.vendor()) {
            case NVIDIA -> Accelerator.CUDA;
            case APPLE -> Accelerator.METAL;
            // ROCm and SYCL builds are not among the ones the SDK installs; Vulkan runs those GPUs too.
            case AMD, INTEL, OTHER -> Accelerator.VULKAN;
        };
    }

    private static int rank(Accelerator a) {
        return switch (a) {
            case CUDA, METAL -> 2;
            case VULKAN -> 1;
            case CPU -> 0;
        };
    }
}
