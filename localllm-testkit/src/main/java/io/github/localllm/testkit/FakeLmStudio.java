package io.github.localllm.testkit;

import io.github.localllm.testkit.internal.EngineConfig;
import io.github.localllm.testkit.internal.EngineState;
import io.github.localllm.testkit.internal.ServerCore;
import io.github.localllm.testkit.internal.lmstudio.LmStudioProtocol;
import io.github.localllm.testkit.internal.openai.OpenAiProtocol;
import java.time.Duration;
import java.util.Objects;

/**
 * A fake LM Studio: its OpenAI-compatible {@code /v1} ({@code models}, {@code chat/completions},
 * {@code embeddings}), the REST v0 API ({@code /api/v0/models}, {@code /api/v0/models/{id}},
 * {@code /api/v0/chat/completions} with {@code stats}, {@code model_info} and {@code runtime},
 * {@code /api/v0/embeddings}) and the REST v1 API ({@code /api/v1/models}, {@code /api/v1/models/load},
 * {@code /api/v1/models/unload}, {@code /api/v1/chat} with named SSE events from {@code chat.start}
 * to {@code chat.end}). JSON is printed as JavaScript prints it; an unknown route gets HTTP 200 with
 * {@code {"error":"Unexpected endpoint or method. (GET /x)"}}, as observed on real servers.
 */
public final class FakeLmStudio extends FakeServer {

    private final EngineState state;

    private FakeLmStudio(ServerCore core, EngineState state) {
        super(core);
        this.state = state;
    }

    /**
     * Queues answers for the next generation requests, one each, ahead of the builder's script, e.g.
     * to answer one request with JSON. The request's stop sequences and token limit still apply.
     */
    public void answerNext(ScriptedAnswer... answers) {
        for (ScriptedAnswer a : answers) {
            state.queue(a);
        }
    }

    /** A builder with no models, no answers and no faults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link FakeLmStudio}; see {@link EngineBuilder}. Default model load time: 1.5 s (reported, not waited). */
    public static final class Builder extends EngineBuilder<FakeLmStudio, Builder> {
        private Duration loadTime = Duration.ofMillis(1500);

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** The {@code load_time_seconds} that loads report. */
        public Builder loadTime(Duration d) {
            this.loadTime = Objects.requireNonNull(d, "loadTime");
            return this;
        }

        @Override
        public FakeLmStudio start() {
            EngineConfig config = config();
            EngineState state = new EngineState(config);
            LmStudioProtocol protocol = new LmStudioProtocol(state, new OpenAiProtocol(state, OpenAiProtocol.lmStudio()), loadTime);
            return new FakeLmStudio(new ServerCore("fake-lmstudio", protocol, config.faults()), state);
        }
    }
}
