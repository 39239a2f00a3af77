package io.github.localllm.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ProcessCommandRunnerTest {
    private final CommandRunner runner = CommandRunner.processes();

    @Test
    @Timeout(8)
    void aHungToolIsKilledAtTheLimit() {
        assumeTrue(Files.isExecutable(Path.of("/bin/sleep")) || Files.isExecutable(Path.of("/usr/bin/sleep")));

        CommandResult result = runner.run(List.of("sleep", "10"), Duration.ofMillis(300));

        assertThat(result).isInstanceOf(CommandResult.TimedOut.class);
        assertThat(result.describe()).contains("did not answer within 300 ms");
    }

    @Test
    void aMissingToolIsNotFound() {
        CommandResult result = runner.run(List.of("localllm-no-such-tool-4711"), Duration.ofSeconds(2));

        assertThat(result).isInstanceOf(CommandResult.NotFound.class);
        assertThat(result.describe()).contains("is not available");
    }

    @Test
    void outputAndExitCodeAreKept() {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")));

        CommandResult result = runner.run(List.of("/bin/sh", "-c", "echo out; echo err >&2; exit 3"),
                Duration.ofSeconds(5));

        assertThat(result).isInstanceOfSatisfying(CommandResult.Completed.class, c -> {
            assertThat(c.exitCode()).isEqualTo(3);
            assertThat(c.succeeded()).isFalse();
            assertThat(c.stdout()).isEqualTo("out\n");
            assertThat(c.stderr()).isEqualTo("err\n");
        });
    }
}
