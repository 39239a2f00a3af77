package io.github.localllm.examples;

import io.github.localllm.gguf.GgmlType;
import io.github.localllm.gguf.GgufFile;
import io.github.localllm.gguf.ModelMetadata;
import io.github.localllm.gguf.SyntheticModel;
import io.github.localllm.testkit.FakeHub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A small synthetic chat model as a fake Hub serves it, and a catalog that lists only it, with its real
 * size, hash and shape, so the front door's choose-download-verify path runs without the network.
 */
final class TinyHubModel {
    static final String REPO = "acme/Tiny-Chat-GGUF";
    static final String FILE = "tiny-chat-Q8_0.gguf";
    /** The catalog pins the file at the commit its hash was taken from, as the bundled catalog does. */
    static final String PINNED = "hf://" + REPO + "@" + FakeHub.COMMIT + "/" + FILE;

    final byte[] bytes;
    final String sha256;
    final Path catalog;

    private TinyHubModel(byte[] bytes, String sha256, Path catalog) {
        this.bytes = bytes;
        this.sha256 = sha256;
        this.catalog = catalog;
    }

    static TinyHubModel write(Path dir) {
        try {
            Path file = dir.resolve("source-" + FILE);
            SyntheticModel.withParameterCount(2_000_000).tensorType(GgmlType.Q8_0).seed(11).name("tiny-chat")
                    .chatTemplate("{% for m in messages %}<|{{ m.role }}|>{{ m.content }}\n{% endfor %}<|assistant|>")
                    .build().write(file);
            byte[] bytes = Files.readAllBytes(file);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            ModelMetadata m = GgufFile.read(file).model();
            boolean tied = GgufFile.read(file).tensor("output.weight").isEmpty();
            String json = """
                    {"version": 1, "updated": "2026-11-30", "replaceDefault": true, "models": [
                      {"id": "tiny-chat", "name": "Tiny Chat", "tasks": ["chat"], "repository": "%s", "revision": "%s",
                       "architecture": "llama", "parameters": %d, "contextLength": %d, "license": "apache-2.0",
                       "shape": {"blockCount": %d, "embeddingLength": %d, "headCount": %d, "headCountKv": %d,
                                 "feedForwardLength": %d, "vocabularySize": %d, "tiedEmbeddings": %s},
                       "files": [{"quantization": "Q8_0", "fileName": "%s", "sizeBytes": %d, "sha256": "%s"}]}]}
                    """.formatted(REPO, FakeHub.COMMIT, m.parameterCount(), m.contextLength().orElseThrow(),
                    m.blockCount().orElseThrow(), m.embeddingLength().orElseThrow(), m.headCount().orElseThrow(),
                    m.headCountKv().orElseThrow(), m.feedForwardLength().orElseThrow(),
                    m.vocabularySize().orElseThrow(), tied, FILE, bytes.length, sha);
            Path catalog = dir.resolve("catalog.json");
            Files.writeString(catalog, json, StandardCharsets.UTF_8);
            return new TinyHubModel(bytes, sha, catalog);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
