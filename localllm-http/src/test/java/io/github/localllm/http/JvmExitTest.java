package io.github.localllm.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmExitTest {

    @Test
    void aJvmThatUsedATransportExitsByItself(@TempDir Path dir) throws Exception {
        try (FakeServer server = new FakeServer()) {
            server.on("/ping", ex -> FakeServer.json(ex, 200, "{\"ok\":true}"));
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process child = new ProcessBuilder(java.toString(), "-cp", classPath(), ExitCheck.class.getName(),
                    server.uri().toString()).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();

            boolean exited = child.waitFor(20, TimeUnit.SECONDS);
            if (!exited) {
                child.destroyForcibly().waitFor();
            }
            String output = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);

            assertThat(exited).as("the child JVM exited by itself; its output:%n%s", output).isTrue();
            assertThat(child.exitValue()).as(output).isZero();
            assertThat(output).contains("answer {\"ok\":true}");
            assertThat(server.seen()).hasSize(1);
        }
    }

    /** The jars and class folders of the classes the child needs, wherever the test run put them. */
    private static String classPath() throws IOException {
        Set<String> entries = new LinkedHashSet<>();
        for (String name : List.of(ExitCheck.class.getName(), HttpTransport.class.getName(),
                "io.github.localllm.LocalLlmException", "tools.jackson.databind.json.JsonMapper",
                "tools.jackson.core.JsonParser", "com.fasterxml.jackson.annotation.JsonProperty",
                "org.slf4j.LoggerFactory", "org.slf4j.simple.SimpleLogger")) {
            try {
                Class<?> type = Class.forName(name, false, ClassLoader.getSystemClassLoader());
                entries.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (ClassNotFoundException e) {
                // slf4j-simple is optional: without it SLF4J logs nothing, which does not matter here.
            } catch (java.net.URISyntaxException e) {
                throw new IOException(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
