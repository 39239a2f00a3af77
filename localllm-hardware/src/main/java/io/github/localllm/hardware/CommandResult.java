package io.github.localllm.hardware;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What running an external tool (nvidia-smi, rocm-smi, sysctl, reg) produced. A tool that is
 * missing or hangs is a normal outcome on most machines, so it is a value here, not an exception.
 */
public sealed interface CommandResult {

    /** @return the command that was run */
    List<String> command();

    /**
     * The tool ran and exited.
     *
     * @param command the command
     * @param exitCode its exit code
     * @param stdout what it printed on standard output
     * @param stderr what it printed on standard error
     */
    record Completed(List<String> command, int exitCode, String stdout, String stderr) implements CommandResult {
        /** Copies the command and checks no part is missing. */
        public Completed {
            command = List.copyOf(command);
            Objects.requireNonNull(stdout, "stdout");
            Objects.requireNonNull(stderr, "stderr");
        }

        /** @return whether the tool reported success */
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    /**
     * The tool did not finish within the limit and was killed.
     *
     * @param command the command
     * @param limit the time it was given
     */
    record TimedOut(List<String> command, Duration limit) implements CommandResult {
        /** Copies the command. */
        public TimedOut {
            command = List.copyOf(command);
            Objects.requireNonNull(limit, "limit");
        }
    }

    /**
     * The tool could not be started, usually because it is not installed.
     *
     * @param command the command
     * @param reason why it could not start
     */
    record NotFound(List<String> command, String reason) implements CommandResult {
        /** Copies the command. */
        public NotFound {
            command = List.copyOf(command);
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** @return a short description for "unknown" readings and logs */
    default String describe() {
        String tool = command().isEmpty() ? "?" : command().get(0);
        if (this instanceof Completed c) {
            return tool + " exited with code " + c.exitCode();
        }
        if (this instanceof TimedOut t) {
            return tool + " did not answer within " + t.limit().toMillis() + " ms and was killed";
        }
        return tool + " is not available (" + ((NotFound) this).reason() + ")";
    }
}
