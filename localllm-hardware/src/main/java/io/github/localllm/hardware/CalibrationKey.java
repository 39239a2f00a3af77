package io.github.localllm.hardware;

import java.util.Locale;
import java.util.Objects;

/**
 * What a measured generation speed is valid for: the same processor model running the same number of
 * threads, the same engine and llama.cpp build, and weights of the same quantization (each type has its
 * own kernels, and a build repacks some of them).
 *
 * @param cpu the processor's model name, as {@link CpuInfo#name()} reports it
 * @param threads generation threads
 * @param engine the engine's id, e.g. {@code llamaserver}
 * @param build the llama.cpp build number of the engine
 * @param quantization the weights' quantization as people name it, upper case, e.g. {@code Q4_K_M}
 */
public record CalibrationKey(String cpu, int threads, String engine, int build, String quantization) {

    /** Checks the parts and upper-cases the quantization. */
    public CalibrationKey {
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(quantization, "quantization");
        if (cpu.isBlank() || engine.isBlank() || quantization.isBlank()) {
            throw new IllegalArgumentException("a calibration key needs a processor, an engine and a quantization");
        }
        if (threads < 1 || build < 1) {
            throw new IllegalArgumentException("threads and build must be positive, got " + threads + " and " + build);
        }
        cpu = cpu.strip();
        quantization = quantization.strip().toUpperCase(Locale.ROOT);
    }

    /**
     * @param cpu the processor
     * @param threads generation threads
     * @param engine the engine
     * @param quantization the weights' quantization
     * @return the key
     */
    public static CalibrationKey of(CpuInfo cpu, int threads, InferenceEngine engine, String quantization) {
        return new CalibrationKey(cpu.name(), threads, engine.id(), engine.build().number(), quantization);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s, %d threads, %s b%d, %s", cpu, threads, engine, build, quantization);
    }
}
