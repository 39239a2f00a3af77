package io.github.localllm.testkit.contract;

import io.github.localllm.ModelRef;
import io.github.localllm.spi.InferenceBackend;
import java.time.Duration;
import java.util.List;

/** The contract over a {@link ScriptedEngine}; not a test class itself, so that tests can give it defects. */
abstract class ScriptedContract extends EngineContract {
    private final ScriptedEngine.Controls controls;

    ScriptedContract(ScriptedEngine.Controls controls) {
        this.controls = controls;
    }

    @Override
    protected InferenceBackend createBackend() {
        return controls.newEngine();
    }

    @Override
    protected ModelRef modelRef() {
        return ModelRef.name("scripted-model");
    }

    @Override
    protected boolean stallNextGeneration(Duration pause) {
        controls.stallNext(pause);
        return true;
    }

    @Override
    protected long requestsReceived() {
        return controls.requests();
    }

    @Override
    protected boolean answerNextWith(String... pieces) {
        controls.answerNext(List.of(pieces));
        return true;
    }
}
