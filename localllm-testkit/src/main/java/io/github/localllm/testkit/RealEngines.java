package io.github.localllm.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The real llama.cpp executables and the real tiny model, for integration tests. Each is looked for
 * as a user would point at their own: a system property, then an environment variable, then the
 * workspace's shared folder beside the project ({@code ../shared/engines/...}, {@code ../shared/models/...}).
 * When it is absent the test is skipped with the reason, except under {@code CI=true}, where it fails:
 * CI always runs the tests against the real engine.
 */
public final class RealEngines {
    private static final String BUILD_DIR = "shared/engines/llama.cpp-b10470-linux-x64-cpu/";

    private RealEngines() {
    }

    /** @return {@code llama-server}: {@code -Dlocalllm.llamaserver.path}, {@code LLAMA_SERVER} or the shared build */
    public static Path llamaServer() {
        return require("llama-server", "localllm.llamaserver.path", "LLAMA_SERVER", BUILD_DIR + "llama-server");
    }

    /** @return {@code llama-quantize}: {@code -Dlocalllm.llamaquantize.path}, {@code LLAMA_QUANTIZE} or the shared build */
    public static Path llamaQuantize() {
        return require("llama-quantize", "localllm.llamaquantize.path", "LLAMA_QUANTIZE",
                BUILD_DIR + "llama-quantize");
    }

    /** @return the real tiny model: {@code -Dlocalllm.test.model}, {@code LOCALLLM_TEST_MODEL} or the shared one */
    public static Path tinyModel() {
        return require("test model", "localllm.test.model", "LOCALLLM_TEST_MODEL",
                "shared/models/stories260K-f16.gguf");
    }

    private static Path require(String what, String property, String variable, String shared) {
        String given = System.getProperty(property);
        if (given == null || given.isBlank()) {
            given = System.getenv(variable);
        }
        Path path = given != null && !given.isBlank() ? Path.of(given) : projectRoot().resolveSibling(shared);
        if (Files.isRegularFile(path)) {
            return path;
        }
        String why = "no " + what + " at " + path + (given == null || given.isBlank()
                ? " (set " + variable + " or -D" + property + ")" : "");
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(why + "; CI=true: the tests against the real engine must run");
        }
        Assumptions.abort(why);
        throw new AssertionError(why);
    }

    /** The project root: the nearest folder up from the working directory with the Maven wrapper. */
    private static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("localllm-api"))) {
                return p;
            }
        }
        return dir;
    }
}
