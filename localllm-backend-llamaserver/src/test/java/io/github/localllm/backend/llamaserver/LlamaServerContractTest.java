package io.github.localllm.backend.llamaserver;

import io.github.localllm.LoadOptions;
import io.github.localllm.ModelRef;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.testkit.contract.EngineContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The engine contract on the managed llama-server: the real binary b10470 started by the engine for
 * the stories260K model, decoding greedily on one slot, so that the same request always gets the
 * same answer (parallel requests take turns). The checks share one loaded model, hence one server;
 * those that load their own start their own. A real server cannot be told to stall, so the
 * stalled-timeout check is skipped. Skipped without the binary or the model, failed under
 * {@code CI=true}.
 */
@ExtendWith(NoOrphans.class)
class LlamaServerContractTest extends EngineContract {
    private final Path dir = tempDir();

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("llamaserver-contract");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected InferenceBackend createBackend() {
        return TestEngines.backend(dir);
    }

    @Override
    protected ModelRef modelRef() {
        return ModelRef.file(TestEngines.model());
    }

    @Override
    protected LoadOptions loadOptions() {
        return LoadOptions.builder().contextSize(512).threads(2)
                .engineOptions(LlamaServerOptions.builder().parallel(1).build()).build();
    }

    @Override
    protected void afterEngineClosed() {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory
        }
    }
}
