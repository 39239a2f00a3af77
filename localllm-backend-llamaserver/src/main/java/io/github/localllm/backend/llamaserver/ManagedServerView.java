package io.github.localllm.backend.llamaserver;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelInstance;
import io.github.localllm.backend.openai.LlamaServerModel;
import io.github.localllm.backend.openai.LlamaServerProps;
import io.github.localllm.backend.openai.ServerMetrics;
import io.github.localllm.backend.openai.SlotState;
import java.util.List;

/**
 * {@link LlamaServerModel} of a {@link ManagedModel}: asks the server serving now, so it stays valid
 * across restarts after a crash.
 */
final class ManagedServerView implements LlamaServerModel {
    private final ManagedModel model;

    ManagedServerView(ManagedModel model) {
        this.model = model;
    }

    @Override
    public LlamaServerProps props() {
        return model.onServer(m -> view(m).props());
    }

    @Override
    public List<SlotState> slots() {
        return model.onServer(m -> view(m).slots());
    }

    /** @throws InvalidRequestException naming {@link LlamaServerOptions#metrics()} when it was turned off */
    @Override
    public ServerMetrics metrics() {
        try {
            return model.onServer(m -> view(m).metrics());
        } catch (InvalidRequestException e) {
            throw new InvalidRequestException(model.info().name() + "'s llama-server was started without --metrics"
                    + " (LlamaServerOptions.metrics(false), or " + LlamaServerOptions.METRICS_KEY + "=false); load"
                    + " it with metrics on to read its counters", e);
        }
    }

    private static LlamaServerModel view(ModelInstance served) {
        // The connector uses the LLAMA_CPP dialect with the server's root, which always has this view.
        return served.unwrap(LlamaServerModel.class)
                .orElseThrow(() -> new IllegalStateException("llama-server model without LlamaServerModel"));
    }

    @Override
    public String toString() {
        return "ManagedServerView[" + model.info().name() + "]";
    }
}
