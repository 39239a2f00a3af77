package io.github.localllm.hardware;

import io.github.localllm.gguf.GgmlType;
import io.github.localllm.gguf.GgufFile;
import io.github.localllm.gguf.GgufMetadata;
import io.github.localllm.gguf.GgufTensorInfo;
import io.github.localllm.gguf.GgufValue;
import io.github.localllm.gguf.MemoryModel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Hand-built machines and in-memory GGUF headers (no tensor data) for the planner's tests. */
final class PlannerFixtures {
    static final long GIB = 1L << 30;

    private PlannerFixtures() {
    }

    // ---- machines

    static HardwareProfile laptop8gbNoGpu() {
        return machine("amd64", cpu(Set.of(CpuFeature.AVX, CpuFeature.AVX2, CpuFeature.FMA, CpuFeature.F16C)),
                8 * GIB, 6 * GIB, List.of());
    }

    static HardwareProfile rtx4090Desktop() {
        return machine("amd64", cpu(Set.of(CpuFeature.AVX, CpuFeature.AVX2, CpuFeature.FMA)), 64 * GIB, 56 * GIB,
                List.of(nvidia("NVIDIA GeForce RTX 4090", 24 * GIB, 23 * GIB)));
    }

    static HardwareProfile twoRtx3090() {
        return machine("amd64", cpu(Set.of(CpuFeature.AVX, CpuFeature.AVX2)), 128 * GIB, 120 * GIB,
                List.of(nvidia("NVIDIA GeForce RTX 3090", 24 * GIB, 23 * GIB),
                        nvidia("NVIDIA GeForce RTX 3090", 24 * GIB, 23 * GIB)));
    }

    /** 64 GB Apple M2 Max: Metal lets the GPU wire about 75% of RAM. */
    static HardwareProfile appleM2Max64() {
        GpuInfo gpu = new GpuInfo(GpuVendor.APPLE, "Apple M2 Max", Reading.of(48 * GIB, "Metal recommendedMaxWorkingSetSize"),
                Reading.of(48 * GIB, "Metal recommendedMaxWorkingSetSize"), Reading.unknown("Metal has no driver version"),
                Reading.unknown("not applicable"), true, true, Acceleration.METAL);
        return machine("aarch64", new CpuInfo("Apple M2 Max", 12, 12, Set.of(CpuFeature.NEON)), 64 * GIB, 50 * GIB,
                List.of(gpu));
    }

    /**
     * The 2-core machine the engines' logs and speeds were recorded on: an Intel Xeon VM with AVX2 and
     * AVX-512 (the engines' x86 natives use AVX2), 24 GiB of RAM.
     */
    static HardwareProfile xeon2Cores() {
        return machine("amd64", new CpuInfo("Intel(R) Xeon(R) Processor", 2, 2, Set.of(CpuFeature.AVX, CpuFeature.AVX2,
                CpuFeature.FMA, CpuFeature.F16C, CpuFeature.AVX512F)), 24 * GIB, 22 * GIB, List.of());
    }

    static CpuInfo cpu(Set<CpuFeature> features) {
        return new CpuInfo("Test CPU", 8, 16, features);
    }

    static GpuInfo nvidia(String name, long total, long free) {
        return new GpuInfo(GpuVendor.NVIDIA, name, Reading.of(total, "nvidia-smi"), Reading.of(free, "nvidia-smi"),
                Reading.of("550.54", "nvidia-smi"), Reading.of("8.9", "nvidia-smi"), false, false, Acceleration.CUDA);
    }

    static HardwareProfile machine(String arch, CpuInfo cpu, Long total, Long available, List<GpuInfo> gpus) {
        MemoryInfo memory = new MemoryInfo(total == null ? Reading.unknown("test: unreadable") : Reading.of(total, "test"),
                available == null ? Reading.unknown("test: unreadable") : Reading.of(available, "test"));
        return new HardwareProfile("Linux", "6.8", arch, cpu, memory,
                new DiskInfo(Path.of("/models"), Reading.of(500 * GIB, "test")), gpus, Instant.EPOCH);
    }

    // ---- models

    /** Llama 3.2 1B's shape. */
    static MemoryModel llama1b(GgmlType type) {
        return llama("llama", 2048, 16, 32, 8, 8192, 128256, 131072, type);
    }

    /** Llama 3.1 8B's shape. */
    static MemoryModel llama8b(GgmlType type) {
        return llama("llama", 4096, 32, 32, 8, 14336, 128256, 131072, type);
    }

    /** Llama 3.1 70B's shape. */
    static MemoryModel llama70b(GgmlType type) {
        return llama("llama", 8192, 80, 64, 8, 28672, 128256, 131072, type);
    }

    static MemoryModel llama(String arch, int embd, int layers, int heads, int kvHeads, int ff, int vocab, int context,
                             GgmlType type) {
        return MemoryModel.of(header(arch, embd, layers, heads, kvHeads, ff, vocab, context, type));
    }

    static GgufFile header(String arch, int embd, int layers, int heads, int kvHeads, int ff, int vocab, int context,
                           GgmlType type) {
        Map<String, GgufValue> md = new LinkedHashMap<>();
        md.put("general.architecture", GgufValue.string(arch));
        md.put(arch + ".context_length", GgufValue.uint32(context));
        md.put(arch + ".embedding_length", GgufValue.uint32(embd));
        md.put(arch + ".block_count", GgufValue.uint32(layers));
        md.put(arch + ".feed_forward_length", GgufValue.uint32(ff));
        md.put(arch + ".attention.head_count", GgufValue.uint32(heads));
        md.put(arch + ".attention.head_count_kv", GgufValue.uint32(kvHeads));
        md.put(arch + ".vocab_size", GgufValue.uint32(vocab));
        long e = embd;
        long kv = e / heads * kvHeads;
        List<GgufTensorInfo> tensors = new ArrayList<>();
        long[] offset = {0};
        add(tensors, offset, "token_embd.weight", type, e, vocab);
        add(tensors, offset, "output_norm.weight", GgmlType.F32, e, 1);
        add(tensors, offset, "output.weight", type, e, vocab);
        for (int i = 0; i < layers; i++) {
            String p = "blk." + i + ".";
            add(tensors, offset, p + "attn_norm.weight", GgmlType.F32, e, 1);
            add(tensors, offset, p + "attn_q.weight", type, e, e);
            add(tensors, offset, p + "attn_k.weight", type, e, kv);
            add(tensors, offset, p + "attn_v.weight", type, e, kv);
            add(tensors, offset, p + "attn_output.weight", type, e, e);
            add(tensors, offset, p + "ffn_norm.weight", GgmlType.F32, e, 1);
            add(tensors, offset, p + "ffn_gate.weight", type, e, ff);
            add(tensors, offset, p + "ffn_down.weight", type, ff, e);
            add(tensors, offset, p + "ffn_up.weight", type, e, ff);
        }
        return new GgufFile(3, 32, 4096, 4096 + offset[0], GgufMetadata.of(md), tensors);
    }

    private static void add(List<GgufTensorInfo> tensors, long[] offset, String name, GgmlType type, long cols, long rows) {
        long bytes = type.byteSize(cols * rows);
        tensors.add(new GgufTensorInfo(name, rows == 1 ? List.of(cols) : List.of(cols, rows), type, offset[0],
                4096 + offset[0], bytes));
        offset[0] += bytes;
    }
}
