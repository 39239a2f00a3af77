package io.github.localllm.gguf;

import java.util.Locale;
import java.util.Objects;

/**
 * What one llama.cpp load needs, split by kind and by where it lives: the host (system RAM) or the
 * GPUs together. {@link MemoryModel#estimate} computes it; each term is explained there.
 *
 * @param settings the settings estimated for
 * @param offloadedLayers repeating layers on GPUs
 * @param outputOffloaded whether the output layer is on a GPU too
 * @param hostWeightBytes weights in RAM (mapped from the file)
 * @param deviceWeightBytes weights copied to GPUs
 * @param hostRepackBytes copies of CPU-resident matrices the build repacks for its kernels
 *        ({@code CPU_REPACK} model buffer), beside the mapped weights
 * @param hostKvBytes K and V caches of the layers on the CPU
 * @param deviceKvBytes K and V caches of the offloaded layers
 * @param hostComputeBytes the part of the CPU compute (graph) buffer that becomes resident while
 *        generating, what RAM must hold
 * @param hostComputeReserveBytes the CPU compute buffer as llama.cpp reserves and logs it; at least
 *        {@code hostComputeBytes} (the rest is virtual memory generation never touches)
 * @param deviceComputeBytes the compute buffer each GPU in use commits (llama.cpp reserves one per device)
 * @param outputBufferBytes logits and embeddings copied out of the graph, in RAM
 * @param overheadBytes fixed runtime memory per load: tokenizer tables, scheduler, threads, allocator slack
 */
public record MemoryEstimate(LoadSettings settings, int offloadedLayers, boolean outputOffloaded,
                             long hostWeightBytes, long deviceWeightBytes, long hostRepackBytes, long hostKvBytes,
                             long deviceKvBytes, long hostComputeBytes, long hostComputeReserveBytes,
                             long deviceComputeBytes, long outputBufferBytes, long overheadBytes) {

    /** Rejects negative sizes. */
    public MemoryEstimate {
        Objects.requireNonNull(settings, "settings");
        if (hostWeightBytes < 0 || deviceWeightBytes < 0 || hostRepackBytes < 0 || hostKvBytes < 0 || deviceKvBytes < 0
                || hostComputeBytes < 0 || deviceComputeBytes < 0 || outputBufferBytes < 0 || overheadBytes < 0) {
            throw new IllegalArgumentException("memory terms cannot be negative");
        }
        if (hostComputeReserveBytes < hostComputeBytes) {
            throw new IllegalArgumentException("the reserved compute buffer (" + hostComputeReserveBytes
                    + " bytes) cannot be smaller than its resident part (" + hostComputeBytes + ")");
        }
    }

    /** @return what system RAM must hold */
    public long hostBytes() {
        return hostWeightBytes + hostRepackBytes + hostKvBytes + hostComputeBytes + outputBufferBytes + overheadBytes;
    }

    /** @return what the GPUs must hold together */
    public long deviceBytes() {
        return deviceWeightBytes + deviceKvBytes + deviceComputeBytes;
    }

    /** @return host and device together */
    public long totalBytes() {
        return hostBytes() + deviceBytes();
    }

    /** @return all weights as stored in the file, without the repacked copies */
    public long weightBytes() {
        return hostWeightBytes + deviceWeightBytes;
    }

    /** @return all K and V caches */
    public long kvCacheBytes() {
        return hostKvBytes + deviceKvBytes;
    }

    /** @return all compute buffers */
    public long computeBytes() {
        return hostComputeBytes + deviceComputeBytes;
    }

    /** @return a one-line breakdown in MiB, for logs and explanations */
    public String describe() {
        String repacked = hostRepackBytes == 0 ? "" : " + repacked weights " + mib(hostRepackBytes);
        return String.format(Locale.ROOT, "weights %s%s + KV cache %s + compute %s + output %s + overhead %s = %s"
                        + " (RAM %s, GPU %s)", mib(weightBytes()), repacked, mib(kvCacheBytes()), mib(computeBytes()),
                mib(outputBufferBytes), mib(overheadBytes), mib(totalBytes()), mib(hostBytes()), mib(deviceBytes()));
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
