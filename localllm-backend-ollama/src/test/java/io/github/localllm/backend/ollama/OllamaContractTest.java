package io.github.localllm.backend.ollama;

import io.github.localllm.ModelRef;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.FakeOllama;
import io.github.localllm.testkit.Fault;
import io.github.localllm.testkit.ScriptedAnswer;
import io.github.localllm.testkit.contract.EngineContract;
import java.time.Duration;

/**
 * The engine contract against the testkit's fake Ollama: an embedding-capable chat model would not
 * be faithful (Ollama lists chat models without {@code embedding}), so the embedding checks run the
 * refusal, and the fake's script makes answers deterministic.
 */
class OllamaContractTest extends EngineContract {
    private final FakeOllama server = FakeOllama.builder()
            .model(FakeModel.builder("llama3.2").capabilities("completion").build())
            .answer(ScriptedAnswer.builder().pieces("The", " sky", " is", " blue", " because", " of", " Rayleigh",
                    " scattering", ".").build())
            .start();

    @Override
    protected InferenceBackend createBackend() {
        return Engines.engine(server);
    }

    @Override
    protected ModelRef modelRef() {
        return ModelRef.name("llama3.2");
    }

    @Override
    protected boolean stallNextGeneration(Duration pause) {
        // Both routes: a prompt goes to /api/generate, a conversation to /api/chat.
        server.injectNext(1, Fault.stallAfter(1, pause));
        return true;
    }

    @Override
    protected boolean answerNextWith(String... pieces) {
        server.answerNext(ScriptedAnswer.of(pieces));
        return true;
    }

    @Override
    protected long requestsReceived() {
        return server.requests().size();
    }

    @Override
    protected void afterEngineClosed() {
        server.close();
    }
}
