package io.github.localllm.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.github.localllm.gguf.SyntheticModel;
import io.github.localllm.hardware.HardwareDetector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
                Matcher m = Pattern.compile("bytes=(\\d+)-(\\d+)").matcher(ex.getRequestHeaders().getFirst("Range"));
                m.matches();
                int first = Integer.parseInt(m.group(1));
                int last = Math.min(Integer.parseInt(m.group(2)), bytes.length - 1);
                ex.getResponseHeaders().set("Content-Range", "bytes " + first + "-" + last + "/" + bytes.length);
                ex.sendResponseHeaders(206, last - first + 1);
                ex.getResponseBody().write(bytes, first, last - first + 1);
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/remote.gguf";
            int code = WillItRun.run(new String[] {url}, Map.of("HF_TOKEN", "hf_secret"), DETECTOR,
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

            assertEquals(0, code, () -> err.toString(StandardCharsets.UTF_8));
            assertTrue(text().contains("Plan for " + url), text());
            assertEquals(List.of("null"), authorizations);
        } finally {
            server.stop(0);
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
