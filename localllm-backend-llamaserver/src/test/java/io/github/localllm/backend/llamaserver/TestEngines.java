package io.github.localllm.backend.llamaserver;

import io.github.localllm.backend.llamaserver.internal.PortChooser;
import io.github.localllm.backend.llamaserver.internal.RestartPolicy;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.testkit.RealEngines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

/**
 * The real {@code llama-server} and model the integration tests run, found like the project's other
 * tests find them: the system property {@code localllm.llamaserver.path}, the variable
 * {@code LLAMA_SERVER}, or {@code ../shared/engines/llama.cpp-b10470-linux-x64-cpu/llama-server}
 * beside the project; the model {@code localllm.test.model}, {@code LOCALLLM_TEST_MODEL}, or
 * {@code ../shared/models/stories260K-f16.gguf}. Missing, a test is skipped with the reason, or fails
 * under {@code CI=true}. Configurations are isolated: no user file, no real environment, and the
 * engines and state directories of the test.
 */
final class TestEngines {

    private TestEngines() {
    }

    /** @return the real binary; skips (or fails under CI) without it */
    static Path binary() {
        return RealEngines.llamaServer();
    }

    /** @return the real model; skips (or fails under CI) without it */
    static Path model() {
        return RealEngines.tinyModel();
    }

    /**
     * @param dir the test's directory: engines and state directories go there
     * @param keyValues more configuration, key then value
     * @return a configuration of only these values
     */
    static LocalLlmConfig config(Path dir, String... keyValues) {
        Map<String, String> values = new HashMap<>();
        values.put(LlamaServerBackendProvider.ENGINES_DIR_KEY, dir.resolve("engines").toString());
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return LocalLlmConfig.load(values, Map.of(),
                new ConfigEnvironment(Map.of(), Map.of(), dir, dir.resolve("no-user-config.json")));
    }

    /** @return an engine on the real binary, with the test's directories and the given configuration */
    static LlamaServerBackend backend(Path dir, String... keyValues) {
        return backend(dir, RestartPolicy.DEFAULT, PortChooser.EPHEMERAL, keyValues);
    }

    static LlamaServerBackend backend(Path dir, RestartPolicy restarts, PortChooser ports, String... keyValues) {
        return backend(dir, restarts, ports, Residency.JVM, keyValues);
    }

    /** @return an engine on the real binary whose models share only {@code residency}'s memory */
    static LlamaServerBackend backend(Path dir, Residency residency, String... keyValues) {
        return backend(dir, RestartPolicy.DEFAULT, PortChooser.EPHEMERAL, residency, keyValues);
    }

    private static LlamaServerBackend backend(Path dir, RestartPolicy restarts, PortChooser ports, Residency residency,
                                              String... keyValues) {
        String[] all = new String[keyValues.length + 2];
        all[0] = LlamaServerBackendProvider.PATH_KEY;
        all[1] = binary().toString();
        System.arraycopy(keyValues, 0, all, 2, keyValues.length);
        return new LlamaServerBackendProvider(name -> null).create(config(dir, all), restarts, ports, residency);
    }

    /**
     * Writes an executable shell script.
     *
     * @param file where
     * @param body the script after {@code #!/bin/sh}
     * @return the file
     */
    static Path script(Path file, String body) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "#!/bin/sh\n" + body + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A script that says it is build {@code build} when asked, and runs {@code serve} otherwise. */
    static Path fakeServer(Path file, int build, String serve) {
        return script(file, "if [ \"$1\" = --version ]; then\n"
                + "  echo 'version: 0.1.1-dev (build " + build + ", commit 34af94cd9)' >&2\n"
                + "  echo 'built with GNU 12.2.0 for Linux x86_64' >&2\n"
                + "  exit 0\nfi\n" + serve);
    }
}
