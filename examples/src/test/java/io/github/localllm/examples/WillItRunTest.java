package io.github.localllm.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.localllm.gguf.SyntheticModel;
import io.github.localllm.hardware.HardwareDetector;
import io.github.localllm.testkit.FakeRangeServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WillItRunTest {
    private static final HardwareDetector DETECTOR = HardwareDetector.create();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return WillItRun.run(args, Map.of(), DETECTOR, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String text() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void plansALocalModelAtTheAskedContext() {
        Path model = dir.resolve("small.gguf");
        SyntheticModel.withParameterCount(3_000_000).build().write(model);

        int code = run(model.toString(), "1024");

        assertEquals(0, code, () -> err.toString(StandardCharsets.UTF_8));
        String text = text();
        assertTrue(text.startsWith("Machine\n") && text.contains("  CPU   ") && text.contains("  RAM   "), text);
        assertTrue(text.contains("Plan for " + model), text);
        assertTrue(text.contains("context 1024 (largest that fits: 2048)"), text);
        assertTrue(text.contains("memory: weights "), text);
        assertTrue(text.contains("This llama model"), text);
    }

    @Test
    void plansARemoteModelAndKeepsTheHuggingFaceTokenFromOtherHosts() throws Exception {
        Path model = dir.resolve("remote.gguf");
        SyntheticModel.withParameterCount(3_000_000).build().write(model);
        byte[] bytes = Files.readAllBytes(model);
        try (FakeRangeServer server = FakeRangeServer.builder().file("/remote.gguf", bytes).start()) {
            String url = server.uri("/remote.gguf").toString();
            int code = WillItRun.run(new String[] {url}, Map.of("HF_TOKEN", "hf_secret"), DETECTOR,
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

            assertEquals(0, code, () -> err.toString(StandardCharsets.UTF_8));
            assertTrue(text().contains("Plan for " + url), text());
            assertFalse(server.requests().isEmpty());
            assertTrue(server.requests().stream().allMatch(r -> r.header("Authorization").isEmpty()),
                    () -> "a token reached a host other than huggingface.co: " + server.requests());
        }
    }

    @Test
    void withoutAModelRecommendsOnePerTask() {
        int code = run();

        assertEquals(0, code);
        String text = text();
        assertTrue(text.contains("Catalog of "), text);
        assertTrue(text.contains("\nchat: ") && text.contains("\ncode: ") && text.contains("\nembedding: "), text);
    }

    @Test
    void aMissingFileIsAnErrorThatSaysWhatToDo() {
        int code = run(dir.resolve("nope.gguf").toString());

        assertEquals(2, code);
        String errors = err.toString(StandardCharsets.UTF_8);
        assertTrue(errors.startsWith("error: model file ") && errors.contains("does not exist"), errors);
    }
}
