package io.github.localllm.backend.llamacpp;

import io.github.localllm.GenerationRequest;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.gguf.GgmlType;
import io.github.localllm.gguf.GgufFile;
import io.github.localllm.gguf.LoadSettings;
import io.github.localllm.gguf.MemoryEstimate;
import io.github.localllm.gguf.MemoryModel;
import io.github.localllm.gguf.SyntheticModel;
import io.github.localllm.spi.ModelLoadRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child-JVM side of {@link MemoryModelAccuracyTest}: loads synthetic models at several context
 * sizes, fills each context with one prompt so every buffer llama.cpp reserved is touched, and
 * prints one {@code ROW} line per load: model, context, estimated bytes, resident growth in bytes.
 * It runs in its own JVM, with a fixed pre-touched heap, because the binding never frees a closed
 * model and Java heap resizing would blur the measurement.
 */
public final class MemoryAccuracyProbe {
    private MemoryAccuracyProbe() {
    }

    /**
     * @param args a temporary directory, then parameter counts, then {@code --contexts} and context sizes
     * @throws IOException if the directory cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int split = java.util.Arrays.asList(args).indexOf("--contexts");
        LlamaCppBackend backend = new LlamaCppBackend();
        // The first load in a process also maps the native library and warms the JIT: pay that here.
        Path warm = dir.resolve("warm-up.gguf");
        SyntheticModel.tiny().toBuilder().name("warm-up").build().write(warm);
        try (ModelInstance m = backend.load(ModelLoadRequest.ofFile(warm, options(256)))) {
            m.generate(prompt(64));
        }
        for (int i = 1; i < split; i++) {
            long params = Long.parseLong(args[i]);
            String name = "accuracy-" + params / 1_000_000 + "M";
            Path file = dir.resolve(name + ".gguf");
            SyntheticModel.withParameterCount(params).tensorType(GgmlType.Q8_0).name(name).build().write(file);
            MemoryModel model = MemoryModel.of(GgufFile.read(file));
            for (int c = split + 1; c < args.length; c++) {
                int context = Integer.parseInt(args[c]);
                // As LlamaCppBackend loads: batch = ubatch = min(512, context).
                int batch = Math.min(LoadSettings.DEFAULT_BATCH, context);
                MemoryEstimate estimate = model.estimate(LoadSettings.builder(context).batchSize(batch)
                        .ubatchSize(batch).build());
                long before = residentBytes();
                ModelInstance m = backend.load(ModelLoadRequest.ofFile(file, options(context)));
                m.generate(prompt(context - 8));
                long grown = residentBytes() - before;
                m.close();
                System.out.println("ROW " + name + " " + context + " " + estimate.totalBytes() + " " + grown
                        + " " + estimate.describe());
            }
            Files.delete(file);
        }
        System.out.flush();
    }

    private static LoadOptions options(int context) {
        return LoadOptions.builder().contextSize(context).threads(1).build();
    }

    /** Digits have no merges in the synthetic vocabulary: n digits are n tokens. */
    private static GenerationRequest prompt(int tokens) {
        StringBuilder text = new StringBuilder(tokens);
        for (int i = 0; i < tokens; i++) {
            text.append((char) ('0' + i % 10));
        }
        return GenerationRequest.builder().prompt(text.toString()).raw(true).maxTokens(4).build();
    }

    static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
