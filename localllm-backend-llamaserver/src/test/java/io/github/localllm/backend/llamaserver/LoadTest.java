package io.github.localllm.backend.llamaserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.InvalidModelFileException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelLoadException;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.ModelRef;
import io.github.localllm.SamplingParameters;
import io.github.localllm.UnsupportedModelException;
import io.github.localllm.backend.llamaserver.internal.PortChooser;
import io.github.localllm.backend.llamaserver.internal.RestartPolicy;
import io.github.localllm.backend.llamaserver.internal.ServerProcess;
import io.github.localllm.gguf.SyntheticModel;
import io.github.localllm.spi.LoadedModel;
import io.github.localllm.spi.ModelLoadRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading models on the real llama-server: what a load starts and what closing stops, the key that
 * guards the server, ports taken between choosing and binding, and every way a load fails, each
 * a typed error that quotes the server and leaves no process behind.
 */
@ExtendWith(NoOrphans.class)
class LoadTest {
    private static final LoadOptions SMALL = LoadOptions.builder().contextSize(256).threads(2)
            .engineOptions(LlamaServerOptions.builder().parallel(1).build()).build();
    @TempDir
    Path dir;

    @AfterEach
    void nothingRuns() {
        assertThat(ServerProcess.running()).as("servers still running after the test").isEmpty();
    }

    /**
     * The failure of loading {@code file}, from the first of three attempts whose message quotes
     * {@code expected}. b10470 logs through a background thread and, exiting at once on a bad file,
     * sometimes loses its last lines (seen in CI: the output ended mid-line); the engine then still
     * fails the load with a {@code ModelLoadException} naming the exit code, which every attempt checks.
     */
    private Throwable failureQuoting(Path file, String expected) {
        Throwable failure = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                TestEngines.backend(dir).load(request(file)).close();
                throw new AssertionError("loading " + file + " did not fail");
            } catch (ModelLoadException e) {
                assertThat(e).hasMessageContaining(file.toString()).hasMessageContaining("exited with code");
                failure = e;
                if (e.getMessage().contains(expected)) {
                    return e;
                }
            }
        }
        return failure;
    }

    private static ModelLoadRequest request(Path file) {
        return new ModelLoadRequest(ModelRef.file(file), SMALL);
    }

    @Test
    void aLoadStartsAServerThatAnswersAndCloseStopsIt() throws Exception {
        LlamaServerBackend backend = TestEngines.backend(dir);
        ServerProcess server;
        try (ModelInstance model = backend.load(request(TestEngines.model()))) {
            server = ((ManagedModel) model).server().orElseThrow();
            assertThat(server.isAlive()).isTrue();
            assertThat(model.info().name()).isEqualTo("stories260K-f16");
            assertThat(model.info().backend()).isEqualTo("llamaserver");
            assertThat(model.info().architecture()).isEqualTo("llama");
            assertThat(model.info().options().contextSize()).isEqualTo(256);
            assertThat(model.info().options().engineOptions(LlamaServerOptions.class).orElseThrow().parallel()).isEqualTo(1);
            assertThat(model.info().loadTime()).isPositive();
            assertThat(server.startTime()).isPositive().isLessThanOrEqualTo(model.info().loadTime());

            GenerationResult answer = model.generate(GenerationRequest.builder().prompt("Once upon a time")
                    .sampling(SamplingParameters.greedy()).maxTokens(8).build());
            assertThat(answer.text()).isNotEmpty();
            assertThat(answer.usage().completionTokens()).isBetween(1, 8);

            List<LoadedModel> loaded = backend.loadedModels();
            assertThat(loaded).singleElement().satisfies(m -> {
                assertThat(m.ref()).isEqualTo(ModelRef.file(TestEngines.model().toAbsolutePath()));
                assertThat(m.contextSize()).isEqualTo(256);
                assertThat(m.memoryBytes()).isPositive();
            });
            assertThat(Files.list(dir.resolve("engines/state")).toList()).as("the server's record")
                    .singleElement().satisfies(f -> assertThat(f.getFileName().toString()).contains(Long.toString(server.pid())));
        }
        assertThat(server.isAlive()).as("the server after close").isFalse();
        assertThat(ProcessHandle.of(server.pid()).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(Files.list(dir.resolve("engines/state")).toList()).as("records after close").isEmpty();
        assertThat(backend.loadedModels()).isEmpty();
    }

    @Test
    void theServerTakesOnlyItsKeyWhichIsNeitherInItsArgumentsNorInTheLog() throws Exception {
        try (ModelInstance model = TestEngines.backend(dir).load(request(TestEngines.model()))) {
            ServerProcess server = ((ManagedModel) model).server().orElseThrow();
            HttpClient http = HttpClient.newHttpClient();
            URI props = URI.create(server.root() + "/props");
            assertThat(http.send(HttpRequest.newBuilder(props).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                    .isEqualTo(401);
            assertThat(http.send(HttpRequest.newBuilder(props).header("Authorization", "Bearer wrong").build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
            assertThat(http.send(HttpRequest.newBuilder(props).header("Authorization", "Bearer " + server.apiKey()).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
            assertThat(server.apiKey()).hasSizeGreaterThanOrEqualTo(32);
            String commandLine = ProcessHandle.of(server.pid()).orElseThrow().info().commandLine().orElse("");
            assertThat(commandLine).contains("--host 127.0.0.1").doesNotContain(server.apiKey());
            assertThat(server.output().last(1000)).noneMatch(line -> line.contains(server.apiKey()));
        }
    }

    @Test
    void aPortTakenBetweenChoosingAndBindingIsRetriedOnAnother() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Deque<Integer> ports = new ArrayDeque<>(List.of(taken.getLocalPort()));
            PortChooser chooser = () -> ports.isEmpty() ? PortChooser.EPHEMERAL.next() : ports.removeFirst();
            try (ModelInstance model = TestEngines.backend(dir, RestartPolicy.DEFAULT, chooser)
                    .load(request(TestEngines.model()))) {
                ServerProcess server = ((ManagedModel) model).server().orElseThrow();
                assertThat(server.port()).isNotEqualTo(taken.getLocalPort());
                assertThat(model.generate(GenerationRequest.builder().prompt("Hi").maxTokens(2).build()).text()).isNotNull();
            }
        }
    }

    @Test
    void anotherServerAnsweringOnThePortIsNotTakenForOurs() throws Exception {
        com.sun.net.httpserver.HttpServer impostor = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        impostor.createContext("/", ex -> {
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        impostor.start();
        try {
            Deque<Integer> ports = new ArrayDeque<>(List.of(impostor.getAddress().getPort()));
            PortChooser chooser = () -> ports.isEmpty() ? PortChooser.EPHEMERAL.next() : ports.removeFirst();
            try (ModelInstance model = TestEngines.backend(dir, RestartPolicy.DEFAULT, chooser)
                    .load(request(TestEngines.model()))) {
                assertThat(((ManagedModel) model).server().orElseThrow().port()).isNotEqualTo(impostor.getAddress().getPort());
            }
        } finally {
            impostor.stop(0);
        }
    }

    @Test
    void aModelOfAnArchitectureTheBuildDoesNotKnowIsUnsupportedAndQuotesTheServer() {
        Path file = dir.resolve("future.gguf");
        SyntheticModel.tiny().writer().putString("general.architecture", "llama9000").write(file);
        assertThat(failureQuoting(file, "unknown model architecture"))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("b10470 cannot run " + file)
                .hasMessageContaining("Its last output:")
                .hasMessageContaining("unknown model architecture: 'llama9000'")
                .hasMessageContaining("Install a newer llama.cpp build");
    }

    @Test
    void aModelTheServerCannotLoadIsALoadFailureThatQuotesTheServer() {
        // A valid header that promises a layer the file does not hold: only llama.cpp finds out.
        Path file = dir.resolve("short-of-a-layer.gguf");
        SyntheticModel tiny = SyntheticModel.tiny();
        tiny.writer().putUInt32("llama.block_count", tiny.blockCount() + 1).write(file);
        assertThat(failureQuoting(file, "not found"))
                .isInstanceOf(ModelLoadException.class).isNotInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("could not load " + file)
                .hasMessageContaining("Its last output:")
                .hasMessageContaining("tensor 'blk.2.attn_norm.weight' not found");
    }

    @Test
    void aTruncatedFileIsRefusedBeforeAnyServerStarts() throws IOException {
        Path file = dir.resolve("truncated.gguf");
        Files.copy(TestEngines.model(), file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() / 2);
        }
        assertThatThrownBy(() -> TestEngines.backend(dir).load(request(file))).isInstanceOf(InvalidModelFileException.class);
        assertThat(dir.resolve("engines/state")).doesNotExist();
    }

    @Test
    void aMissingFileOrANameIsRefusedBeforeAnyServerStarts() {
        LlamaServerBackend backend = TestEngines.backend(dir);
        assertThatThrownBy(() -> backend.load(request(dir.resolve("absent.gguf")))).isInstanceOf(ModelNotFoundException.class);
        assertThatThrownBy(() -> backend.load(new ModelLoadRequest(ModelRef.name("llama3.2"), SMALL)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("ModelRef.file");
        assertThat(dir.resolve("engines/state")).doesNotExist();
    }

    @Test
    void aServerThatExitsWhileLoadingIsALoadFailureWithItsExitCodeAndOutput() {
        Path fake = TestEngines.fakeServer(dir.resolve("bin/llama-server"), 10470,
                "echo 'load_model: loading model'\necho 'ggml_backend: device lost' >&2\nexit 3");
        LlamaServerBackend backend = fakeBackend(fake);
        assertThatThrownBy(() -> backend.load(request(TestEngines.model())))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("exited while loading").hasMessageContaining("code 3")
                .hasMessageContaining("load_model: loading model").hasMessageContaining("device lost");
    }

    @Test
    void aLoadOverItsTimeBudgetIsStoppedAndSaysHowToGiveItMore() throws Exception {
        Path pidFile = dir.resolve("server.pid");
        Path fake = TestEngines.fakeServer(dir.resolve("bin/llama-server"), 10470,
                "echo $$ > " + pidFile + "\necho 'load_model: loading model (slowly)'\nexec sleep 60");
        LlamaServerBackend backend = fakeBackend(fake, "llamaserver.load.timeout", "1s", "llamaserver.stop.grace", "1s");
        assertThatThrownBy(() -> backend.load(request(TestEngines.model())))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("did not finish loading").hasMessageContaining("within 1000 ms")
                .hasMessageContaining("llamaserver.load.timeout").hasMessageContaining("loading model (slowly)");
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("the server that took too long").isEmpty();
    }

    private LlamaServerBackend fakeBackend(Path fake, String... keyValues) {
        String[] all = new String[keyValues.length + 2];
        all[0] = LlamaServerBackendProvider.PATH_KEY;
        all[1] = fake.toString();
        System.arraycopy(keyValues, 0, all, 2, keyValues.length);
        return (LlamaServerBackend) new LlamaServerBackendProvider(name -> null).create(TestEngines.config(dir, all),
                RestartPolicy.DEFAULT, PortChooser.EPHEMERAL);
    }

    @Test
    void loadOptionsReachTheServer() throws Exception {
        LoadOptions options = LoadOptions.builder().contextSize(512).threads(1)
                .engineOptions(LlamaServerOptions.builder().parallel(2).batchSize(64).build()).build();
        try (ModelInstance model = TestEngines.backend(dir).load(new ModelLoadRequest(ModelRef.file(TestEngines.model()),
                options))) {
            ServerProcess server = ((ManagedModel) model).server().orElseThrow();
            String commandLine = ProcessHandle.of(server.pid()).orElseThrow().info().commandLine().orElse("");
            assertThat(commandLine).contains("--ctx-size 1024", "--threads 1", "--parallel 2", "--batch-size 64", "--jinja");
            assertThat(server.output().last(OutputTailLines.ALL)).anyMatch(l -> l.contains("n_slots = 2, n_ctx_slot = 512"));
            assertThat(model.info().options().contextSize()).as("the context each slot gets").isEqualTo(512);
        }
    }

    /** How many lines to ask for to get all kept. */
    private static final class OutputTailLines {
        static final int ALL = 1000;
    }
}
