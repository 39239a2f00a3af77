package io.github.localllm.backend.llamacpp;

import io.github.localllm.GenerationRequest;
import io.github.localllm.LanguageModel;
import io.github.localllm.LoadOptions;
import io.github.localllm.LocalLlm;
import io.github.localllm.ModelInstance;
import io.github.localllm.SamplingParameters;
import io.github.localllm.spi.ModelLoadRequest;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link JvmExitTest}: uses the engine, then ends {@code main} one way or
 * another, never with {@code System.exit}. The JVM must then end by itself, as any Java program does.
 */
public final class ExitProbe {
    /** Long enough that a JVM which does not wait for the thread ends before it prints. */
    private static final long WORKER_DELAY_MILLIS = 1500;

    private ExitProbe() {
    }

    /**
     * @param args the model file; {@code engine} (closed after use) or {@code facade} (never closed);
     *        {@code returns}, {@code throws} (a ContextOverflowException out of main) or {@code worker}
     *        (main returns while a non-daemon thread of the program still works)
     */
    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        boolean facade = args[1].equals("facade");
        String ending = args[2];
        LanguageModel model;
        ModelInstance instance = null;
        if (facade) {
            // Not closed: users forget.
            model = LocalLlm.builder().model(file).contextSize(128).threads(1).build();
        } else {
            instance = new LlamaCppBackend().load(ModelLoadRequest.ofFile(file,
                    LoadOptions.builder().contextSize(128).threads(1).build()));
            model = instance;
        }
        System.out.println("generated " + model.generate(request("Hello", 4)).usage().completionTokens() + " tokens");
        switch (ending) {
            case "returns" -> {
                if (instance != null) {
                    instance.close();
                }
            }
            case "throws" -> model.generate(request("word ".repeat(200), 4));
            case "worker" -> {
                Thread worker = new Thread(() -> {
                    try {
                        Thread.sleep(WORKER_DELAY_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    System.out.println("worker generated " + model.generate(request("Later", 3)).usage()
                            .completionTokens() + " tokens");
                    System.out.println("worker done");
                }, "user-worker");
                worker.start();
            }
            default -> throw new IllegalArgumentException("unknown ending " + ending);
        }
        System.out.println("main returns");
    }

    private static GenerationRequest request(String prompt, int tokens) {
        return GenerationRequest.builder().prompt(prompt).raw(true).sampling(SamplingParameters.greedy())
                .maxTokens(tokens).build();
    }
}
