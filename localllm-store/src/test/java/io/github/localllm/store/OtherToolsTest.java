package io.github.localllm.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.ModelRef;
import io.github.localllm.gguf.GgufFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ollama's and LM Studio's layouts, built at test time as the tools make them.
 *
 * <p>Ollama (github.com/ollama/ollama at fb30760, 2026-08): {@code envconfig/config.go} {@code Models()} is
 * {@code $OLLAMA_MODELS} else {@code ~/.ollama/models}; {@code scripts/install.sh} runs the Linux service as the
 * user {@code ollama} with home {@code /usr/share/ollama}; {@code manifest/manifest.go} {@code Manifests()} globs
 * {@code manifests/*}{@code /*}{@code /*}{@code /*} and {@code WriteManifest} writes schema version 2 with media type
 * {@code application/vnd.docker.distribution.manifest.v2+json}; {@code manifest/paths.go} {@code BlobsPath} names a
 * blob {@code blobs/sha256-<hex>}; {@code types/model/name.go} gives the default host {@code registry.ollama.ai},
 * namespace {@code library}, tag {@code latest}, {@code DisplayShortest} and case-insensitive {@code EqualFold};
 * {@code server/images.go} reads the {@code application/vnd.ollama.image.model} and {@code .projector} layers, and
 * {@code types/model/config.go} the config's {@code file_type}. A model pulled from the Hub as
 * {@code hf.co/<owner>/<repo>:<tag>} has its manifest at {@code manifests/hf.co/<owner>/<repo>/<tag>}.
 *
 * <p>LM Studio ("Import Models", lmstudio.ai/docs/basics/import-model): {@code ~/.lmstudio/models/<publisher>/
 * <model>/<file>.gguf}; projectors ({@code mmproj-*.gguf}) beside. Its home (lmstudio-js,
 * {@code packages/lms-common-server/src/findLMStudioHome.ts}): the path in {@code ~/.lmstudio-home-pointer}, else
 * {@code ~/.cache/lm-studio} if it exists, else {@code ~/.lmstudio}; the models folder is {@code <home>/models}.
 */
@Timeout(60)
class OtherToolsTest {
    private static final byte[] MODEL = Fixtures.model(11);
    private static final byte[] PROJECTOR = Fixtures.model(12);
    private static final String SHA = Fixtures.sha256(MODEL);

    @TempDir
    Path dir;

    private ModelLibrary library() {
        return ModelLibrary.builder().hfCache(dir.resolve("hf")).home(dir.resolve("home"))
                .ollamaModels(dir.resolve("ollama")).lmStudioModels(dir.resolve("lmstudio")).environment(Map.of())
                .build();
    }

    /** Writes blobs and a manifest as {@code ollama pull} leaves them; returns the model blob. */
    private Path ollamaModel(String host, String namespace, String model, String tag, byte[] gguf, byte[] projector,
                             String fileType) throws Exception {
        Path ollama = dir.resolve("ollama");
        Path blobs = Files.createDirectories(ollama.resolve("blobs"));
        String modelSha = Fixtures.sha256(gguf);
        Files.write(blobs.resolve("sha256-" + modelSha), gguf);
        byte[] config = ("{\"model_format\":\"gguf\",\"model_family\":\"llama\",\"model_families\":[\"llama\"],"
                + "\"model_type\":\"1M\",\"file_type\":\"" + fileType + "\",\"architecture\":\"amd64\",\"os\":\"linux\","
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}").getBytes(StandardCharsets.UTF_8);
        String configSha = Fixtures.sha256(config);
        Files.write(blobs.resolve("sha256-" + configSha), config);
        byte[] template = "{{ .Prompt }}".getBytes(StandardCharsets.UTF_8);
        Files.write(blobs.resolve("sha256-" + Fixtures.sha256(template)), template);
        StringBuilder layers = new StringBuilder("{\"mediaType\":\"application/vnd.ollama.image.model\",\"digest\":\"sha256:"
                + modelSha + "\",\"size\":" + gguf.length + "}");
        if (projector != null) {
            String projectorSha = Fixtures.sha256(projector);
            Files.write(blobs.resolve("sha256-" + projectorSha), projector);
            layers.append(",{\"mediaType\":\"application/vnd.ollama.image.projector\",\"digest\":\"sha256:")
                    .append(projectorSha).append("\",\"size\":").append(projector.length).append('}');
        }
        layers.append(",{\"mediaType\":\"application/vnd.ollama.image.template\",\"digest\":\"sha256:")
                .append(Fixtures.sha256(template)).append("\",\"size\":").append(template.length).append('}');
        Path manifest = ollama.resolve("manifests").resolve(host).resolve(namespace).resolve(model).resolve(tag);
        Files.createDirectories(manifest.getParent());
        Files.writeString(manifest, "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest"
                + ".v2+json\",\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"digest\":"
                + "\"sha256:" + configSha + "\",\"size\":" + config.length + "},\"layers\":[" + layers + "]}\n");
        return blobs.resolve("sha256-" + modelSha);
    }

    @Test
    void anOllamaModelIsItsGgufBlobAndLoads() throws Exception {
        Path blob = ollamaModel("registry.ollama.ai", "library", "tiny", "latest", MODEL, null, "F32");

        try (ModelLibrary library = library()) {
            StoredModel m = library.find(new ModelRef.Name("tiny")).orElseThrow();
            assertThat(m.id()).isEqualTo("ollama:tiny:latest");
            assertThat(m.path()).isEqualTo(blob);
            assertThat(m.sha256()).contains(SHA);
            assertThat(m.size()).isEqualTo(MODEL.length);
            assertThat(m.quantization()).contains("F32");
            assertThat(m.projector()).isEmpty();
            // What the in-process engine does first with a model file: read it as GGUF, all tensors inside it.
            GgufFile gguf = GgufFile.read(m.path());
            assertThat(gguf.tensorDataOffset() + gguf.tensorDataSize()).isLessThanOrEqualTo(Files.size(m.path()));
            assertThat(library.find(new ModelRef.Name("Tiny:Latest"))).contains(m);
            assertThat(library.find(new ModelRef.Name("registry.ollama.ai/library/tiny:latest"))).contains(m);
            assertThat(library.find(new ModelRef.Name("tiny:other"))).isEmpty();
        }
    }

    @Test
    void namesAreOllamasShortestAndHubPullsKeepTheirHost() throws Exception {
        ollamaModel("registry.ollama.ai", "someone", "coder", "7b-q4_K_M", MODEL, null, "Q4_K_M");
        Path hubBlob = ollamaModel("hf.co", "bartowski", "Llama-3.2-1B-Instruct-GGUF", "Q4_K_M", Fixtures.model(13),
                PROJECTOR, "Q4_K_M");

        try (ModelLibrary library = library()) {
            assertThat(library.list()).extracting(StoredModel::file).containsExactlyInAnyOrder(
                    "someone/coder:7b-q4_K_M", "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M");
            StoredModel hub = library.find(new ModelRef.Name("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M"))
                    .orElseThrow();
            assertThat(hub.path()).isEqualTo(hubBlob);
            assertThat(hub.repository()).contains("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF");
            assertThat(hub.revision()).contains("Q4_K_M");
            assertThat(hub.projector()).contains(dir.resolve("ollama/blobs/sha256-" + Fixtures.sha256(PROJECTOR)));
            assertThat(library.find(new ModelRef.Name("someone/coder:7b-q4_K_M")).orElseThrow().quantization())
                    .contains("Q4_K_M");
        }
    }

    @Test
    void whatOllamaWouldNotReadIsLeftOut() throws Exception {
        ollamaModel("registry.ollama.ai", "library", "good", "latest", MODEL, null, "F32");
        // Not GGUF: a model Ollama made for its own engine from safetensors.
        ollamaModel("registry.ollama.ai", "library", "notgguf", "latest", Fixtures.random(4096, 3), null, "BF16");
        // A namespace with a dot is not a name Ollama makes.
        ollamaModel("registry.ollama.ai", "bad.ns", "m", "latest", MODEL, null, "F32");
        // Five levels deep: Ollama's glob is exactly four.
        Path deep = dir.resolve("ollama/manifests/registry.ollama.ai/library/x/y/z");
        Files.createDirectories(deep.getParent());
        Files.copy(dir.resolve("ollama/manifests/registry.ollama.ai/library/good/latest"), deep);
        // A manifest whose blob is gone, and one that is not JSON.
        Path missing = dir.resolve("ollama/manifests/registry.ollama.ai/library/gone/latest");
        Files.createDirectories(missing.getParent());
        Files.writeString(missing, "{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"application/vnd.ollama.image"
                + ".model\",\"digest\":\"sha256:" + "a".repeat(64) + "\",\"size\":1}]}");
        Path junk = dir.resolve("ollama/manifests/registry.ollama.ai/library/junk/latest");
        Files.createDirectories(junk.getParent());
        Files.writeString(junk, "not json");

        try (ModelLibrary library = library()) {
            assertThat(library.list()).extracting(StoredModel::id).containsExactly("ollama:good:latest");
        }
    }

    @Test
    void ollamasDirectoriesAreItsEnvironmentHomeAndLinuxService() throws Exception {
        Path home = dir.resolve("user");
        Path service = dir.resolve("usr/share/ollama/.ollama/models");
        assertThat(OtherTools.defaultOllama(Map.of(), home, service))
                .containsExactly(home.resolve(".ollama/models"));
        Files.createDirectories(service);
        assertThat(OtherTools.defaultOllama(Map.of(), home, service))
                .containsExactly(home.resolve(".ollama/models"), service);
        assertThat(OtherTools.defaultOllama(Map.of("OLLAMA_MODELS", "/data/ollama"), home, service))
                .containsExactly(Path.of("/data/ollama"), service);
        assertThat(OtherTools.OLLAMA_SERVICE_MODELS).isEqualTo(Path.of("/usr/share/ollama/.ollama/models"));
        assertThat(OtherTools.ollamaId("hf.co/Owner/Repo")).isEqualTo("ollama:hf.co/owner/repo:latest");
        assertThat(OtherTools.ollamaId("qwen2.5:7b")).isEqualTo("ollama:qwen2.5:7b");
    }

    @Test
    void lmStudiosModelsKeepTheirRepositoryProjectorAndShards() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("lmstudio/lmstudio-community/gemma-3-4b-it-GGUF"));
        Files.write(repo.resolve("gemma-3-4b-it-Q4_K_M.gguf"), MODEL);
        Files.write(repo.resolve("mmproj-model-f16.gguf"), PROJECTOR);
        Path big = Files.createDirectories(dir.resolve("lmstudio/unsloth/Big-GGUF/Q8_0"));
        byte[] one = Fixtures.model(21);
        byte[] two = Fixtures.model(22);
        Files.write(big.resolve("Big-Q8_0-00001-of-00002.gguf"), one);
        Files.write(big.resolve("Big-Q8_0-00002-of-00002.gguf"), two);
        // A split model missing a shard cannot be loaded, and a file at the top is not where LM Studio looks.
        Files.write(big.resolve("Half-Q8_0-00001-of-00002.gguf"), one);
        Files.write(dir.resolve("lmstudio/loose.gguf"), MODEL);

        try (ModelLibrary library = library()) {
            List<StoredModel> all = library.list();
            assertThat(all).extracting(StoredModel::id).containsExactlyInAnyOrder(
                    "lmstudio:lmstudio-community/gemma-3-4b-it-GGUF/gemma-3-4b-it-Q4_K_M.gguf",
                    "lmstudio:unsloth/Big-GGUF/Q8_0/Big-Q8_0-00001-of-00002.gguf");
            StoredModel gemma = all.stream().filter(m -> m.file().startsWith("gemma")).findFirst().orElseThrow();
            assertThat(gemma.projector()).contains(repo.resolve("mmproj-model-f16.gguf"));
            assertThat(gemma.repository()).contains("lmstudio-community/gemma-3-4b-it-GGUF");
            StoredModel split = all.stream().filter(m -> m.file().startsWith("Q8_0/")).findFirst().orElseThrow();
            assertThat(split.size()).isEqualTo(one.length + two.length);
            assertThat(split.shards()).containsExactly(big.resolve("Big-Q8_0-00001-of-00002.gguf"),
                    big.resolve("Big-Q8_0-00002-of-00002.gguf"));
            assertThat(split.quantization()).contains("Q8_0");
            assertThat(split.deletable()).isFalse();
        }
    }

    @Test
    void lmStudiosHomeIsItsPointerElseTheLegacyCacheElseDotLmstudio() throws Exception {
        Path home = dir.resolve("user");
        assertThat(OtherTools.defaultLmStudio(home)).isEqualTo(home.resolve(".lmstudio/models"));
        Files.createDirectories(home.resolve(".lmstudio/models"));
        Files.createDirectories(home.resolve(".cache/lm-studio/models"));
        assertThat(OtherTools.defaultLmStudio(home)).isEqualTo(home.resolve(".cache/lm-studio/models"));
        Files.writeString(home.resolve(".lmstudio-home-pointer"), dir.resolve("big-disk/lmstudio") + "\n");
        assertThat(OtherTools.defaultLmStudio(home)).isEqualTo(dir.resolve("big-disk/lmstudio/models"));
    }
}
