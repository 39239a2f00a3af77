package io.github.localllm.backend.llamaserver;

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
 * A program run in a child JVM by {@link OrphanTest}: it loads the model on the managed engine,
 * prints its server's pid, then does what it is told: {@code return} from main, {@code throw}, or
 * {@code hang} until it is killed. It closes nothing, as a careless program would not.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** @param args what to do, the binary, the model, the engines directory */
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path dir = Path.of(args[3]);
        LocalLlmConfig config = LocalLlmConfig.load(Map.of("llamaserver.path", args[1], "llamaserver.engines.dir",
                dir.toString()), Map.of(), new ConfigEnvironment(Map.of(), Map.of(), dir, dir.resolve("none.json")));
        InferenceBackend backend = new LlamaServerBackendProvider().create(config);
        ModelInstance model = backend.load(new ModelLoadRequest(ModelRef.file(Path.of(args[2])),
                LoadOptions.builder().contextSize(256).threads(1).build()));
        System.out.println("server-pid=" + ((ManagedModel) model).server().orElseThrow().pid());
        System.out.flush();
        switch (mode) {
            case "return":
                return;
            case "throw":
                throw new IllegalStateException("the program failed");
            default:
                Thread.sleep(Long.MAX_VALUE);
        }
    }
}
