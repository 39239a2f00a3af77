package io.github.localllm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key file as a configuration layer. */
class KeyFileConfigTest {
    private static final String SECRET = "sk-proj-ABCDEF0123456789";

    @TempDir
    Path dir;
    private Path userFile;
    private final Map<String, String> env = new HashMap<>();
    private final Map<String, String> props = new HashMap<>();

    @BeforeEach
    void layout() throws IOException {
        userFile = dir.resolve("home/.config/localllm/config.json");
        Files.createDirectories(userFile.getParent());
    }

    private LocalLlmConfig load(Map<String, String> explicit) {
        return LocalLlmConfig.load(explicit, Map.of(), new ConfigEnvironment(props, env, dir, userFile));
    }

    private void keys(Path file, String phrase, Map<String, String> secrets) {
        new KeyFile(file, KeyProtection.passphrase(phrase.toCharArray()), Map.of(), 10_000).write(secrets);
    }

    @Test
    void theDefaultKeyFileIsALayerBelowTheEnvironmentAndAboveTheFiles() throws IOException {
        keys(userFile.resolveSibling("keys.enc"), "pw", Map.of("openai.api.key", SECRET, "hf.token", "hf_file",
                "context.size", "4096"));
        Files.writeString(userFile, "{\"openai.api.key\": \"from-user-file\"}");
        env.put("LOCALLLM_KEYS_PASSPHRASE", "pw");
        env.put("LOCALLLM_HF_TOKEN", "hf_env");
        LocalLlmConfig config = load(Map.of());
        ConfigValue key = config.value("openai.api.key").orElseThrow();
        assertThat(key.value()).isEqualTo(SECRET);
        assertThat(key.source()).isEqualTo(ConfigSource.KEY_FILE);
        assertThat(key.origin()).isEqualTo(userFile.resolveSibling("keys.enc").toString());
        assertThat(config.get("hf.token")).contains("hf_env");
        assertThat(config.value("context.size").orElseThrow().isSecret()).as("every key-file value is secret")
                .isTrue();
        assertThat(config.describe()).doesNotContain(SECRET).doesNotContain("4096").doesNotContain("pw")
                .contains("openai.api.key = ****  (key file: ");
    }

    @Test
    void keysFileNamesAnotherFile() {
        Path other = dir.resolve("elsewhere/team.keys");
        keys(other, "pw", Map.of("openai.api.key", SECRET));
        LocalLlmConfig config = load(Map.of("keys.file", other.toString(), "keys.passphrase", "pw"));
        assertThat(config.get("openai.api.key")).contains(SECRET);
        assertThatThrownBy(() -> load(Map.of("keys.file", dir.resolve("missing.keys").toString())))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("does not exist")
                .hasMessageContaining("unset keys.file");
    }

    @Test
    void aFileThatCannotBeOpenedFailsTheLoadWithoutShowingAnySecret() {
        keys(userFile.resolveSibling("keys.enc"), "pw", Map.of("openai.api.key", SECRET));
        assertThatThrownBy(() -> load(Map.of())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("LOCALLLM_KEYS_PASSPHRASE").hasMessageNotContaining(SECRET);
        props.put("localllm.keys.passphrase", "wrong");
        assertThatThrownBy(() -> load(Map.of())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("the passphrase is wrong").hasMessageNotContaining("wrong'");
    }

    @Test
    void aMalformedSecretValueIsReportedWithoutItsValue() {
        keys(userFile.resolveSibling("keys.enc"), "pw", Map.of("retries", SECRET));
        env.put("LOCALLLM_KEYS_PASSPHRASE", "pw");
        LocalLlmConfig config = load(Map.of());
        assertThatThrownBy(() -> config.getInt("retries")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("must be a whole number").hasMessageNotContaining(SECRET);
    }

    @Test
    void noKeyFileChangesNothing() {
        assertThat(load(Map.of()).values()).isEmpty();
    }
}
