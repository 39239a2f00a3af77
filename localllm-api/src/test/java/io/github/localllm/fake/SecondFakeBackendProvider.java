package io.github.localllm.fake;

import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.InferenceBackendProvider;

/** A second test engine, {@code fake-second}, of default priority: chosen only when asked for by id. */
public class SecondFakeBackendProvider implements InferenceBackendProvider {

    @Override
    public String id() {
        return "fake-second";
    }

    @Override
    public InferenceBackend create(LocalLlmConfig config) {
        FakeBackend backend = new FakeBackend(id(), config);
        FakeBackendProvider.CREATED.add(backend);
        return backend;
    }
}
