package io.github.localllm.fake;

import io.github.localllm.ModelInstance;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.spi.BackendInfo;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.ModelLoadRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A test engine that "loads" any model name except {@value #MISSING}, and remembers what it was asked. */
public final class FakeBackend implements InferenceBackend {
    /** The model name this engine does not have. */
    public static final String MISSING = "missing-model";

    private final String id;
    private final LocalLlmConfig config;
    private final List<ModelLoadRequest> loads = new CopyOnWriteArrayList<>();
    private final List<FakeModel> models = new CopyOnWriteArrayList<>();
    private final AtomicInteger closeCalls = new AtomicInteger();

    FakeBackend(String id, LocalLlmConfig config) {
        this.id = id;
        this.config = config;
    }

    @Override
    public BackendInfo info() {
        return new BackendInfo(id, "Fake engine " + id, "1.0-test");
    }

    @Override
    public ModelInstance load(ModelLoadRequest request) {
        loads.add(request);
        if (request.model().text().equals(MISSING)) {
            throw new ModelNotFoundException("model " + MISSING + " is not installed; it never will be");
        }
        FakeModel model = new FakeModel(id, request);
        models.add(model);
        return model;
    }

    /** @return the configuration the provider handed over */
    public LocalLlmConfig config() {
        return config;
    }

    /** @return every load request, in order */
    public List<ModelLoadRequest> loads() {
        return loads;
    }

    /** @return every model loaded */
    public List<FakeModel> instances() {
        return models;
    }

    /** @return how often close() was called */
    public int closeCalls() {
        return closeCalls.get();
    }

    @Override
    public void close() {
        closeCalls.incrementAndGet();
    }
}
