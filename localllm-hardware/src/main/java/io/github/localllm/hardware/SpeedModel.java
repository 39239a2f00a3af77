package io.github.localllm.hardware;

import io.github.localllm.gguf.GgmlType;
import io.github.localllm.gguf.MemoryEstimate;
import io.github.localllm.gguf.MemoryModel;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Predicts a plan's generation speed from compute and bandwidth both. Per token:
 * <ul>
 * <li><b>CPU arithmetic</b>: two operations per weight of every matrix on the CPU (the active share of a
 *     mixture of experts), each type at its kernels' rate times the threads ({@link CpuThroughput}), plus
 *     attention's two products over half the context;</li>
 * <li><b>CPU memory</b>: the weight bytes on the CPU and half the KV cache over the bandwidth the threads
 *     can stream ({@link CpuThroughput#hostBandwidth});</li>
 * <li><b>GPU</b>: the offloaded layers' bytes over each GPU's bandwidth at 80% of its published figure
 *     (a GPU's arithmetic is never the bound when generating).</li>
 * </ul>
 * The CPU part takes the slower of its two bounds; CPU and GPU layers run one after the other, so their
 * times add. A plan that runs on the CPU alone is then corrected by the nearest measurement recorded for
 * the same processor, threads, engine build and quantization ({@link SpeedCalibrations}): measured over
 * predicted, for the measured model, times this prediction.
 */
final class SpeedModel {
    private static final double GPU_EFFICIENCY = 0.8;

    private SpeedModel() {
    }

    static Optional<SpeedPrediction> predict(MemoryModel model, MemoryEstimate e, MemoryPools pools,
                                             HardwareProfile hw, InferenceEngine engine,
                                             SpeedCalibrations calibrations) {
        double perToken = model.weightBytesReadPerToken();
        // The embedding stays on the host but only one row of it is read per token.
        double embeddingUnread = model.tokenEmbeddingBytes() * (1.0 - 1.0 / model.vocabularySize());
        double hostWeights = Math.max(0, e.hostWeightBytes() - embeddingUnread);
        double scale = perToken / Math.max(1, hostWeights + e.deviceWeightBytes()); // below 1 for MoE models
        // Fully offloaded, the CPU only looks up the token's embedding row.
        double deviceShare = e.outputOffloaded() ? 1 : e.deviceWeightBytes() * scale / Math.max(1, perToken);
        double kv = e.kvCacheBytes() / 2.0;
        double deviceKvShare = e.kvCacheBytes() == 0 ? 0 : (double) e.deviceKvBytes() / e.kvCacheBytes();
        int threads = hw.cpu().generationThreads();
        BandwidthAssumption ram = BandwidthAssumption.systemRam();
        double hostBandwidth = CpuThroughput.hostBandwidth(threads, ram);

        double hostMemory = (perToken * (1 - deviceShare) + kv * (1 - deviceKvShare)) / hostBandwidth;
        double hostCompute = hostComputeSeconds(model, e, hw, engine, threads, 1 - deviceShare, 1 - deviceKvShare);
        double device = 0;
        StringBuilder basis = new StringBuilder();
        if (deviceShare > 0) {
            double deviceBytes = perToken * deviceShare + kv * deviceKvShare;
            double budget = pools.gpuBudget();
            for (MemoryPools.Gpu g : pools.gpus) {
                // Layers run one GPU after another, each over its share of the bytes.
                device += deviceBytes * g.budgetBytes() / budget / (g.bandwidth().bytesPerSecond() * GPU_EFFICIENCY);
                basis.append(g.bandwidth().basis()).append(", 80% of it reached; ");
            }
        }
        double computeBound = hostCompute + device;
        double bandwidthBound = hostMemory + device;
        double seconds = Math.max(hostCompute, hostMemory) + device;
        if (!(seconds > 0)) {
            return Optional.empty();
        }
        double estimated = 1 / seconds;
        if (deviceShare < 1) {
            basis.append(String.format(Locale.ROOT, "%d CPU threads: %.2f GFLOP per token at the %s kernels' rates"
                            + " (%.0f tok/s), %.0f MB read per token at %.1f GB/s (%.0f tok/s; %s)",
                    threads, model.flopsPerToken(e.settings().contextSize() / 2) * (1 - deviceShare) / 1e9,
                    engine.build(), 1 / hostCompute, (perToken + kv) * (1 - deviceShare) / 1e6, hostBandwidth / 1e9,
                    1 / hostMemory, ram.basis()));
        }
        Optional<SpeedSample> sample = Optional.empty();
        double tokensPerSecond = estimated;
        if (deviceShare == 0) {
            CalibrationKey key = CalibrationKey.of(hw.cpu(), threads, engine, model.weightFormat());
            sample = calibrations.nearest(key, model.totalWeightBytes());
            if (sample.isPresent()) {
                tokensPerSecond = estimated * sample.get().correction();
                basis.append(String.format(Locale.ROOT, "; calibrated on this machine: %.1f tok/s measured where"
                                + " %.1f was predicted (%s, %s)", sample.get().tokensPerSecond(),
                        sample.get().predictedTokensPerSecond(), sample.get().source(), sample.get().measuredAt()));
            } else {
                basis.append("; not calibrated on this machine (SpeedCalibrator measures it)");
            }
        }
        return Optional.of(new SpeedPrediction(tokensPerSecond, estimated,
                hostCompute > 0 ? 1 / computeBound : Double.POSITIVE_INFINITY, 1 / bandwidthBound, sample,
                basis.toString()));
    }

    private static double hostComputeSeconds(MemoryModel model, MemoryEstimate e, HardwareProfile hw,
                                             InferenceEngine engine, int threads, double hostShare,
                                             double hostKvShare) {
        if (hostShare <= 0) {
            return 0;
        }
        Set<CpuFeature> features = hw.cpu().features();
        boolean x86 = isX86(hw.architecture());
        Set<String> names = features.stream().map(f -> f.name().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        double seconds = 0;
        for (Map.Entry<GgmlType, Long> w : model.matrixWeightsByType().entrySet()) {
            boolean repacked = CpuThroughput.repacked(w.getKey(), engine.build(), names);
            seconds += 2.0 * w.getValue() * hostShare
                    / (threads * CpuThroughput.flopsPerThread(w.getKey(), repacked, features, x86));
        }
        double attention = model.flopsPerToken(e.settings().contextSize() / 2) - model.flopsPerToken(0);
        seconds += attention * hostKvShare / (threads * CpuThroughput.flopsPerThread(GgmlType.F16, false, features, x86));
        return seconds;
    }

    static boolean isX86(String architecture) {
        String arch = architecture.toLowerCase(Locale.ROOT);
        return arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x86");
    }
}
