package io.github.localllm.hardware;

import java.time.Duration;
import java.util.List;

/**
 * Runs an external tool with a hard time limit. Detection calls it for nvidia-smi, rocm-smi,
 * sysctl and reg; tests replace it with recorded outputs so that no GPU is needed.
 * Implementations never throw for a missing, failing or hung tool: each is a {@link CommandResult}.
 */
@FunctionalInterface
public interface CommandRunner {

    /** The limit detection gives each tool: a hung nvidia-smi is abandoned after this. */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    /**
     * @param command the program and its arguments
     * @param timeout how long the tool may run before it is killed
     * @return what happened
     */
    CommandResult run(List<String> command, Duration timeout);

    /** @return the runner that starts real processes with {@link ProcessBuilder} */
    static CommandRunner processes() {
        return new ProcessCommandRunner();
    }
}
