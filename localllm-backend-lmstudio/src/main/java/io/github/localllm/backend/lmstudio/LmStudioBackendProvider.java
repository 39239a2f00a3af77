package io.github.localllm.backend.lmstudio;

import io.github.localllm.ConfigurationException;
import io.github.localllm.ModelRef;
import io.github.localllm.config.ConfigValue;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.http.RetryPolicy;
import io.github.localllm.spi.EngineCapabilities;
import io.github.localllm.spi.EngineHealth;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.InferenceBackendProvider;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Provides the LM Studio engine under the id {@code lmstudio}. Configuration: {@code lmstudio.url},
 * LM Studio's server ({@code http://127.0.0.1:1234} by default, without {@code /v1}); and
 * {@code lmstudio.api.key}, its API token when the server requires one (LM Studio 0.4), else the
 * {@code LM_API_TOKEN} environment variable LM Studio's own tools read.
 */
public final class LmStudioBackendProvider implements InferenceBackendProvider {
    /** The id users select this engine by. */
    public static final String ID = "lmstudio";
    /** LM Studio's server address. */
    public static final String URL_KEY = "lmstudio.url";
    /** LM Studio's API token. */
    public static final String API_KEY_KEY = "lmstudio.api.key";
    /** The variable LM Studio's SDKs read the token from. */
    static final String TOKEN_ENV = "LM_API_TOKEN";

    private final UnaryOperator<String> env;

    /** For {@link java.util.ServiceLoader}. */
    public LmStudioBackendProvider() {
        this(System::getenv);
    }

    /** @param env the environment, for tests */
    LmStudioBackendProvider(UnaryOperator<String> env) {
        this.env = env;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String displayName() {
        return "LM Studio";
    }

    /** @return 20: above the generic OpenAI-compatible engine, which reaches LM Studio only through {@code /v1} */
    @Override
    public int priority() {
        return 20;
    }

    /** @return only names: LM Studio knows its models by their ids */
    @Override
    public boolean accepts(ModelRef model) {
        return model instanceof ModelRef.Name;
    }

    @Override
    public EngineCapabilities capabilities() {
        return LmStudioBackend.CAPABILITIES;
    }

    /** Asks {@code GET /api/v0/models} at the configured address, waiting at most {@code timeout}, without retries. */
    @Override
    public EngineHealth probe(LocalLlmConfig config, Duration timeout) {
        long start = System.nanoTime();
        try {
            Duration t = timeout.isNegative() || timeout.isZero() ? Duration.ofMillis(1) : timeout;
            return builder(config).healthTimeout(t).retryPolicy(RetryPolicy.none()).build().health();
        } catch (RuntimeException e) {
            return EngineHealth.down(e.getMessage(), Duration.ofNanos(System.nanoTime() - start));
        }
    }

    @Override
    public InferenceBackend create(LocalLlmConfig config) {
        return builder(config).build();
    }

    private LmStudioBackend.Builder builder(LocalLlmConfig config) {
        String fromEnv = env.apply(TOKEN_ENV);
        String key = config.get(API_KEY_KEY).filter(k -> !k.isBlank())
                .orElse(fromEnv == null || fromEnv.isBlank() ? null : fromEnv.strip());
        return LmStudioBackend.builder(url(config)).apiKey(key);
    }

    private static URI url(LocalLlmConfig config) {
        Optional<ConfigValue> value = config.value(URL_KEY);
        if (value.isEmpty()) {
            return LmStudioBackend.DEFAULT_URL;
        }
        try {
            URI uri = new URI(value.get().value().strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawUserInfo() == null
                    && uri.getRawQuery() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        // The value is not shown: an address may carry a password.
        throw new ConfigurationException(URL_KEY + " must be an http(s) address with a host and no user info or query,"
                + " such as " + LmStudioBackend.DEFAULT_URL + ", but " + value.get().source().name().toLowerCase(Locale.ROOT)
                .replace('_', ' ') + " " + value.get().origin() + " sets it to something else");
    }
}
