package io.github.localllm.backend.llamaserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationStream;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelRef;
import io.github.localllm.SamplingParameters;
import io.github.localllm.backend.llamaserver.internal.PortChooser;
import io.github.localllm.backend.llamaserver.internal.RestartPolicy;
import io.github.localllm.backend.llamaserver.internal.ServerProcess;
import io.github.localllm.spi.ModelLoadRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that dies under its model, killed here with {@code SIGKILL}: the request in flight fails
 * with a retryable error naming the exit code and quoting the server, the server is started again
 * for the next request, a server that keeps dying is given up, and no process is left behind.
 */
@ExtendWith(NoOrphans.class)
class SupervisionTest {
    private static final LoadOptions SMALL = LoadOptions.builder().contextSize(512).threads(2)
            .engineOptions(LlamaServerOptions.builder().parallel(1).build()).build();
    private static final GenerationRequest SHORT = GenerationRequest.builder().prompt("Once upon a time")
            .sampling(SamplingParameters.greedy()).maxTokens(4).build();
    /** Without a limit the model writes until its context is full: hundreds of tokens. */
    private static final GenerationRequest LONG = GenerationRequest.builder().prompt("Tell a long story.")
            .sampling(SamplingParameters.greedy()).build();
    @TempDir
    Path dir;

    @AfterEach
    void nothingRuns() {
        assertThat(ServerProcess.running()).as("servers still running after the test").isEmpty();
    }

    private ManagedModel load(RestartPolicy policy) {
        return (ManagedModel) TestEngines.backend(dir, policy, PortChooser.EPHEMERAL)
                .load(new ModelLoadRequest(ModelRef.file(TestEngines.model()), SMALL));
    }

    private static ServerProcess kill(ManagedModel model) {
        ServerProcess server = model.server().orElseThrow();
        ProcessHandle.of(server.pid()).orElseThrow().destroyForcibly();
        return server;
    }

    @Test
    void aServerKilledMidStreamFailsTheStreamRetryablyAndRunsAgainForTheNextRequest() throws Exception {
        try (ManagedModel model = load(RestartPolicy.DEFAULT)) {
            ServerProcess first;
            try (GenerationStream stream = model.stream(LONG)) {
                Iterator<GenerationChunk> chunks = stream.iterator();
                assertThat(chunks.hasNext()).isTrue();
                chunks.next();
                first = kill(model);
                assertThatThrownBy(() -> {
                    while (chunks.hasNext()) {
                        chunks.next();
                    }
                }).isInstanceOfSatisfying(BackendUnavailableException.class, e -> assertThat(e.isRetryable()).isTrue())
                        .hasMessageContaining("llama-server pid " + first.pid())
                        .hasMessageContaining("exited with code 137 (killed by SIGKILL")
                        .hasMessageContaining("during the request").hasMessageContaining("retry the request")
                        .hasMessageContaining("Its last output:").hasMessageContaining("listening on");
            }
            assertThat(model.generate(SHORT).text()).as("the answer after the restart").isNotEmpty();
            ServerProcess second = model.server().orElseThrow();
            assertThat(second.pid()).isNotEqualTo(first.pid());
            assertThat(first.isAlive()).isFalse();
            assertThat(model.restarts()).isEqualTo(1);
            assertThat(Files.list(dir.resolve("engines/state")).toList()).as("records: the new server's only")
                    .singleElement().satisfies(f -> assertThat(f.toString()).contains(Long.toString(second.pid())));
        }
    }

    @Test
    void aRequestInFlightBeforeTheAnswerBeganFailsRetryablyToo() throws Exception {
        try (ManagedModel model = load(RestartPolicy.DEFAULT)) {
            ServerProcess server = model.server().orElseThrow();
            // Stopped, the server accepts the connection but never answers: the request waits in flight.
            Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(server.pid())).start();
            assertThat(stop.waitFor()).isZero();
            var answer = model.generateAsync(SHORT);
            Thread.sleep(300);
            assertThat(answer).isNotDone();
            kill(model);
            assertThatThrownBy(() -> answer.get(10, java.util.concurrent.TimeUnit.SECONDS))
                    .hasCauseInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("exited with code 137").hasMessageContaining("during the request");
            assertThat(model.generate(SHORT).text()).isNotEmpty();
        }
    }

    @Test
    void aRequestWhileTheServerRestartsWaitsForIt() {
        RestartPolicy slow = new RestartPolicy(3, Duration.ofMinutes(1), List.of(Duration.ofMillis(700)));
        try (ManagedModel model = load(slow)) {
            ServerProcess first = kill(model);
            first.awaitExit(Duration.ofSeconds(5));
            long start = System.nanoTime();
            assertThat(model.generate(SHORT).text()).isNotEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited for the restart")
                    .isGreaterThan(Duration.ofMillis(300));
            assertThat(model.restarts()).isEqualTo(1);
        }
    }

    @Test
    void aServerThatKeepsCrashingIsGivenUpWithWhatToDo() {
        RestartPolicy once = new RestartPolicy(1, Duration.ofMinutes(1), List.of(Duration.ofMillis(10)));
        try (ManagedModel model = load(once)) {
            ServerProcess first = kill(model);
            first.awaitExit(Duration.ofSeconds(5));
            assertThat(model.generate(SHORT).text()).isNotEmpty();
            ServerProcess second = kill(model);
            second.awaitExit(Duration.ofSeconds(5));
            awaitGivenUp(model);
            assertThatThrownBy(() -> model.generate(SHORT))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("crashed 2 times within 60 s and is not restarted again")
                    .hasMessageContaining("load the model again").hasMessageContaining("exited with code 137");
            assertThat(ServerProcess.running()).isEmpty();
        }
    }

    private static void awaitGivenUp(ManagedModel model) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (model.server().isPresent() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    @Test
    void closingTheModelWhileItsServerRestartsLeavesNoServer() throws Exception {
        RestartPolicy slow = new RestartPolicy(3, Duration.ofMinutes(1), List.of(Duration.ofMillis(300)));
        ManagedModel model = load(slow);
        ServerProcess first = kill(model);
        first.awaitExit(Duration.ofSeconds(5));
        Thread.sleep(350); // the restart is under way
        model.close();
        assertThatThrownBy(() -> model.generate(SHORT)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("closed");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!ServerProcess.running().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ServerProcess.running()).isEmpty();
    }

    @Test
    void closingStopsTheServerGracefully() {
        ManagedModel model = load(RestartPolicy.DEFAULT);
        ServerProcess server = model.server().orElseThrow();
        model.close();
        assertThat(server.isAlive()).isFalse();
        // llama-server handles SIGTERM and exits with 0; 137 would mean it had to be killed.
        assertThat(server.exitCode()).as("exit code after SIGTERM").isZero();
        model.close(); // twice is harmless
    }
}
