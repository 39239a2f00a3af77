package io.github.localllm.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class QuickStartTest {

    @Test
    @Timeout(60)
    void runsEverySectionOnASyntheticModel() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        // --synthetic: no download, a synthetic model with random weights.
        int code = QuickStart.run(new String[] {"--synthetic"}, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        String errors = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, () -> "exit code; stderr:\n" + errors + "\nstdout:\n" + text);

        assertTrue(text.contains("SYNTHETIC MODEL (--synthetic was given)") && text.contains("RANDOM"), text);

        // 1. The streamed answer: a non-empty line after the prompt marker, then its finish reason.
        Matcher streamed = Pattern.compile("   > (.+)\\R\\s*\\[(LENGTH|STOP)]").matcher(text);
        assertTrue(streamed.find(), () -> "no streamed answer in:\n" + text);

        // 2. The JSON object: braces and every required key.
        Matcher json = Pattern.compile("(?m)^   (\\{.*)$").matcher(text);
        assertTrue(json.find(), () -> "no JSON line in:\n" + text);
        String object = json.group(1).strip();
        assertTrue(object.startsWith("{") && object.endsWith("}"), object);
        for (String key : new String[] {"\"name\":", "\"mood\":", "\"age\":"}) {
            assertTrue(object.contains(key), () -> key + " missing in " + object);
        }
        assertTrue(object.matches(".*\"mood\":\"(happy|sad|curious)\".*"), object);
        assertTrue(object.matches(".*\"age\":\\d{1,2}}"), object);

        // 3. Embeddings of the synthetic model: its width.
        Matcher dim = Pattern.compile("dimension (\\d+), cosine similarity (-?\\d\\.\\d+)").matcher(text);
        assertTrue(dim.find(), () -> "no embedding line in:\n" + text);
        assertTrue(Integer.parseInt(dim.group(1)) > 0, dim.group());

        // 4. Metrics and configuration.
        assertTrue(text.contains("time to first token") && text.contains("tokens/s"), text);
        assertTrue(text.contains("load options in effect: LoadOptions["), text);

        System.out.println(text);
        System.out.println("QuickStart took " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
    }

    @Test
    void compactJsonKeepsStringsIntact() {
        assertEquals("{\"a b\":\"x \\\" y\",\"n\":1}", QuickStart.compactJson("{ \"a b\" :\n\t\"x \\\" y\" , \"n\": 1 }"));
    }

    @Test
    void badArgumentsExitWithTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = QuickStart.run(new String[] {"--bogus"}, Map.of(), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown argument"));
    }

    @Test
    void missingModelFileExitsWithOneAndAMessage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = QuickStart.run(new String[] {"--model", "/nonexistent/model.gguf"}, Map.of(),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("error: "), err.toString(StandardCharsets.UTF_8));
    }
}
