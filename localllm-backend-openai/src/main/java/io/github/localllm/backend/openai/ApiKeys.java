package io.github.localllm.backend.openai;

import java.net.URI;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which API key a server gets. A configured key ({@code openai.api.key}) goes to the configured
 * address: the user chose both. The {@code OPENAI_API_KEY} environment variable, set for the
 * OpenAI cloud by many tools, goes to the OpenAI API only: sent to whatever listens on a local port,
 * a cloud key would leak to any program there.
 */
final class ApiKeys {
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);
    /** The variable OpenAI's own clients read. */
    static final String ENV = "OPENAI_API_KEY";

    private ApiKeys() {
    }

    /**
     * @param url the server's address
     * @param configured the key the configuration sets, if any
     * @param env the process environment
     * @return the key to send, if any
     */
    static Optional<String> choose(URI url, Optional<String> configured, UnaryOperator<String> env) {
        if (configured.isPresent() && !configured.get().isBlank()) {
            return configured;
        }
        String fromEnv = env.apply(ENV);
        if (fromEnv == null || fromEnv.isBlank()) {
            return Optional.empty();
        }
        if (ServerDialect.isOpenAiHost(url)) {
            return Optional.of(fromEnv.strip());
        }
        LOG.debug("{} is set but not sent to {}: it goes to https://{} only; set {} to give this server a key", ENV,
                url, ServerDialect.OPENAI_HOST, OpenAiBackendProvider.API_KEY_KEY);
        return Optional.empty();
    }
}
