package io.github.localllm.testkit;

import io.github.localllm.testkit.internal.EngineConfig;
import io.github.localllm.testkit.internal.EngineState;
import io.github.localllm.testkit.internal.ServerCore;
import io.github.localllm.testkit.internal.openai.Dialect;
import io.github.localllm.testkit.internal.openai.OpenAiProtocol;
import java.util.Locale;
import java.util.Objects;

/**
 * A fake OpenAI-compatible server: {@code GET /v1/models}, {@code POST /v1/chat/completions} (SSE
 * {@code data: ...} events ending with {@code data: [DONE]}, a usage chunk when
 * {@code stream_options.include_usage}), {@code POST /v1/completions} (the legacy text completions),
 * {@code POST /v1/embeddings}, and llama.cpp's {@code GET /props}, {@code POST /tokenize},
 * {@code POST /detokenize}, {@code GET /slots} and {@code GET /metrics}, in the {@link Flavor} of one
 * real server: its member order, first and last chunks, error bodies and unknown-route answer.
 *
 * <pre>{@code
 * try (FakeOpenAi server = FakeOpenAi.builder(FakeOpenAi.Flavor.LLAMA_CPP).model("qwen2.5-0.5b").start()) {
 *     // POST server.uri("/v1/chat/completions") ...
 * }
 * }</pre>
 */
public final class FakeOpenAi extends FakeServer {
    private final Flavor flavor;
    private final EngineState state;

    private FakeOpenAi(ServerCore core, Flavor flavor, EngineState state) {
        super(core);
        this.flavor = flavor;
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

    /** Which server a {@link FakeOpenAi} imitates. */
    public enum Flavor {
        /**
         * llama.cpp's {@code llama-server}, as captured from build b10470: any model name is served,
         * {@code timings} in milliseconds, {@code /health}, errors {@code {"error":{"code":404,...}}},
         * {@code Server: llama.cpp}.
         */
        LLAMA_CPP,
        /** vLLM: unknown models are 404 {@code NotFoundError}, unknown routes FastAPI's {@code {"detail":"Not Found"}}. */
        VLLM,
        /** The OpenAI API: string error codes such as {@code model_not_found}, {@code Invalid URL} for unknown routes. */
        OPENAI
    }

    /** The server this fake imitates. */
    public Flavor flavor() {
        return flavor;
    }

    /** A builder for the given flavor. */
    public static Builder builder(Flavor flavor) {
        return new Builder(flavor);
    }

    /** Builds a {@link FakeOpenAi}; see {@link EngineBuilder} for models, answers and faults. */
    public static final class Builder extends EngineBuilder<FakeOpenAi, Builder> {
        private final Flavor flavor;
        private String systemFingerprint = "b10470-34af94cd9";
        private boolean embeddings = true;
        private boolean metrics;

        private Builder(Flavor flavor) {
            this.flavor = Objects.requireNonNull(flavor, "flavor");
        }

        @Override
        Builder self() {
            return this;
        }

        /** llama.cpp's {@code system_fingerprint} (its build); {@code b10470-34af94cd9} by default, as in the captures. */
        public Builder systemFingerprint(String fingerprint) {
            this.systemFingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
            return this;
        }

        /**
         * llama.cpp only: whether the server was started with {@code --embeddings}; {@code true} by default.
         * Without it {@code /v1/embeddings} answers 501 "This server does not support embeddings"
         * (capture 10-ERR-v1-embeddings-on-gen-server.http).
         */
        public Builder embeddings(boolean enabled) {
            this.embeddings = enabled;
            return this;
        }

        /**
         * llama.cpp only: whether the server was started with {@code --metrics}; {@code false} by default, as on
         * the real server. Without it {@code GET /metrics} answers 501 (capture 23b-ERR-metrics-disabled.http);
         * with it, Prometheus text counting the answers given (23-GET-metrics.http), and {@code /props} says
         * {@code endpoint_metrics: true}.
         */
        public Builder metrics(boolean enabled) {
            this.metrics = enabled;
            return this;
        }

        @Override
        public FakeOpenAi start() {
            EngineConfig config = config();
            EngineState state = new EngineState(config);
            Dialect dialect = switch (flavor) {
                // The wall clock, not the fake's: tests script the fake's readings one per answer and chunk.
                case LLAMA_CPP -> OpenAiProtocol.llamaCpp(systemFingerprint, embeddings, metrics,
                        System.currentTimeMillis() / 1000);
                case VLLM -> OpenAiProtocol.vllm();
                case OPENAI -> OpenAiProtocol.openAi();
            };
            OpenAiProtocol protocol = new OpenAiProtocol(state, dialect);
            return new FakeOpenAi(new ServerCore("fake-openai-" + flavor.name().toLowerCase(Locale.ROOT), protocol,
                    config.faults()), flavor, state);
        }
    }
}
