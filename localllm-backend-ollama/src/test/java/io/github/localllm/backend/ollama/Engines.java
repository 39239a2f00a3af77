package io.github.localllm.backend.ollama;

import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelRef;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.spi.ModelLoadRequest;
import io.github.localllm.testkit.FakeServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Engines pointed at a fake server, configured without reading this machine's environment or files. */
final class Engines {
    /** A configuration environment with nothing in it. */
    static final ConfigEnvironment EMPTY = new ConfigEnvironment(Map.of(), Map.of(), Path.of("target", "no-such-dir"),
            Path.of("target", "no-such-dir", "config.json"));

    private Engines() {
    }

    /** @param settings key, value, key, value... */
    static LocalLlmConfig config(String... settings) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            map.put(settings[i], settings[i + 1]);
        }
        return LocalLlmConfig.load(map, Map.of(), EMPTY);
    }

    /** An engine for the fake, one attempt per request, plus any other settings. */
    static OllamaBackend engine(FakeServer fake, String... settings) {
        String[] all = new String[settings.length + 4];
        all[0] = "ollama.url";
        all[1] = fake.uri().toString();
        all[2] = "ollama.retries";
        all[3] = "1";
        System.arraycopy(settings, 0, all, 4, settings.length);
        return new OllamaBackendProvider(name -> null).create(config(all));
    }

    static ModelInstance load(OllamaBackend engine, String model) {
        return engine.load(new ModelLoadRequest(ModelRef.name(model), LoadOptions.defaults()));
    }

    static ModelInstance load(OllamaBackend engine, String model, LoadOptions options) {
        return engine.load(new ModelLoadRequest(ModelRef.name(model), options));
    }
}
