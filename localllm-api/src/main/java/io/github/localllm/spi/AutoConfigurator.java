package io.github.localllm.spi;

import io.github.localllm.config.LocalLlmConfig;
import java.util.Map;

/**
 * Fills the auto-detection layer of the configuration from the machine and the model,
 * for {@link io.github.localllm.LocalLlm.Builder#autoDetect()}. Found with
 * {@link java.util.ServiceLoader}, like engines. Values it returns sit below every
 * explicit setting, so a user's choice always wins.
 */
public interface AutoConfigurator {

    /**
     * @param config every configuration layer except auto-detection
     * @return configuration keys and values to use where nothing else sets them; keys it
     *         cannot choose for are left out
     * @throws io.github.localllm.LocalLlmException if no workable configuration exists, with what to do instead
     */
    Map<String, String> configure(LocalLlmConfig config);
}
