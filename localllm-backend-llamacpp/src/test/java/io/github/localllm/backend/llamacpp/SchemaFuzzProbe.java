package io.github.localllm.backend.llamacpp;

import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ResponseFormat;
import io.github.localllm.SamplingParameters;
import io.github.localllm.StructuredOutputException;
import io.github.localllm.spi.ModelLoadRequest;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Child-JVM side of {@link SchemaFuzzTest}: loads the tiny model once, then for each case of a
 * JSON-lines file ({@code {"i":..,"mode":"grammar"|"schema","schema":..,"gbnf":..}}) generates a
 * few tokens under the case's grammar (or its schema, through the whole structured-output path)
 * and prints one line. Before each case it prints {@code START i}, so that if llama.cpp aborts the
 * process the parent knows which schema did it. It runs in its own JVM because an abort in
 * native code takes the whole JVM with it.
 *
 * <p>Lines: {@code START i}, then one of {@code OK i FINISH "text"},
 * {@code CHECKED i FINISH "text"} (the schema check refused the answer), {@code INVALID i "message"},
 * {@code ERROR i class "message"}; finally {@code END n}.
 */
public final class SchemaFuzzProbe {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SchemaFuzzProbe() {
    }

    /**
     * @param args the cases file, the model file, the token limit per case
     * @throws IOException if the cases cannot be read
     */
    public static void main(String[] args) throws IOException {
        Path cases = Path.of(args[0]);
        Path model = Path.of(args[1]);
        int maxTokens = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        // llama.cpp's own log goes to stderr, which the parent scans for grammars the engine refused.
        ModelInstance m = new LlamaCppBackend(true).load(ModelLoadRequest.ofFile(model,
                LoadOptions.builder().contextSize(256).threads(1).build()));
        int count = 0;
        try (BufferedReader in = Files.newBufferedReader(cases, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode c = JSON.readTree(line);
                int i = c.get("i").intValue();
                out.println("START " + i);
                try {
                    ResponseFormat format = c.get("mode").asString().equals("schema")
                            ? ResponseFormat.jsonSchema(c.get("schema").asString())
                            : ResponseFormat.grammar(c.get("gbnf").asString());
                    GenerationResult r = m.generate(GenerationRequest.builder().prompt("JSON: ").raw(true)
                            .responseFormat(format).maxTokens(maxTokens)
                            .sampling(SamplingParameters.builder().temperature(1.0).seed((long) i).build()).build());
                    out.println("OK " + i + " " + r.finishReason() + " " + JSON.writeValueAsString(r.text()));
                } catch (StructuredOutputException e) {
                    out.println("CHECKED " + i + " " + e.finishReason() + " " + JSON.writeValueAsString(e.text()));
                } catch (InvalidRequestException e) {
                    out.println("INVALID " + i + " " + JSON.writeValueAsString(String.valueOf(e.getMessage())));
                } catch (RuntimeException e) {
                    out.println("ERROR " + i + " " + e.getClass().getName() + " "
                            + JSON.writeValueAsString(String.valueOf(e.getMessage())));
                }
                count++;
            }
        }
        out.println("END " + count);
        out.flush();
    }
}
