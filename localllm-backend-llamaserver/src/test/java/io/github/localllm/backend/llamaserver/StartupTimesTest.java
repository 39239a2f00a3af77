package io.github.localllm.backend.llamaserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.GenerationRequest;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelRef;
import io.github.localllm.SamplingParameters;
import io.github.localllm.backend.llamaserver.internal.PortChooser;
import io.github.localllm.backend.llamaserver.internal.RestartPolicy;
import io.github.localllm.backend.llamaserver.internal.ServerProcess;
import io.github.localllm.spi.ModelLoadRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures, on the tiny model, what a user waits for: a cold start (spawning the server to its
 * {@code /health} answering 200, and the whole {@code load()}), and the recovery from a crash (the
 * server killed, to the next request answered). The numbers are logged, not asserted: timing is
 * for benchmarks, and this machine is shared. Asserted is only that each recovery happened.
 */
@ExtendWith(NoOrphans.class)
class StartupTimesTest {
    private static final Logger LOG = LoggerFactory.getLogger(StartupTimesTest.class);
    private static final int STARTS = 3;
    private static final int CRASHES = 3;
    private static final LoadOptions SMALL = LoadOptions.builder().contextSize(512).threads(2)
            .engineOptions(LlamaServerOptions.builder().parallel(1).build()).build();
    private static final GenerationRequest SHORT = GenerationRequest.builder().prompt("Once upon a time")
            .sampling(SamplingParameters.greedy()).maxTokens(1).build();
    @TempDir
    Path dir;

    @Test
    void coldStartAndCrashRecoveryTimes() {
        // Backoff of 1 ms: the pause before a restart is policy, not work; the default adds 100 ms.
        RestartPolicy immediate = new RestartPolicy(CRASHES, Duration.ofMinutes(5), List.of(Duration.ofMillis(1)));
        LlamaServerBackend backend = TestEngines.backend(dir, immediate, PortChooser.EPHEMERAL);
        ModelLoadRequest request = new ModelLoadRequest(ModelRef.file(TestEngines.model()), SMALL);
        backend.load(request).close(); // the JVM's first load pays for class loading and JIT

        List<Long> spawnToReady = new ArrayList<>();
        List<Long> load = new ArrayList<>();
        for (int i = 0; i < STARTS; i++) {
            try (ManagedModel model = (ManagedModel) backend.load(request)) {
                spawnToReady.add(model.server().orElseThrow().startTime().toMillis());
                load.add(model.info().loadTime().toMillis());
            }
        }
        List<Long> recovered = new ArrayList<>();
        List<Long> restartSpawnToReady = new ArrayList<>();
        try (ManagedModel model = (ManagedModel) backend.load(request)) {
            model.generate(SHORT);
            for (int i = 0; i < CRASHES; i++) {
                ServerProcess server = model.server().orElseThrow();
                long start = System.nanoTime();
                ProcessHandle.of(server.pid()).orElseThrow().destroyForcibly();
                server.awaitExit(Duration.ofSeconds(5));
                assertThat(model.generate(SHORT).text()).isNotNull();
                recovered.add((System.nanoTime() - start) / 1_000_000);
                restartSpawnToReady.add(model.server().orElseThrow().startTime().toMillis());
            }
            assertThat(model.restarts()).isEqualTo(CRASHES);
        }
        LOG.info(String.format(Locale.ROOT, "stories260K-f16, llama-server b10470, %d cores: cold start (spawn to"
                        + " /health 200) %s ms; whole load() %s ms; crash (SIGKILL) to the next answer %s ms, of which"
                        + " the restarted server's spawn to ready %s ms", Runtime.getRuntime().availableProcessors(),
                summary(spawnToReady), summary(load), summary(recovered), summary(restartSpawnToReady)));
    }

    private static String summary(List<Long> millis) {
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return "median " + sorted.get(sorted.size() / 2) + " (min " + sorted.get(0) + ", max "
                + sorted.get(sorted.size() - 1) + ", n=" + sorted.size() + ")";
    }
}
