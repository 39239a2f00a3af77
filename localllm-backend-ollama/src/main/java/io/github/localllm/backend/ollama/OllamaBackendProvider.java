package io.github.localllm.backend.ollama;

import io.github.localllm.LoadOptions;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelRef;
import io.github.localllm.ResponseFormat;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.http.HttpTransport;
import io.github.localllm.spi.EngineCapabilities;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.spi.InferenceBackendProvider;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;

/**
 * Provides the Ollama engine under the id {@code ollama}: a running Ollama server, found at
 * {@code ollama.url}, else {@code OLLAMA_HOST}, else {@code http://127.0.0.1:11434}. It loads models
 * by name ({@code qwen2.5:7b}, {@code hf.co/owner/repo:Q4_K_M}) and Hugging Face files whose
 * quantization names an Ollama tag; see {@link OllamaBackend} for the rest of its configuration.
 */
public final class OllamaBackendProvider implements InferenceBackendProvider {
    /** The id users select this engine by. */
    public static final String ID = "ollama";
    /** The portable load settings Ollama honours. */
    static final LoadOptions.Field[] LOAD_OPTIONS = {LoadOptions.Field.CONTEXT_SIZE, LoadOptions.Field.GPU_LAYERS,
        LoadOptions.Field.THREADS, LoadOptions.Field.KEEP_ALIVE};
    /** What the engine can do; each model says what it has of tools, images and thinking. */
    static final EngineCapabilities CAPABILITIES = EngineCapabilities.builder()
            .responseFormats(ResponseFormat.Kind.JSON, ResponseFormat.Kind.JSON_SCHEMA)
            .embeddings(true).tools(true).images(true).thinking(true).logprobs(true).loadOptions(LOAD_OPTIONS).build();

    private final UnaryOperator<String> env;

    /** For {@link java.util.ServiceLoader}: reads {@code OLLAMA_HOST} from this process's environment. */
    public OllamaBackendProvider() {
        this(System::getenv);
    }

    /** @param env reads an environment variable, for tests */
    OllamaBackendProvider(UnaryOperator<String> env) {
        this.env = Objects.requireNonNull(env, "env");
    }

    @Override
    public String id() {
        return ID;
    }

    /** @return 50: below the in-process engine, which needs no server, and taken when Ollama is up */
    @Override
    public int priority() {
        return 50;
    }

    /**
     * @return names, and Hugging Face files whose name shows their quantization on the {@code main}
     *     revision, which Ollama pulls as {@code hf.co/owner/repo:QUANT}; not files or addresses
     */
    @Override
    public boolean accepts(ModelRef model) {
        return OllamaNames.of(model).isPresent();
    }

    @Override
    public EngineCapabilities capabilities() {
        return CAPABILITIES;
    }

    /**
     * Asks {@code GET /api/version} at the configured address, with no retry and every wait within
     * {@code timeout}.
     */
    @Override
    public EngineHealth probe(LocalLlmConfig config, Duration timeout) {
        long start = System.nanoTime();
        try {
            OllamaSettings settings = OllamaSettings.from(config, env);
            return check(settings.probeTransport(timeout), start);
        } catch (RuntimeException e) {
            return EngineHealth.down(String.valueOf(e.getMessage()), Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /** {@code GET /api/version}: up with the version, or down with what is wrong; never throws. */
    static EngineHealth check(HttpTransport transport, long startNanos) {
        try {
            JsonNode answer = transport.getJson("/api/version");
            JsonNode version = answer.get("version");
            Duration latency = Duration.ofNanos(System.nanoTime() - startNanos);
            if (version == null || !version.isString()) {
                return EngineHealth.down(transport.server() + " at " + transport.baseUri() + " answered /api/version"
                        + " without a version (" + abbreviate(answer.toString()) + "); it may be another kind of server:"
                        + " check the address", latency);
            }
            return EngineHealth.up(version.stringValue(), latency);
        } catch (LocalLlmException e) {
            return EngineHealth.down(e.getMessage(), Duration.ofNanos(System.nanoTime() - startNanos));
        } catch (RuntimeException e) {
            return EngineHealth.down("checking " + transport.server() + " at " + transport.baseUri() + " failed: " + e,
                    Duration.ofNanos(System.nanoTime() - startNanos));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }

    /**
     * @throws io.github.localllm.ConfigurationException if the address or a setting is malformed;
     *     the server is not contacted until the engine is used
     */
    @Override
    public OllamaBackend create(LocalLlmConfig config) {
        return new OllamaBackend(OllamaSettings.from(config, env), OllamaOptions.from(config));
    }
}
