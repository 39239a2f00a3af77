package io.github.localllm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise of the design: a third party ships an engine as one jar, and an application
 * picks it up with no code change, on the class path and on the module path. Nothing here is
 * simulated: the engine and the application are compiled from source at test time, against the
 * API as a jar, and run in child JVMs that know nothing of this test.
 */
class ThirdPartyBackendDiscoveryTest {
    private static final String SERVICE = "META-INF/services/io.github.localllm.spi.InferenceBackendProvider";
    private static final String PROVIDER = "com.example.thirdparty.EchoBackendProvider";

    private static final Map<String, String> ENGINE_SOURCES = Map.of(
            "com/example/thirdparty/EchoBackendProvider.java", """
                    package com.example.thirdparty;

                    import io.github.localllm.config.LocalLlmConfig;
                    import io.github.localllm.spi.InferenceBackend;
                    import io.github.localllm.spi.InferenceBackendProvider;

                    public final class EchoBackendProvider implements InferenceBackendProvider {
                        @Override public String id() { return "echo"; }
                        @Override public InferenceBackend create(LocalLlmConfig config) { return new EchoBackend(); }
                    }
                    """,
            "com/example/thirdparty/EchoBackend.java", """
                    package com.example.thirdparty;

                    import io.github.localllm.ModelInstance;
                    import io.github.localllm.spi.BackendInfo;
                    import io.github.localllm.spi.InferenceBackend;
                    import io.github.localllm.spi.ModelLoadRequest;

                    final class EchoBackend implements InferenceBackend {
                        @Override public BackendInfo info() { return new BackendInfo("echo", "Echo", "1.0"); }
                        @Override public ModelInstance load(ModelLoadRequest request) { return new EchoModel(request); }
                        @Override public void close() { }
                    }
                    """,
            "com/example/thirdparty/EchoModel.java", """
                    package com.example.thirdparty;

                    import io.github.localllm.*;
                    import io.github.localllm.spi.ModelLoadRequest;
                    import java.time.Duration;
                    import java.util.Optional;

                    final class EchoModel implements ModelInstance {
                        private final ModelInfo info;

                        EchoModel(ModelLoadRequest request) {
                            info = new ModelInfo(request.model().text(), "echo", "echo", -1, "unknown", -1, -1,
                                    request.options(), Duration.ZERO);
                        }

                        @Override public GenerationResult generate(GenerationRequest request) {
                            return new GenerationResult("third-party echo: " + request.prompt(), FinishReason.STOP,
                                    new Usage(1, 1), new GenerationMetrics(Duration.ZERO, Duration.ZERO,
                                    Duration.ZERO, 0, 0), info.name());
                        }
                        @Override public GenerationStream stream(GenerationRequest request) {
                            throw new InvalidRequestException("echo does not stream");
                        }
                        @Override public EmbeddingResult embed(EmbeddingRequest request) {
                            throw new InvalidRequestException("echo does not embed");
                        }
                        @Override public ModelInfo info() { return info; }
                        @Override public Optional<Tokenizer> tokenizer() { return Optional.empty(); }
                        @Override public void close() { }
                    }
                    """);

    private static final String ENGINE_MODULE_INFO = """
            module com.example.thirdparty {
                requires io.github.localllm;
                provides io.github.localllm.spi.InferenceBackendProvider
                        with com.example.thirdparty.EchoBackendProvider;
            }
            """;

    private static final String APP_MAIN = """
            package com.example.app;

            import io.github.localllm.LocalLlm;
            import io.github.localllm.spi.InferenceBackendProvider;

            public final class Main {
                public static void main(String[] args) {
                    try (LocalLlm llm = LocalLlm.builder().model("anything").build()) {
                        System.out.println("answer=" + llm.generate("hello").text());
                    }
                    for (InferenceBackendProvider p : LocalLlm.providers()) {
                        System.out.println("provider=" + p.id() + " module=" + p.getClass().getModule().getName());
                    }
                    System.out.println("api module=" + LocalLlm.class.getModule().getName());
                    System.exit(0);
                }
            }
            """;

    // Deliberately no 'requires com.example.thirdparty': the application must not know the engine.
    private static final String APP_MODULE_INFO = """
            module com.example.app {
                requires io.github.localllm;
            }
            """;

    @TempDir
    static Path work;

    private static Path apiJar;
    private static Path slf4jJar;
    private static Path engineJar;
    private static Path engineModuleJar;
    private static Path app;
    private static Path appModule;

    @BeforeAll
    static void buildArtifacts() throws Exception {
        // In 'mvn install' the test phase runs before packaging, so the API jar is made here from
        // the compiled classes (module-info.class included).
        apiJar = jarOf(codeSource(LocalLlm.class), work.resolve("localllm-api.jar"));
        slf4jJar = jarOf(codeSource(org.slf4j.Logger.class), work.resolve("slf4j-api.jar"));
        String apiPath = path(apiJar, slf4jJar);

        Path engineSrc = write(work.resolve("engine-src"), ENGINE_SOURCES);
        Path engineClasses = compile(engineSrc, work.resolve("engine-classes"), "-classpath", apiPath);
        engineJar = jar(engineClasses, work.resolve("thirdparty.jar"), PROVIDER);

        Path engineModuleSrc = write(work.resolve("engine-module-src"), ENGINE_SOURCES);
        Files.writeString(engineModuleSrc.resolve("module-info.java"), ENGINE_MODULE_INFO);
        Path engineModuleClasses = compile(engineModuleSrc, work.resolve("engine-module-classes"),
                "--module-path", apiPath);
        engineModuleJar = jar(engineModuleClasses, work.resolve("thirdparty-module.jar"), PROVIDER);

        Path appSrc = write(work.resolve("app-src"), Map.of("com/example/app/Main.java", APP_MAIN));
        app = compile(appSrc, work.resolve("app"), "-classpath", apiPath);

        Path appModuleSrc = write(work.resolve("app-module-src"), Map.of(
                "com/example/app/Main.java", APP_MAIN, "module-info.java", APP_MODULE_INFO));
        appModule = compile(appModuleSrc, work.resolve("app-module"), "--module-path", apiPath);
    }

    @Test
    void jarsAreWhatAThirdPartyShips() throws IOException {
        // the engine jar holds the engine and its service entry, nothing of the API or of this test
        try (var jar = new java.util.jar.JarFile(engineJar.toFile())) {
            assertThat(jar.stream().map(JarEntry::getName).filter(n -> !n.endsWith("/")))
                    .containsExactlyInAnyOrder("META-INF/MANIFEST.MF", SERVICE,
                            "com/example/thirdparty/EchoBackendProvider.class",
                            "com/example/thirdparty/EchoBackend.class",
                            "com/example/thirdparty/EchoModel.class");
        }
        try (var jar = new java.util.jar.JarFile(engineModuleJar.toFile())) {
            assertThat(jar.getEntry("module-info.class")).isNotNull();
        }
        try (var jar = new java.util.jar.JarFile(apiJar.toFile())) {
            assertThat(jar.getEntry("module-info.class")).isNotNull();
            assertThat(jar.getEntry("io/github/localllm/fake/FakeBackendProvider.class")).isNull();
        }
    }

    @Test
    void classPathApplicationFindsTheEngine() throws Exception {
        String out = run(List.of("-cp", path(apiJar, slf4jJar, engineJar, app), "com.example.app.Main"));

        assertThat(out).contains("answer=third-party echo: hello");
        // on the class path everything is in the unnamed module
        assertThat(out).contains("provider=echo module=null", "api module=null");
    }

    @Test
    void modulePathApplicationFindsTheEngineWithoutAddModules() throws Exception {
        // Service binding resolves com.example.thirdparty because io.github.localllm 'uses' the
        // SPI and the engine 'provides' it; no --add-modules is needed.
        String out = run(List.of("-p", path(apiJar, slf4jJar, engineModuleJar, appModule),
                "-m", "com.example.app/com.example.app.Main"));

        assertThat(out).contains("answer=third-party echo: hello");
        assertThat(out).contains("provider=echo module=com.example.thirdparty", "api module=io.github.localllm");
    }

    @Test
    void modularEngineJarAlsoWorksOnTheClassPath() throws Exception {
        // one artifact for both worlds: module-info.class is ignored on the class path, the services file is used
        String out = run(List.of("-cp", path(apiJar, slf4jJar, engineModuleJar, app), "com.example.app.Main"));

        assertThat(out).contains("answer=third-party echo: hello", "provider=echo module=null");
    }

    @Test
    void withoutTheEngineJarNothingAnswers() throws Exception {
        // the control: the answers above come from the engine jar, not from anything else on the path
        Result result = launch(List.of("-p", path(apiJar, slf4jJar, appModule),
                "-m", "com.example.app/com.example.app.Main"));

        assertThat(result.exitCode).as(result.describe()).isNotZero();
        assertThat(result.stderr).contains("BackendUnavailableException", "no inference engine found");
        assertThat(result.stdout).doesNotContain("answer=");
    }

    // ---- running a child JVM

    private record Result(int exitCode, String stdout, String stderr, List<String> command) {
        String describe() {
            return "command: " + String.join(" ", command) + "\nexit code: " + exitCode
                    + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    private static String run(List<String> args) throws Exception {
        Result result = launch(args);
        assertThat(result.exitCode).as(result.describe()).isZero();
        return result.stdout;
    }

    private static Result launch(List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xshare:auto");
        command.addAll(args);
        Path dir = Files.createTempDirectory(work, "run");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())  // no .localllm.json here
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile());
        // The child reads configuration like any application; keep this machine's out of it.
        pb.environment().keySet().removeIf(k -> k.toUpperCase(Locale.ROOT).startsWith("LOCALLLM_"));
        pb.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        Process process = pb.start();
        // A bound, not a timing assertion: a hung child must not hang the build.
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("child JVM did not finish within 60 s: " + String.join(" ", command)
                    + "\nstderr:\n" + Files.readString(dir.resolve("stderr.txt")));
        }
        return new Result(process.exitValue(), Files.readString(dir.resolve("stdout.txt")),
                Files.readString(dir.resolve("stderr.txt")), command);
    }

    // ---- building the artifacts

    private static Path codeSource(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** A jar as is, or a jar made of a class directory. */
    private static Path jarOf(Path location, Path target) throws IOException {
        return Files.isDirectory(location) ? jar(location, target, null) : location;
    }

    private static Path jar(Path classes, Path target, String provider) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream file = Files.newOutputStream(target);
             JarOutputStream jar = new JarOutputStream(file, manifest);
             Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
                jar.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, jar);
                jar.closeEntry();
            }
            if (provider != null) {
                jar.putNextEntry(new JarEntry(SERVICE));
                jar.write((provider + "\n").getBytes(StandardCharsets.UTF_8));
                jar.closeEntry();
            }
        }
        return target;
    }

    private static Path write(Path root, Map<String, String> sources) throws IOException {
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = root.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
        }
        return root;
    }

    private static Path compile(Path sourceRoot, Path out, String... pathOptions) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("tests need a JDK, not a JRE").isNotNull();
        Files.createDirectories(out);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sourceRoot)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
        }
        List<String> options = new ArrayList<>(List.of("--release", "17", "-d", out.toString()));
        options.addAll(List.of(pathOptions));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(null, fm, diagnostics, options, null,
                    fm.getJavaFileObjectsFromPaths(files)).call();
            assertThat(ok).as("compiling %s: %s", sourceRoot, diagnostics.getDiagnostics()).isTrue();
        }
        return out;
    }

    private static String path(Path... entries) {
        return Stream.of(entries).map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
    }
}
