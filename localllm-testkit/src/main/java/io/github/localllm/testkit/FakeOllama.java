package io.github.localllm.testkit;

import io.github.localllm.testkit.internal.EngineConfig;
import io.github.localllm.testkit.internal.EngineState;
import io.github.localllm.testkit.internal.ServerCore;
import io.github.localllm.testkit.internal.ollama.OllamaProtocol;
import io.github.localllm.testkit.internal.openai.OpenAiProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A fake Ollama (ollama/ollama v0.33.0-rc2): {@code GET /}, {@code /api/version}, {@code /api/tags},
 * {@code /api/ps}, {@code /api/show}, {@code /api/generate} and {@code /api/chat} (NDJSON streams unless
 * {@code "stream": false}, load and unload replies, {@code keep_alive}), {@code /api/embed},
 * {@code /api/embeddings}, {@code /api/pull}, {@code /api/copy}, {@code DELETE /api/delete}, and the OpenAI-compatible
 * {@code /v1/models}, {@code /v1/chat/completions}, {@code /v1/embeddings}. JSON is printed as Go
 * prints it; unknown routes get gin's {@code 404 page not found}, wrong methods its 405. Models that
 * think stream their scripted reasoning as {@code thinking} unless {@code "think": false}; tools and
 * {@code "think": true} to a model without those capabilities are refused as the server refuses them.
 * A scripted answer whose prompt token count exceeds the request's context ({@code options.num_ctx},
 * else 4096, clamped to the model's) meets what the configured {@link Builder#version(String) version}
 * of Ollama does with such a prompt: cut silently, or refused when the request says
 * {@code "truncate": false} and the version knows it.
 *
 * <pre>{@code
 * try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer("Hi", "!").start()) {
 *     // POST ollama.uri("/api/chat") ...
 * }
 * }</pre>
 */
public final class FakeOllama extends FakeServer {

    private final EngineState state;

    private FakeOllama(ServerCore core, EngineState state) {
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

    /**
     * Builds a {@link FakeOllama}; see {@link EngineBuilder} for models, answers and faults.
     * Defaults: version {@code 0.33.0}, the current not-found wording, nothing to pull.
     */
    public static final class Builder extends EngineBuilder<FakeOllama, Builder> {
        private String version = "0.33.0";
        private boolean pullHint;
        private final List<FakeModel> pullable = new ArrayList<>();

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * What {@code /api/version} reports, and how a prompt longer than the context is treated:
         * before 0.12.6 cut to {@code num_ctx} tokens whatever the request says; from 0.12.6 refused
         * with {@code "truncate": false}; from 0.30 (the llama-server runner) refused with llama-server's
         * own error, or cut to about half the context.
         */
        public Builder version(String v) {
            this.version = Objects.requireNonNull(v, "version");
            return this;
        }

        /**
         * Answers a missing model with {@code model "x" not found, try pulling it first} (older servers,
         * and the scheduler's path on current ones) instead of the current handlers'
         * {@code model 'x' not found}; the status is 404 either way.
         */
        public Builder pullHintNotFound() {
            this.pullHint = true;
            return this;
        }

        /** A model {@code /api/pull} can fetch (installed models can always be pulled again). */
        public Builder pullable(FakeModel model) {
            pullable.add(Objects.requireNonNull(model, "model"));
            return this;
        }

        @Override
        public FakeOllama start() {
            EngineConfig config = config();
            EngineState state = new EngineState(config);
            OllamaProtocol protocol = new OllamaProtocol(state, version, pullHint, pullable,
                    new OpenAiProtocol(state, OpenAiProtocol.ollama()));
            return new FakeOllama(new ServerCore("fake-ollama", protocol, config.faults()), state);
        }
    }
}
