package io.github.localllm.backend.llamaserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.localllm.GenerationRequest;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelRef;
import io.github.localllm.backend.llamaserver.internal.install.FakeRelease;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.spi.ModelLoadRequest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installer and the engine together: the real b10470 installed from a loopback release into the
 * engines directory is what the engine finds, without {@code llamaserver.path} or {@code LLAMA_SERVER},
 * and it serves the model.
 */
@ExtendWith(NoOrphans.class)
class InstalledEngineTest {
    private static final String CPU = "llama-b10470-bin-ubuntu-x64.tar.gz";
    @TempDir
    Path dir;

    @Test
    void theEngineRunsTheServerTheInstallerPutInTheEnginesDirectory() {
        assumeTrue(Platform.current().equals(Optional.of(Platform.LINUX_X64)),
                "the real llama-server in ../shared/engines is a Linux x64 build");
        byte[] archive = io.github.localllm.backend.llamaserver.internal.install.TestEngines.realLinuxArchive(
                io.github.localllm.backend.llamaserver.internal.install.TestEngines.realEngine());
        try (FakeRelease release = FakeRelease.builder().asset(CPU, archive).start()) {
            Map<String, String> values = new HashMap<>(release.config());
            values.put(LlamaServerBackendProvider.ENGINES_DIR_KEY, dir.resolve("engines").toString());
            LocalLlmConfig config = LocalLlmConfig.load(values, Map.of(),
                    new ConfigEnvironment(Map.of(), Map.of(), dir, dir.resolve("none.json")));
            Path installed = LlamaServerInstaller.builder().config(config).build().install(Platform.LINUX_X64,
                    Accelerator.CPU);

            LlamaServerBackend backend = (LlamaServerBackend) new LlamaServerBackendProvider(name -> null).create(config);
            assertThat(backend.info().version()).isEqualTo("b10470 (34af94cd9)");
            try (ModelInstance model = backend.load(new ModelLoadRequest(ModelRef.file(TestEngines.model()),
                    LoadOptions.builder().contextSize(256).threads(1).build()))) {
                long pid = ((ManagedModel) model).server().orElseThrow().pid();
                assertThat(ProcessHandle.of(pid).orElseThrow().info().command()).contains(installed.toString());
                assertThat(model.generate(GenerationRequest.builder().prompt("Once").maxTokens(2).build()).text())
                        .isNotNull();
            }
        }
    }
}
