package io.github.localllm.backend.llamaserver.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ConfigurationException;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.LocalLlmConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnginesDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void defaultsToTheHomeDirectory() {
        EnginesDirectory dir = EnginesDirectory.of(config(Map.of(), Map.of()));
        assertThat(dir.root()).isEqualTo(Path.of(System.getProperty("user.home"), ".localllm", "engines"));
        assertThat(dir.forBuild(10470, "linux-x64-cpu")).isEqualTo(dir.root().resolve("b10470").resolve("linux-x64-cpu"));
    }

    @Test
    void takesTheConfiguredDirectoryFromAnyLayer() {
        assertThat(EnginesDirectory.of(config(Map.of("llamaserver.engines.dir", tmp.toString()), Map.of())).root())
                .isEqualTo(tmp);
        assertThat(EnginesDirectory.of(config(Map.of(), Map.of("LOCALLLM_LLAMASERVER_ENGINES_DIR", "~/engines"))).root())
                .isEqualTo(Path.of(System.getProperty("user.home"), "engines"));
    }

    @Test
    void refusesVariantNamesThatAreNotOneLowerCaseName() {
        EnginesDirectory dir = EnginesDirectory.at(tmp);
        assertThatThrownBy(() -> dir.forBuild(10470, "../x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dir.forBuild(10470, ".staging")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dir.forBuild(0, "linux-x64-cpu")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aVariantIsCompleteOnlyWithItsMarker() throws IOException {
        Path variant = Files.createDirectories(EnginesDirectory.at(tmp).forBuild(10470, "linux-x64-cpu"));
        Files.writeString(variant.resolve("llama-server"), "x");
        assertThat(EnginesDirectory.isComplete(variant)).isFalse();
        Files.writeString(variant.resolve(EnginesDirectory.MARKER), "{}");
        assertThat(EnginesDirectory.isComplete(variant)).isTrue();
    }

    @Test
    void aBadPathIsAConfigurationError() {
        assertThatThrownBy(() -> EnginesDirectory.of(config(Map.of("llamaserver.engines.dir", "bad\0path"), Map.of())))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("llamaserver.engines.dir");
    }

    private LocalLlmConfig config(Map<String, String> explicit, Map<String, String> env) {
        return LocalLlmConfig.load(explicit, Map.of(), new ConfigEnvironment(Map.of(), env, tmp, tmp.resolve("none.json")));
    }
}
