package io.github.localllm.backend.llamaserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.backend.llamaserver.internal.ServerProcess;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After a test class: no server this JVM started still runs, neither among those the engine tracks
 * nor among this JVM's child processes.
 */
final class NoOrphans implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<String> left = leftovers();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            left = leftovers();
        }
        assertThat(left).as("llama-server processes still running after %s", context.getDisplayName()).isEmpty();
    }

    static List<String> leftovers() {
        List<String> running = ServerProcess.running().stream().map(ServerProcess::toString).collect(Collectors.toList());
        ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> c.endsWith("llama-server")).orElse(false))
                .forEach(h -> running.add("child pid " + h.pid() + " " + h.info().commandLine().orElse("")));
        return running;
    }
}
