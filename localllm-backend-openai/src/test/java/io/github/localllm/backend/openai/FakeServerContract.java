package io.github.localllm.backend.openai;

import io.github.localllm.ModelRef;
import io.github.localllm.http.RetryPolicy;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.testkit.FakeOpenAi;
import io.github.localllm.testkit.Fault;
import io.github.localllm.testkit.ScriptedAnswer;
import io.github.localllm.testkit.contract.EngineContract;
import java.net.URI;
import java.time.Duration;

/**
 * The engine contract on one flavor of the testkit's OpenAI-compatible fake, answering a script of
 * nine pieces; the subclasses name the flavor.
 */
abstract class FakeServerContract extends EngineContract {
    private final FakeOpenAi server;

    FakeServerContract(FakeOpenAi.Flavor flavor) {
        // llama.cpp's model list says its model embeds in 768 dimensions (capture 02): its vectors have them.
        float[] a = new float[768];
        float[] b = new float[768];
        a[0] = 1;
        b[1] = 1;
        server = FakeOpenAi.builder(flavor).model(Servers.MODEL).embedding(a).embedding(b)
                .answer(ScriptedAnswer.of("The", " sky", " is", " blue", ".", " It", " scatters", " light", ".")).start();
    }

    @Override
    protected InferenceBackend createBackend() {
        return OpenAiBackend.builder(URI.create(server.uri() + "/v1")).retryPolicy(RetryPolicy.none()).build();
    }

    @Override
    protected ModelRef modelRef() {
        return ModelRef.name(Servers.MODEL);
    }

    /** The role chunk and the first text chunk, then the pause. */
    @Override
    protected boolean stallNextGeneration(Duration pause) {
        server.injectNext(1, "/v1/chat/completions", Fault.stallAfter(2, pause));
        return true;
    }

    @Override
    protected boolean answerNextWith(String... pieces) {
        server.answerNext(ScriptedAnswer.of(pieces));
        return true;
    }

    /**
     * Requests other than llama.cpp's tokenizer: the engine counts a long prompt's tokens with
     * {@code /tokenize} to refuse it before generating, which is no generation.
     */
    @Override
    protected long requestsReceived() {
        return server.requests().stream().filter(r -> !r.path().equals("/tokenize")).count();
    }

    @Override
    protected void afterEngineClosed() {
        server.close();
    }
}
