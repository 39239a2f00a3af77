package io.github.localllm.fake;

import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.InferenceBackendProvider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The test engine {@code fake}, registered in src/test/resources/META-INF/services. It has the
 * higher priority of the two test engines, so it is the default.
 */
public class FakeBackendProvider implements InferenceBackendProvider {
    /** Every backend made, so a test can inspect one that {@code build()} never handed out. */
    public static final List<FakeBackend> CREATED = new CopyOnWriteArrayList<>();

    @Override
    public String id() {
        return "fake";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public InferenceBackend create(LocalLlmConfig config) {
        FakeBackend backend = new FakeBackend(id(), config);
        CREATED.add(backend);
        return backend;
    }
}
