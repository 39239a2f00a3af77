package io.github.localllm.backend.openai;

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
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Provides the OpenAI-compatible engine under the id {@code openai}. Configuration:
 *
 * <ul>
 *   <li>{@code openai.url}: the OpenAI API's base address; {@code http://127.0.0.1:8080/v1} by
 *       default, where {@code llama-server} listens unless told otherwise (vLLM:
 *       {@code http://127.0.0.1:8000/v1}, the OpenAI API: {@code https://api.openai.com/v1});</li>
 *   <li>{@code openai.api.key}: the key sent to that address. Without it, the
 *       {@code OPENAI_API_KEY} environment variable is used for {@code https://api.openai.com} only,
 *       never sent to another server;</li>
 *   <li>{@code openai.organization}, {@code openai.project}: the OpenAI headers of the same names.</li>
 * </ul>
 */
public final class OpenAiBackendProvider implements InferenceBackendProvider {
    /** The id users select this engine by. */
    public static final String ID = "openai";
    /** The base address of the OpenAI API. */
    public static final String URL_KEY = "openai.url";
    /** The API key for that address. */
    public static final String API_KEY_KEY = "openai.api.key";
    /** The OpenAI organization. */
    public static final String ORGANIZATION_KEY = "openai.organization";
    /** The OpenAI project. */
    public static final String PROJECT_KEY = "openai.project";
    /** llama-server's address when started without {@code --host} or {@code --port}. */
    public static final URI DEFAULT_URL = URI.create("http://127.0.0.1:8080/v1");

    private final UnaryOperator<String> env;

    /** For {@link java.util.ServiceLoader}. */
    public OpenAiBackendProvider() {
        this(System::getenv);
    }

    /** @param env the environment, for tests */
    OpenAiBackendProvider(UnaryOperator<String> env) {
        this.env = env;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String displayName() {
        return "an OpenAI-compatible server";
    }

    /** @return 10: below in-process engines, which need no server */
    @Override
    public int priority() {
        return 10;
    }

    /** @return only names: a server knows its models by their ids */
    @Override
    public boolean accepts(ModelRef model) {
        return model instanceof ModelRef.Name;
    }

    @Override
    public EngineCapabilities capabilities() {
        return OpenAiBackend.CAPABILITIES;
    }

    /** Asks {@code GET /v1/models} at the configured address, waiting at most {@code timeout}, without retries. */
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

    private OpenAiBackend.Builder builder(LocalLlmConfig config) {
        URI url = url(config);
        return OpenAiBackend.builder(url)
                .apiKey(ApiKeys.choose(url, config.get(API_KEY_KEY), env).orElse(null))
                .organization(config.get(ORGANIZATION_KEY).orElse(null))
                .project(config.get(PROJECT_KEY).orElse(null));
    }

    private static URI url(LocalLlmConfig config) {
        Optional<ConfigValue> value = config.value(URL_KEY);
        if (value.isEmpty()) {
            return DEFAULT_URL;
        }
        String text = value.get().value().strip();
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawUserInfo() == null
                    && uri.getRawQuery() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        // The value is not shown: an address may carry a password.
        throw new ConfigurationException(URL_KEY + " must be an http(s) address with a host and no user info or"
                + " query, such as " + DEFAULT_URL + ", but " + value.get().source().name().toLowerCase(java.util.Locale.ROOT)
                .replace('_', ' ') + " " + value.get().origin() + " sets it to something else");
    }
}
