package io.github.localllm.backend.llamacpp;

import io.github.localllm.GenerationRequest;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.gguf.GgmlType;
import io.github.localllm.gguf.SyntheticModel;
import io.github.localllm.spi.ModelLoadRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM by {@link SwapMemoryTest}: loads, uses and closes distinct models in turn, as an
 * application that swaps models does, then the first one again. After each step it prints a line
 * {@code STEP <label> <resident bytes> <retained bytes>}: resident from {@code /proc/self/status},
 * retained as {@link LlamaCppBackend#retainedBytes()} reports it.
 */
public final class SwapProbe {
    private SwapProbe() {
    }

    /**
     * @param args a directory for the model files, how many distinct models, their parameter count
     * @throws IOException if the files cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        long parameters = Long.parseLong(args[2]);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path file = dir.resolve("swap-" + i + ".gguf");
            // Distinct seeds: distinct files of the same shape, so every footprint is the same.
            SyntheticModel.withParameterCount(parameters).tensorType(GgmlType.Q8_0).name("swap-" + i).seed(i + 1)
                    .build().write(file);
            files.add(file);
        }
        LlamaCppBackend backend = new LlamaCppBackend();
        step("start", backend);
        for (int i = 0; i < count; i++) {
            use(backend, files.get(i));
            step("closed-" + i, backend);
        }
        try (ModelInstance again = backend.load(ModelLoadRequest.ofFile(files.get(0), options()))) {
            again.generate(prompt());
            step("reloaded-0", backend);
        }
        step("closed-again-0", backend);
    }

    private static void use(LlamaCppBackend backend, Path file) {
        try (ModelInstance model = backend.load(ModelLoadRequest.ofFile(file, options()))) {
            // Every weight is read once: the mapped file is then resident, as in real use.
            model.generate(prompt());
        }
    }

    private static LoadOptions options() {
        return LoadOptions.builder().contextSize(256).threads(1).build();
    }

    private static GenerationRequest prompt() {
        return GenerationRequest.builder().prompt("Hello there").raw(true).maxTokens(4).build();
    }

    private static void step(String label, LlamaCppBackend backend) throws IOException {
        System.out.println("STEP " + label + " " + MemoryAccuracyProbe.residentBytes() + " " + backend.retainedBytes());
    }
}
