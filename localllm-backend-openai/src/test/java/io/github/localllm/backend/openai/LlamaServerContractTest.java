package io.github.localllm.backend.openai;

import io.github.localllm.ModelRef;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.testkit.contract.EngineContract;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * The engine contract against the real {@code llama-server} b10470 and the stories260K model,
 * decoding greedily on one slot, so that the same request always gets the same answer (parallel
 * requests take turns). A real server cannot be told to stall, so the stalled-timeout check is
 * skipped; the model answers fast enough that a stream closed after its first chunk is still
 * running. Skipped, or failed under {@code CI=true}, like {@link LlamaServerTest}.
 */
class LlamaServerContractTest extends EngineContract {
    private LlamaServerProcess server;

    @BeforeAll
    void startServer() throws Exception {
        StringBuilder why = new StringBuilder();
        Path binary = LlamaServerProcess.binary(why);
        Path model = LlamaServerProcess.model(why);
        if (binary == null || model == null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("no real llama-server to test against: " + why + " (CI=true: it must run)");
            }
            Assumptions.abort("no real llama-server to test against: " + why);
        }
        server = LlamaServerProcess.start(binary, model, "-c", "512", "-t", "2", "-tb", "2", "-np", "1", "--jinja");
    }

    @Override
    protected InferenceBackend createBackend() {
        return OpenAiBackend.builder(server.openAiBase()).build();
    }

    @Override
    protected ModelRef modelRef() {
        return ModelRef.name("stories260K-f16");
    }

    @Override
    protected void afterEngineClosed() {
        if (server != null) {
            server.close();
        }
    }
}
