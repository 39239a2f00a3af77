package io.github.localllm.backend.ollama;

import io.github.localllm.ConfigurationException;
import io.github.localllm.config.ConfigValue;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.http.HttpTransport;
import io.github.localllm.http.RetryPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where the Ollama server is and how patiently to talk to it, from the configuration:
 * {@code ollama.url}, else the environment's {@code OLLAMA_HOST} (both read by Ollama's rules, see
 * {@link OllamaHost}), else {@code http://127.0.0.1:11434}; {@code ollama.connect.timeout},
 * {@code ollama.first.byte.timeout} (which includes loading a model), {@code ollama.idle.timeout}
 * (silence inside an answer), {@code ollama.retries} (attempts in all) and {@code ollama.api.key}
 * (a bearer token for a server behind an authenticating proxy; never logged).
 *
 * @param baseUri the server's address
 * @param origin where the address came from, for messages
 * @param connectTimeout the longest wait for a connection
 * @param firstByteTimeout the longest wait for an answer to begin
 * @param idleTimeout the longest silence inside an answer
 * @param attempts attempts per request in all
 * @param apiKey a bearer token, if configured
 */
record OllamaSettings(URI baseUri, String origin, Duration connectTimeout, Duration firstByteTimeout,
                      Duration idleTimeout, int attempts, Optional<String> apiKey) {
    static final String URL_KEY = "ollama.url";
    static final String HOST_ENV = "OLLAMA_HOST";
    static final String UNAVAILABLE_HINT = "is Ollama running? start it with `ollama serve` (or the Ollama app),"
            + " or point " + URL_KEY + " or OLLAMA_HOST at it";

    /**
     * @param config the configuration
     * @param env reads an environment variable ({@code System::getenv} outside tests)
     * @return the settings
     * @throws ConfigurationException if a value is malformed, naming where it came from
     */
    static OllamaSettings from(LocalLlmConfig config, UnaryOperator<String> env) {
        URI uri;
        String origin;
        Optional<ConfigValue> url = config.value(URL_KEY);
        if (url.isPresent()) {
            origin = URL_KEY + " (" + url.get().source().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")";
            uri = parse(url.get().value(), origin);
        } else {
            String host = env.apply(HOST_ENV);
            if (host != null && !host.isBlank()) {
                origin = HOST_ENV;
                uri = parse(host, origin);
            } else {
                origin = "the default address";
                uri = OllamaHost.DEFAULT;
            }
        }
        int attempts = config.getInt("ollama.retries").orElse(RetryPolicy.defaults().maxAttempts());
        if (attempts < 1) {
            throw new ConfigurationException("ollama.retries is the number of attempts per request, at least 1, but"
                    + " is " + attempts);
        }
        return new OllamaSettings(uri, origin,
                positive(config, "ollama.connect.timeout", Duration.ofSeconds(10)),
                positive(config, "ollama.first.byte.timeout", Duration.ofMinutes(5)),
                positive(config, "ollama.idle.timeout", Duration.ofSeconds(60)),
                attempts, config.get("ollama.api.key").filter(k -> !k.isBlank()));
    }

    private static URI parse(String value, String origin) {
        try {
            return OllamaHost.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(origin + " does not name an Ollama address: " + e.getMessage());
        }
    }

    private static Duration positive(LocalLlmConfig config, String key, Duration fallback) {
        Duration d = config.getDuration(key).orElse(fallback);
        if (d.isNegative() || d.isZero()) {
            throw new ConfigurationException(key + " must be a positive duration, but is " + d);
        }
        return d;
    }

    /** @return a transport to the server with these settings */
    HttpTransport transport() {
        RetryPolicy defaults = RetryPolicy.defaults();
        HttpTransport.Builder b = HttpTransport.builder(baseUri).server("Ollama").unavailableHint(UNAVAILABLE_HINT)
                .connectTimeout(connectTimeout).firstByteTimeout(firstByteTimeout).idleTimeout(idleTimeout)
                .retryPolicy(attempts == 1 ? RetryPolicy.none() : new RetryPolicy(attempts, defaults.initialDelay(),
                        defaults.maxDelay(), defaults.maxRetryAfter()));
        apiKey.ifPresent(b::bearerToken);
        return b.build();
    }

    /**
     * @param timeout the whole check's budget
     * @return a transport for a quick check: no retries, every wait within {@code timeout}
     */
    HttpTransport probeTransport(Duration timeout) {
        HttpTransport.Builder b = HttpTransport.builder(baseUri).server("Ollama").unavailableHint(UNAVAILABLE_HINT)
                .connectTimeout(timeout).firstByteTimeout(timeout).idleTimeout(timeout).retryPolicy(RetryPolicy.none());
        apiKey.ifPresent(b::bearerToken);
        return b.build();
    }

    @Override
    public String toString() {
        // The key stays out of logs and messages.
        return "OllamaSettings[" + baseUri + " from " + origin + (apiKey.isPresent() ? ", with an API key]" : "]");
    }
}
