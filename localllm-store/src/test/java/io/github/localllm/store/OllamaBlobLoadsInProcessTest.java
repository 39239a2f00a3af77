package io.github.localllm.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelRef;
import io.github.localllm.SamplingParameters;
import io.github.localllm.backend.llamacpp.LlamaCppBackend;
import io.github.localllm.gguf.SyntheticModel;

import io.github.localllm.spi.ModelLoadRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model Ollama pulled is loaded by the in-process llama.cpp engine straight from Ollama's blob
 * ({@code blobs/sha256-<hex>}, no {@code .gguf} name), found through the library by its Ollama name.
 * The layout is Ollama's, as {@link OtherToolsTest} cites it.
 */
@Timeout(120)
class OllamaBlobLoadsInProcessTest {
    @TempDir
    Path dir;

    @Test
    void theBlobOfAnOllamaModelLoadsAndGenerates() throws Exception {
        Path written = dir.resolve("tiny.gguf");
        SyntheticModel.tiny().write(written);
        byte[] gguf = Files.readAllBytes(written);
        String sha = Fixtures.sha256(gguf);
        Path blobs = Files.createDirectories(dir.resolve("ollama/blobs"));
        Files.move(written, blobs.resolve("sha256-" + sha));
        Path manifest = dir.resolve("ollama/manifests/registry.ollama.ai/library/tiny/latest");
        Files.createDirectories(manifest.getParent());
        Files.writeString(manifest, "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest"
                + ".v2+json\",\"layers\":[{\"mediaType\":\"application/vnd.ollama.image.model\",\"digest\":\"sha256:"
                + sha + "\",\"size\":" + gguf.length + "}]}");

        StoredModel m;
        try (ModelLibrary library = ModelLibrary.builder().hfCache(dir.resolve("hf")).home(dir.resolve("home"))
                .ollamaModels(dir.resolve("ollama")).lmStudioModels(dir.resolve("lmstudio")).environment(Map.of())
                .build()) {
            m = library.find(new ModelRef.Name("tiny")).orElseThrow();
        }
        assertThat(m.path().getFileName()).hasToString("sha256-" + sha);

        try (ModelInstance model = new LlamaCppBackend().load(ModelLoadRequest.ofFile(m.path(),
                LoadOptions.builder().contextSize(128).threads(1).build()))) {
            GenerationResult result = model.generate(GenerationRequest.builder().prompt("hello").raw(true)
                    .sampling(SamplingParameters.greedy()).maxTokens(4).build());
            assertThat(result.usage().completionTokens()).isPositive();
        }
    }
}
