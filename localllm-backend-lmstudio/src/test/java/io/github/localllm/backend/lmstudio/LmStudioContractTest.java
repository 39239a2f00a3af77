package io.github.localllm.backend.lmstudio;

import io.github.localllm.ModelRef;
import io.github.localllm.http.RetryPolicy;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.testkit.FakeLmStudio;
import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.Fault;
import io.github.localllm.testkit.ScriptedAnswer;
import io.github.localllm.testkit.contract.EngineContract;
import java.time.Duration;

/**
 * The engine contract on the testkit's fake LM Studio, with a chat model it has loaded: whole
 * answers from its REST API, streams from its OpenAI-compatible API.
 */
class LmStudioContractTest extends EngineContract {
    private static final String MODEL = "qwen2.5-7b-instruct";
    private final FakeLmStudio server = FakeLmStudio.builder()
            .model(FakeModel.builder(MODEL).family("qwen2").contextLength(32768).loaded(true).build())
            .answer(ScriptedAnswer.of("The", " sky", " is", " blue", ".", " It", " scatters", " light", ".")).start();

    @Override
    protected InferenceBackend createBackend() {
        return LmStudioBackend.builder(server.uri()).retryPolicy(RetryPolicy.none()).build();
    }

    @Override
    protected ModelRef modelRef() {
        return ModelRef.name(MODEL);
    }

    /**
     * The next request, whichever API it goes to: streamed, the role chunk and the first text chunk
     * come before the pause; whole, half the body.
     */
    @Override
    protected boolean stallNextGeneration(Duration pause) {
        server.injectNext(1, Fault.stallAfter(2, pause));
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
