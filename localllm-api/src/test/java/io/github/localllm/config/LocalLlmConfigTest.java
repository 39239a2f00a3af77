package io.github.localllm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every layer is injected through {@link ConfigEnvironment}, so the machine running the tests cannot leak in. */
class LocalLlmConfigTest {
    @TempDir
    Path dir;

    private Path workDir;
    private Path userFile;
    private final Map<String, String> props = new HashMap<>();
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void layout() throws IOException {
        workDir = Files.createDirectories(dir.resolve("project"));
        userFile = dir.resolve("home/.config/localllm/config.json");
        Files.createDirectories(userFile.getParent());
    }

    private ConfigEnvironment environment() {
        return new ConfigEnvironment(props, env, workDir, userFile);
    }

    private LocalLlmConfig load(Map<String, String> explicit, Map<String, String> auto) {
        return LocalLlmConfig.load(explicit, auto, environment());
    }

    private LocalLlmConfig load() {
        return load(Map.of(), Map.of());
    }

    private Path projectFile(String json) throws IOException {
        return Files.writeString(workDir.resolve(".localllm.json"), json, StandardCharsets.UTF_8);
    }

    private Path userFile(String json) throws IOException {
        return Files.writeString(userFile, json, StandardCharsets.UTF_8);
    }

    @Test
    void nothingConfiguredIsEmpty() {
        LocalLlmConfig config = load();
        assertThat(config.values()).isEmpty();
        assertThat(config.get("model")).isEmpty();
        assertThat(config.describe()).isEmpty();
    }

    @Test
    void eachLayerOverridesTheOnesBelow() throws IOException {
        // key "a" is set in all six layers, "b" in the lower five, ... "f" only by auto-detection
        Map<String, String> auto = Map.of("a", "auto", "b", "auto", "c", "auto", "d", "auto", "e", "auto", "f", "auto");
        userFile("{\"a\":\"user\",\"b\":\"user\",\"c\":\"user\",\"d\":\"user\",\"e\":\"user\"}");
        projectFile("{\"a\":\"project\",\"b\":\"project\",\"c\":\"project\",\"d\":\"project\"}");
        env.putAll(Map.of("LOCALLLM_A", "env", "LOCALLLM_B", "env", "LOCALLLM_C", "env"));
        props.putAll(Map.of("localllm.a", "prop", "localllm.b", "prop"));
        LocalLlmConfig config = load(Map.of("a", "builder"), auto);

        assertThat(config.get("a")).contains("builder");
        assertThat(config.get("b")).contains("prop");
        assertThat(config.get("c")).contains("env");
        assertThat(config.get("d")).contains("project");
        assertThat(config.get("e")).contains("user");
        assertThat(config.get("f")).contains("auto");
        assertThat(config.value("a").orElseThrow().source()).isEqualTo(ConfigSource.BUILDER);
        assertThat(config.value("b").orElseThrow().source()).isEqualTo(ConfigSource.SYSTEM_PROPERTY);
        assertThat(config.value("c").orElseThrow().source()).isEqualTo(ConfigSource.ENVIRONMENT);
        assertThat(config.value("d").orElseThrow().source()).isEqualTo(ConfigSource.PROJECT_FILE);
        assertThat(config.value("e").orElseThrow().source()).isEqualTo(ConfigSource.USER_FILE);
        assertThat(config.value("f").orElseThrow().source()).isEqualTo(ConfigSource.AUTO_DETECTED);
    }

    @Test
    void environmentVariableBecomesDottedKey() {
        env.put("LOCALLLM_CONTEXT_SIZE", "4096");
        env.put("PATH", "/usr/bin");      // not ours
        env.put("LOCALLLM_", "ignored");  // prefix only
        ConfigValue v = load().value("context.size").orElseThrow();

        assertThat(v.value()).isEqualTo("4096");
        assertThat(v.origin()).isEqualTo("LOCALLLM_CONTEXT_SIZE");
        assertThat(load().values()).extracting(ConfigValue::key).containsExactly("context.size");
    }

    @Test
    void systemPropertyOriginIsThePropertyName() {
        props.put("localllm.gpu.layers", "-1");
        props.put("java.version", "17");
        ConfigValue v = load().value("gpu.layers").orElseThrow();

        assertThat(v.origin()).isEqualTo("localllm.gpu.layers");
        assertThat(load().getInt(ConfigKeys.GPU_LAYERS)).contains(-1);
        assertThat(load().values()).hasSize(1);
    }

    @Test
    void keysAreCaseAndSeparatorInsensitive() {
        props.put("localllm.Batch-Size", "256");
        LocalLlmConfig config = load();

        assertThat(config.get("batch.size")).contains("256");
        assertThat(config.get("BATCH_SIZE")).contains("256");
    }

    @Test
    void nestedJsonIsFlattened() throws IOException {
        Path file = projectFile("{\"context\": {\"size\": 4096}, \"mmap\": false, \"threads\": 8,"
                + " \"ollama\": {\"host\": \"http://localhost:11434\", \"keep\": {\"alive\": \"5m\"}},"
                + " \"temperature\": 0.50, \"big\": 1e3}");
        LocalLlmConfig config = load();

        assertThat(config.getInt("context.size")).contains(4096);
        assertThat(config.getBoolean("mmap")).contains(false);
        assertThat(config.get("ollama.host")).contains("http://localhost:11434");
        assertThat(config.get("ollama.keep.alive")).contains("5m");
        // numbers keep their written form, without scientific notation
        assertThat(config.get("temperature")).contains("0.50");
        assertThat(config.get("big")).contains("1000");
        assertThat(config.value("threads").orElseThrow().origin()).isEqualTo(file.toString());
    }

    @Test
    void describeListsValueSourceAndOrigin() throws IOException {
        Path file = userFile("{\"threads\": 4}");
        env.put("LOCALLLM_MODEL", "qwen2.5:7b");
        String text = load(Map.of("backend", "ollama"), Map.of("context.size", "8192")).describe();

        assertThat(text.lines()).containsExactly(
                "backend = ollama  (builder)",
                "context.size = 8192  (auto detected)",
                "model = qwen2.5:7b  (environment: LOCALLLM_MODEL)",
                "threads = 4  (user file: " + file + ")");
    }

    @Test
    void describeMasksSecrets() throws IOException {
        projectFile("{\"openai\": {\"api\": {\"key\": \"sk-abc123\"}}}");
        env.put("LOCALLLM_HF_TOKEN", "hf_secret_token");
        props.put("localllm.proxy.password", "hunter2");
        props.put("localllm.client.secret", "s3cr3t");
        LocalLlmConfig config = load();
        String text = config.describe();

        assertThat(text).doesNotContain("sk-abc123", "hf_secret_token", "hunter2", "s3cr3t");
        assertThat(text).contains("openai.api.key = ****", "hf.token = ****", "proxy.password = ****",
                "client.secret = ****");
        assertThat(config.toString()).isEqualTo(text);
        // the real value stays available to the code that needs it
        assertThat(config.get("hf.token")).contains("hf_secret_token");
    }

    @Test
    void getIntErrorNamesTheSource() {
        env.put("LOCALLLM_CONTEXT_SIZE", "lots");
        assertThatThrownBy(() -> load().getInt(ConfigKeys.CONTEXT_SIZE))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("context.size must be a whole number")
                .hasMessageContaining("environment LOCALLLM_CONTEXT_SIZE")
                .hasMessageContaining("'lots'");
    }

    @Test
    void getBooleanErrorNamesTheFile() throws IOException {
        Path file = projectFile("{\"mmap\": \"yes\"}");
        assertThatThrownBy(() -> load().getBoolean(ConfigKeys.MMAP))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("mmap must be true or false")
                .hasMessageContaining("project file " + file)
                .hasMessageContaining("'yes'");
    }

    @Test
    void getBooleanAndGetIntAcceptTheirForms() {
        props.put("localllm.mlock", " TRUE ");
        props.put("localllm.threads", " 12 ");
        assertThat(load().getBoolean("mlock")).contains(true);
        assertThat(load().getInt("threads")).contains(12);
        assertThat(load().getInt("missing")).isEmpty();
        assertThat(load().getBoolean("missing")).isEmpty();
    }

    @Test
    void builderErrorDoesNotRepeatItself() {
        assertThatThrownBy(() -> load(Map.of("threads", "many"), Map.of()).getInt("threads"))
                .hasMessageContaining("but builder sets it to 'many'");
    }

    @Test
    void malformedJsonNamesTheFileAndPosition() throws IOException {
        Path file = projectFile("{\n  \"threads\": 4,\n}");
        assertThatThrownBy(this::load)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not valid JSON")
                .hasMessageContaining("line 3, column 1");
    }

    @Test
    void arrayValueIsRejected() throws IOException {
        Path file = userFile("{\"model\": {\"list\": [\"a\", \"b\"]}}");
        assertThatThrownBy(this::load)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("'model.list' must be a string, number or boolean");
    }

    @Test
    void nullValueIsRejected() throws IOException {
        projectFile("{\"model\": null}");
        assertThatThrownBy(this::load)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'model' must be a string, number or boolean");
    }

    @Test
    void topLevelMustBeAnObject() throws IOException {
        Path file = projectFile("[1, 2]");
        assertThatThrownBy(this::load)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("must hold a JSON object");
    }

    @Test
    void unreadableFileIsAConfigurationError() throws IOException {
        // a directory where the file should be cannot be read, even by root (unlike chmod 000)
        Path bad = Files.createDirectory(workDir.resolve(".localllm.json"));
        assertThatThrownBy(this::load)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cannot read configuration file " + bad)
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void badKeyNamesWhereItWasWritten() throws IOException {
        Path file = projectFile("{\"\": 1}");
        assertThatThrownBy(this::load)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("is not a configuration key")
                .hasMessageContaining(file.toString());

        Files.delete(file);
        env.put("LOCALLLM__X", "1");
        assertThatThrownBy(this::load)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("LOCALLLM__X");
    }

    @Test
    void emptyConfigHasNothing() {
        assertThat(LocalLlmConfig.empty().values()).isEmpty();
        assertThat(LocalLlmConfig.empty().getInt("threads")).isEmpty();
    }

    @Test
    void systemEnvironmentReadsThisProcess() {
        ConfigEnvironment system = ConfigEnvironment.system();
        assertThat(system.workingDirectory()).isEqualTo(Path.of(System.getProperty("user.dir")));
        // Path.endsWith compares names without touching the file system (the file need not exist)
        assertThat(system.userConfigFile().endsWith(Path.of("localllm", "config.json"))).isTrue();
        assertThat(system.systemProperties()).containsEntry("java.version", System.getProperty("java.version"));
    }

    @Test
    void autoDetectedValuesAddedLaterStayBeneathEveryOtherLayer() throws IOException {
        userFile("{\"threads\": 4}");
        LocalLlmConfig config = load(Map.of("backend", "llamacpp"), Map.of())
                .withAutoDetected(Map.of("threads", "2", "backend", "other", "context.size", "8192"));
        assertThat(config.value("threads").orElseThrow().source()).isEqualTo(ConfigSource.USER_FILE);
        assertThat(config.get("backend")).contains("llamacpp");
        assertThat(config.value("context.size").orElseThrow().source()).isEqualTo(ConfigSource.AUTO_DETECTED);
        assertThat(config).usingRecursiveComparison()
                .isEqualTo(load(Map.of("backend", "llamacpp"),
                        Map.of("threads", "2", "backend", "other", "context.size", "8192")));
    }

    @Test
    void valuesSetLaterGoAboveEveryLayerAsBuilderCallsDo() throws IOException {
        userFile("{\"threads\": 4, \"openai.api.key\": \"sk-user\"}");
        props.put("localllm.context.size", "2048");
        LocalLlmConfig config = load(Map.of("backend", "llamacpp"), Map.of())
                .withValues(Map.of("threads", "2", "openai.api.key", "", "ollama.url", "http://127.0.0.1:1"));
        assertThat(config.value("threads").orElseThrow().source()).isEqualTo(ConfigSource.BUILDER);
        assertThat(config.get("openai.api.key")).contains("");
        assertThat(config.get("context.size")).contains("2048");
        assertThat(config).usingRecursiveComparison().isEqualTo(load(Map.of("backend", "llamacpp", "threads", "2",
                "openai.api.key", "", "ollama.url", "http://127.0.0.1:1"), Map.of()));
    }
}
