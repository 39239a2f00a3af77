package io.github.localllm.backend.llamaserver;

import io.github.localllm.GenerationRequest;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelRef;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.ModelLoadRequest;
import java.nio.file.Path;
import java.util.Map;

/**
 * Run in a child JVM by {@link SwapMemoryTest}: loads, uses and closes the given model files in turn on
 * the managed engine, as an application that swaps models does. After the engine is made and after each
 * close it prints {@code STEP <label> <JVM resident bytes> <servers' resident bytes>}; while a model is
 * loaded, after its generation, {@code LOADED <label> <JVM> <servers>}; and after each close
 * {@code TIME <label> <load ms> <generation ms> <close ms>}. The servers counted are every
 * live {@code llama-server} below this JVM.
 */
public final class SwapProbe {
    private SwapProbe() {
    }

    /** @param args the binary, the engines directory, then the model files */
    public static void main(String[] args) {
        Path dir = Path.of(args[1]);
        LocalLlmConfig config = LocalLlmConfig.load(Map.of("llamaserver.path", args[0], "llamaserver.engines.dir",
                dir.toString()), Map.of(), new ConfigEnvironment(Map.of(), Map.of(), dir, dir.resolve("none.json")));
        InferenceBackend backend = new LlamaServerBackendProvider().create(config);
        step("STEP", "start");
        for (int i = 2; i < args.length; i++) {
            String label = "model-" + (i - 2);
            long t0 = System.nanoTime();
            long t1;
            long t2;
            try (ModelInstance model = backend.load(new ModelLoadRequest(ModelRef.file(Path.of(args[i])),
                    LoadOptions.builder().contextSize(256).threads(1).build()))) {
                t1 = System.nanoTime();
                // Every weight is read once: the mapped file is then resident, as in real use. One thread: on a
                // busy CI machine two spinning threads wait for each other at every step of the graph.
                model.generate(GenerationRequest.builder().prompt("Hello there").raw(true).maxTokens(4).build());
                t2 = System.nanoTime();
                step("LOADED", label);
            }
            long t3 = System.nanoTime();
            step("STEP", "closed-" + label);
            System.out.println("TIME " + label + " " + (t1 - t0) / 1_000_000 + " " + (t2 - t1) / 1_000_000 + " "
                    + (t3 - t2) / 1_000_000);
        }
        backend.close();
    }

    private static void step(String kind, String label) {
        long servers = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> c.endsWith("llama-server")).orElse(false))
                .mapToLong(h -> Math.max(0, ResidentMemory.of(h.pid()))).sum();
        System.out.println(kind + " " + label + " " + ResidentMemory.of(ProcessHandle.current().pid()) + " " + servers);
        System.out.flush();
    }
}
