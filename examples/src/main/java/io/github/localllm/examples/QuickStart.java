package io.github.localllm.examples;

import io.github.localllm.Embedding;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationMetrics;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.LocalLlm;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelDownloadException;
import io.github.localllm.ResponseFormat;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.ConfigKeys;
import io.github.localllm.hardware.FitPlan;
import io.github.localllm.hardware.Recommendation;
import io.github.localllm.gguf.GgmlType;
import io.github.localllm.gguf.GgufFile;
import io.github.localllm.gguf.SyntheticModel;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The quick start: streams an answer, asks for JSON that matches a schema, compares two
 * embeddings and prints how fast it all ran and with which settings.
 *
 * <pre>
 * ./mvnw -q -pl examples -am package -DskipTests -Dquickstart
 * LOCALLLM_MODEL=/path/to/model.gguf ./mvnw -q -pl examples -am package -DskipTests -Dquickstart
 * java -cp ... io.github.localllm.examples.QuickStart --model /path/to/model.gguf
 * </pre>
 *
 * Without a model it builds a small synthetic one with random weights, so it runs anywhere,
 * but its answers are random text.
 */
public final class QuickStart {

    /** A schema every model can satisfy in a few dozen tokens: bounded string, enum, bounded integer. */
    static final String SCHEMA = """
            {"type": "object",
             "properties": {
               "name":  {"type": "string", "maxLength": 12},
               "mood":  {"type": "string", "enum": ["happy", "sad", "curious"]},
               "age":   {"type": "integer", "minimum": 0, "maximum": 99}
             },
             "required": ["name", "mood", "age"],
             "additionalProperties": false}""";

    private QuickStart() {
    }

    /**
     * @param args {@code --model <file or hf://...>} or {@code --synthetic}, optional; else {@code LOCALLLM_MODEL};
     *     else the catalog's best small chat model for this machine, downloaded once
     */
    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        if (run(args, System.getenv(), System.out, System.err) != 0) {
            // The error is printed above. Thrown out of main, this ends the JVM with status 1, as any
            // failing Java program does; the SDK needs no System.exit.
            throw new IllegalStateException("the quick start failed; see the error above");
        }
    }

    /**
     * Runs the quick start.
     *
     * @param args command-line arguments
     * @param env environment variables: {@code LOCALLLM_MODEL}, and every other {@code LOCALLLM_*} setting
     * @param out where the results go
     * @param err where errors go
     * @return 0 on success, 1 on a localllm error, 2 on bad arguments; {@link #main} fails on anything but 0
     */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println("usage: QuickStart [--model <path.gguf | hf://owner/repo/file.gguf> | --synthetic]"
                    + "   (or set LOCALLLM_MODEL)");
            return 2;
        }
        ConfigEnvironment config = environment(env);
        String model = arguments.model();
        if (model == null && env.get("LOCALLLM_MODEL") != null && !env.get("LOCALLLM_MODEL").isBlank()) {
            model = env.get("LOCALLLM_MODEL");
        }
        try {
            if (arguments.synthetic()) {
                return runSynthetic(config, out, "--synthetic was given");
            }
            DownloadBar bar = new DownloadBar(out);
            LocalLlm.Builder builder = LocalLlm.builder().environment(config).allowDownloads(true).listener(bar);
            if (model != null) {
                builder.model(model);
            } else {
                Optional<Recommendation.Choice<FitPlan>> choice = SmallModel.choose(config, out);
                if (choice.isEmpty()) {
                    return runSynthetic(config, out, "no small catalog model fits this machine");
                }
                builder.model(choice.get().model().hubRef(choice.get().file())).autoDetect();
                choice.get().file().sha256().ifPresent(h -> builder.set(ConfigKeys.MODEL_SHA256, h));
            }
            LocalLlm llm;
            try {
                llm = builder.build();
            } catch (ModelDownloadException e) {
                if (model != null) {
                    throw e;
                }
                bar.end();
                out.println("Could not download it: " + e.getMessage());
                return runSynthetic(config, out, "the model could not be downloaded (no network?); the next run"
                        + " tries again and keeps what was fetched");
            }
            try (llm) {
                return run(llm, out);
            }
        } catch (LocalLlmException | UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /** The process's settings, with {@code env} as its environment variables. */
    private static ConfigEnvironment environment(Map<String, String> env) {
        ConfigEnvironment system = ConfigEnvironment.system();
        return new ConfigEnvironment(system.systemProperties(), env, system.workingDirectory(), system.userConfigFile());
    }

    private static int runSynthetic(ConfigEnvironment config, PrintStream out, String why) {
        Path model = writeSyntheticModel(out, why);
        try (LocalLlm llm = LocalLlm.builder().environment(config).model(model).build()) {
            return run(llm, out);
        } finally {
            model.toFile().deleteOnExit();
        }
    }

    private static Path writeSyntheticModel(PrintStream out, String why) {
        long start = System.nanoTime();
        SyntheticModel synthetic = SyntheticModel.withParameterCount(5_000_000)
                .tensorType(GgmlType.Q8_0).name("quickstart-synthetic-5M").build();
        Path file;
        try {
            file = Files.createTempFile("localllm-quickstart-", ".gguf");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file: " + e.getMessage(), e);
        }
        long bytes = synthetic.write(file);
        out.printf(Locale.ROOT, "SYNTHETIC MODEL (%s):%n"
                        + "  %,d parameters, %,d KB, built in %d ms. Its weights are RANDOM: every answer below is random"
                        + " text.%n%n",
                why, synthetic.parameterCount(), bytes / 1024, ms(Duration.ofNanos(System.nanoTime() - start)));
        return file;
    }

    private static int run(LocalLlm llm, PrintStream out) {
        boolean chatTemplate = GgufFile.read(Path.of(llm.config().get(ConfigKeys.MODEL).orElseThrow())).model()
                .chatTemplate().isPresent();
        {
            out.printf("Model: %s (%s, %s, %,d parameters)%n%n", llm.model().info().name(),
                    llm.model().info().architecture(), llm.model().info().quantization(),
                    llm.model().info().parameterCount());

            // 1. Stream an answer token by token.
            GenerationRequest chat;
            if (chatTemplate) {
                out.println("1. Streaming a chat answer:");
                chat = GenerationRequest.builder()
                        .system("You are a friendly assistant. Answer in one or two sentences.")
                        .user("What is a good name for a robot that paints?")
                        .maxTokens(48).temperature(0.7).seed(42).build();
            } else {
                out.println("1. Streaming a completion (the model has no chat template, so the prompt is sent as is):");
                chat = GenerationRequest.builder().prompt("Once upon a time, a little robot")
                        .maxTokens(48).temperature(0.7).seed(42).build();
            }
            GenerationResult streamed;
            out.print("   > ");
            try (GenerationStream stream = llm.stream(chat)) {
                for (GenerationChunk chunk : stream) {
                    out.print(chunk.text().replace("\n", "\n     "));
                    out.flush();
                }
                streamed = stream.result();
            }
            out.printf("%n   [%s]%n%n", streamed.finishReason());

            // 2. JSON that matches a schema, enforced while sampling.
            out.println("2. JSON constrained by a schema (name: string of at most 12, mood: enum, age: 0..99):");
            GenerationRequest jsonRequest = GenerationRequest.builder()
                    .prompt("Describe a robot as JSON with its name, mood and age.")
                    .responseFormat(ResponseFormat.jsonSchema(SCHEMA))
                    .maxTokens(120).temperature(0).build();
            GenerationResult json = llm.generate(jsonRequest);
            String compact = compactJson(json.text());
            out.println("   " + compact);
            out.printf("   [%s, %d tokens%s]%n%n", json.finishReason(), json.usage().completionTokens(),
                    compact.equals(json.text()) ? "" : "; whitespace between JSON tokens removed for printing");

            // 3. Embeddings.
            out.println("3. Embeddings:");
            String a = "The cat sat on the mat.";
            String b = "A kitten rested on the rug.";
            EmbeddingResult embeddings = llm.embed(EmbeddingRequest.of(a, b));
            Embedding ea = embeddings.embeddings().get(0);
            Embedding eb = embeddings.embeddings().get(1);
            out.printf(Locale.ROOT, "   \"%s\" / \"%s\"%n   dimension %d, cosine similarity %.4f%n%n",
                    a, b, ea.dimension(), ea.cosineSimilarity(eb));

            // 4. How fast, and with what settings.
            GenerationMetrics m = streamed.metrics();
            out.println("4. Metrics of the streamed answer:");
            out.printf(Locale.ROOT, "   time to first token %d ms, %.1f tokens/s, prompt %d tokens, completion %d tokens,"
                            + " model load %d ms%n%n", ms(m.timeToFirstToken()), m.generationTokensPerSecond(),
                    streamed.usage().promptTokens(), streamed.usage().completionTokens(), ms(m.loadTime()));
            out.println("Effective configuration:");
            out.println("   " + llm.config().describe().strip().replace("\n", "\n   "));
            out.println("   load options in effect: " + llm.model().info().options());
        }
        return 0;
    }

    /** Drops whitespace outside string literals: weak models pad JSON with spaces and newlines. */
    static String compactJson(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        boolean inString = false;
        boolean escaped = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                sb.append(c);
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
                sb.append(c);
            } else if (!Character.isWhitespace(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static long ms(Duration d) {
        return d.toMillis();
    }
}
