package io.github.localllm.backend.llamaserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.backend.llamaserver.LlamaServerBinaryException.Reason;
import io.github.localllm.backend.llamaserver.internal.BinaryLocator;
import io.github.localllm.backend.llamaserver.internal.EnginesDirectory;
import io.github.localllm.backend.llamaserver.internal.ServerBinary;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.spi.EngineHealth;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding the binary and checking it: the order of the places searched, and a missing, non-executable,
 * foreign, silent or old binary, each refused with its own {@link Reason} and a message that says
 * what to do. Programs named llama-server are shell scripts made here.
 */
class BinaryLocatorTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String PLATFORM = Platform.current().map(Platform::id).orElse("linux-x64");
    @TempDir
    Path dir;

    @BeforeAll
    static void unixOnly() {
        org.junit.jupiter.api.Assumptions.assumeFalse(System.getProperty("os.name").startsWith("Windows"),
                "the fake binaries are shell scripts");
    }

    private ServerBinary locate(LocalLlmConfig config, Map<String, String> env) {
        UnaryOperator<String> lookup = env::get;
        return new BinaryLocator(config, lookup, TIMEOUT, LlamaServerBackendProvider.MINIMUM_BUILD).locate();
    }

    private Path fake(String where, int build) {
        return TestEngines.fakeServer(dir.resolve(where), build, "exit 0");
    }

    /** A variant as the installer leaves it: the server at its top, and its marker, written last. */
    private Path installed(int build, String accelerator, Instant at) throws Exception {
        Path variant = dir.resolve("engines/b" + build + "/" + PLATFORM + "-" + accelerator);
        Path server = fake(dir.relativize(variant.resolve("llama-server")).toString(), build);
        Path marker = Files.writeString(variant.resolve(EnginesDirectory.MARKER), "{}");
        Files.setLastModifiedTime(marker, FileTime.from(at));
        return server;
    }

    @Test
    void theRealBinaryReportsItsBuild() {
        Path real = TestEngines.binary();
        ServerBinary binary = locate(TestEngines.config(dir, "llamaserver.path", real.toString()), Map.of());
        assertThat(binary.build()).isEqualTo(10470);
        assertThat(binary.commit()).isEqualTo("34af94cd9");
        assertThat(binary.version()).isEqualTo("b10470 (34af94cd9)");
        assertThat(binary.foundBy()).contains("llamaserver.path");
    }

    @Test
    void theConfigurationWinsOverTheEnvironmentWhichWinsOverTheRest() throws Exception {
        Path configured = fake("configured/llama-server", 10470);
        Path fromEnv = fake("env/llama-server", 10471);
        installed(10472, "cpu", Instant.now());
        Path onPath = fake("bin/llama-server", 10473);
        Map<String, String> env = Map.of("LLAMA_SERVER", fromEnv.toString(), "PATH", onPath.getParent().toString());

        assertThat(locate(TestEngines.config(dir, "llamaserver.path", configured.toString()), env).path())
                .isEqualTo(configured);
        assertThat(locate(TestEngines.config(dir), env).path()).isEqualTo(fromEnv);
        assertThat(locate(TestEngines.config(dir), Map.of("PATH", onPath.getParent().toString())).build())
                .as("the engines directory before PATH").isEqualTo(10472);
        assertThat(locate(TestEngines.config(dir.resolve("elsewhere")), Map.of("PATH", "/nonexistent" + File.pathSeparator
                + onPath.getParent())).path()).isEqualTo(onPath);
    }

    @Test
    void theEnginesDirectoryGivesItsNewestCompleteBuildAndTheVariantAsked() throws Exception {
        Instant now = Instant.now();
        installed(9000, "cpu", now);
        Path cpu = installed(10470, "cpu", now.minusSeconds(3600));
        Path vulkan = installed(10470, "vulkan", now);
        // Newer, but without its marker: an install that did not finish is never used.
        fake("engines/b10471/" + PLATFORM + "-cpu/llama-server", 10471);
        fake("engines/b10470/.staging/llama-server", 10470);
        fake("engines/b10480/other-os-cpu/llama-server", 10480);
        Files.writeString(dir.resolve("engines/b10480/other-os-cpu").resolve(EnginesDirectory.MARKER), "{}");
        Files.createDirectories(dir.resolve("engines/b10470-partial/cpu")); // not a build folder

        assertThat(locate(TestEngines.config(dir), Map.of()).path())
                .as("the newest complete build of this platform, its variant installed last").isEqualTo(vulkan);
        assertThat(locate(TestEngines.config(dir, "llamaserver.variant", PLATFORM + "-cpu"), Map.of()).path())
                .isEqualTo(cpu);
        assertThat(locate(TestEngines.config(dir), Map.of()).foundBy()).contains("engines directory");
    }

    @Test
    void aFolderNamedIsSearchedForTheBinary() {
        Path binary = fake("folder/llama-server", 10470);
        assertThat(locate(TestEngines.config(dir, "llamaserver.path", binary.getParent().toString()), Map.of()).path())
                .isEqualTo(binary);
    }

    @Test
    void noBinaryAnywhereSaysWhereItLookedAndHowToInstallOne() {
        assertThatThrownBy(() -> locate(TestEngines.config(dir), Map.of("PATH", dir.resolve("empty").toString())))
                .isInstanceOfSatisfying(LlamaServerBinaryException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND);
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.path()).isEmpty();
                })
                .hasMessageContaining("llamaserver.path").hasMessageContaining("LLAMA_SERVER")
                .hasMessageContaining(dir.resolve("engines").toString()).hasMessageContaining("PATH")
                .hasMessageContaining("LlamaServerInstaller")
                .hasMessageContaining("https://github.com/ggml-org/llama.cpp/releases");
    }

    @Test
    void aMissingConfiguredBinaryIsNotFoundAndNotPassedOver() throws Exception {
        installed(10470, "cpu", Instant.now());
        Path missing = dir.resolve("nowhere/llama-server");
        assertThatThrownBy(() -> locate(TestEngines.config(dir, "llamaserver.path", missing.toString()), Map.of()))
                .isInstanceOfSatisfying(LlamaServerBinaryException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND);
                    assertThat(e.path()).contains(missing);
                })
                .hasMessageContaining("llamaserver.path").hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> locate(TestEngines.config(dir), Map.of("LLAMA_SERVER", missing.toString())))
                .isInstanceOf(LlamaServerBinaryException.class).hasMessageContaining("LLAMA_SERVER");
    }

    @Test
    void aFileThatIsNotExecutableSaysSo() throws Exception {
        Path plain = fake("plain/llama-server", 10470);
        Files.setPosixFilePermissions(plain, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isExecutable(plain), "this user may execute any file (root?)");
        assertThatThrownBy(() -> locate(TestEngines.config(dir, "llamaserver.path", plain.toString()), Map.of()))
                .isInstanceOfSatisfying(LlamaServerBinaryException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_EXECUTABLE))
                .hasMessageContaining("not executable").hasMessageContaining("chmod +x");
    }

    @Test
    void aFileTheSystemCannotRunIsNotExecutable() throws Exception {
        // Executable bits on bytes that are no program: the OS refuses to start it.
        Path garbage = dir.resolve("garbage/llama-server");
        Files.createDirectories(garbage.getParent());
        Files.write(garbage, new byte[] {0, 1, 2, 3, 4, 5, 6, 7});
        Files.setPosixFilePermissions(garbage, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThatThrownBy(() -> locate(TestEngines.config(dir, "llamaserver.path", garbage.toString()), Map.of()))
                .isInstanceOfSatisfying(LlamaServerBinaryException.class,
                        e -> assertThat(e.reason()).isIn(Reason.NOT_EXECUTABLE, Reason.NOT_LLAMA_SERVER))
                .hasMessageContaining(garbage.toString());
    }

    @Test
    void anotherProgramNamedLlamaServerIsRefused() {
        Path other = TestEngines.script(dir.resolve("other/llama-server"), "echo 'Usage: llama-server [--port N] (a toy)'");
        assertThatThrownBy(() -> locate(TestEngines.config(dir, "llamaserver.path", other.toString()), Map.of()))
                .isInstanceOfSatisfying(LlamaServerBinaryException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.NOT_LLAMA_SERVER);
                    assertThat(e.path()).contains(other);
                })
                .hasMessageContaining("is not llama.cpp's llama-server").hasMessageContaining("a toy")
                .hasMessageContaining("llamaserver.path");
    }

    @Test
    void aProgramThatDoesNotAnswerIsRefusedAndKilled() throws Exception {
        Path pidFile = dir.resolve("silent.pid");
        Path silent = TestEngines.script(dir.resolve("silent/llama-server"), "echo $$ > " + pidFile + "\nexec sleep 60");
        long start = System.nanoTime();
        assertThatThrownBy(() -> new BinaryLocator(TestEngines.config(dir, "llamaserver.path", silent.toString()),
                name -> null, Duration.ofMillis(500), LlamaServerBackendProvider.MINIMUM_BUILD).locate())
                .isInstanceOfSatisfying(LlamaServerBinaryException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_LLAMA_SERVER))
                .hasMessageContaining("did not answer `--version` within 500 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        Optional<ProcessHandle> left = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        assertThat(left).as("the silent program was killed").isEmpty();
    }

    @Test
    void anOldBuildIsRefusedWithWhatToDo() {
        Path old = TestEngines.script(dir.resolve("old/llama-server"),
                "echo 'version: 4916 (6d4a9ab1)' >&2\necho 'built with cc for x86_64-linux-gnu' >&2");
        assertThatThrownBy(() -> locate(TestEngines.config(dir, "llamaserver.path", old.toString()), Map.of()))
                .isInstanceOfSatisfying(LlamaServerBinaryException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.TOO_OLD);
                    assertThat(e.isRetryable()).isFalse();
                })
                .hasMessageContaining("b4916 (6d4a9ab1)").hasMessageContaining("older than b"
                        + LlamaServerBackendProvider.MINIMUM_BUILD).hasMessageContaining("Install a newer build");
    }

    @Test
    void anOldBuildInTheEnginesDirectoryIsPassedOverForPath() throws Exception {
        installed(5000, "cpu", Instant.now());
        Path onPath = fake("bin/llama-server", 10470);
        assertThat(locate(TestEngines.config(dir), Map.of("PATH", onPath.getParent().toString())).path()).isEqualTo(onPath);
        assertThatThrownBy(() -> locate(TestEngines.config(dir), Map.of()))
                .isInstanceOfSatisfying(LlamaServerBinaryException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TOO_OLD));
    }

    @Test
    void theProviderProbesWithoutThrowingAndCreateRefusesWithTheSameMessage() {
        LlamaServerBackendProvider provider = new LlamaServerBackendProvider(name -> null);
        LocalLlmConfig nothing = TestEngines.config(dir);
        EngineHealth down = provider.probe(nothing, Duration.ofSeconds(5));
        assertThat(down.up()).isFalse();
        assertThat(down.detail()).contains("no llama-server found");
        assertThatThrownBy(() -> provider.create(nothing)).isInstanceOf(LlamaServerBinaryException.class)
                .hasMessage(down.detail());

        Path good = fake("good/llama-server", 10470);
        EngineHealth up = provider.probe(TestEngines.config(dir, "llamaserver.path", good.toString()), Duration.ofSeconds(5));
        assertThat(up.up()).as(up.detail()).isTrue();
        assertThat(up.version()).isEqualTo("b10470 (34af94cd9)");
    }

    @Test
    void theProviderTakesFilesOnly() {
        LlamaServerBackendProvider provider = new LlamaServerBackendProvider();
        assertThat(provider.id()).isEqualTo("llamaserver");
        assertThat(provider.accepts(io.github.localllm.ModelRef.file(dir.resolve("m.gguf")))).isTrue();
        assertThat(provider.accepts(io.github.localllm.ModelRef.name("llama3.2"))).isFalse();
        assertThat(provider.capabilities().grammarDialect()).isNotEmpty();
        assertThat(io.github.localllm.LocalLlm.providers()).anySatisfy(
                p -> assertThat(p).isInstanceOf(LlamaServerBackendProvider.class));
    }
}
