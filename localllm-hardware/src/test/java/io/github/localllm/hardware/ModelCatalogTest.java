package io.github.localllm.hardware;

import io.github.localllm.ConfigurationException;
import io.github.localllm.ModelRef;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.LocalLlmConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelCatalogTest {
    @TempDir
    Path dir;

    @Test
    void bundledCatalogLoadsWithItsVersionAndDate() {
        ModelCatalog catalog = ModelCatalog.defaultCatalog();

        assertThat(catalog.version()).isEqualTo(1);
        assertThat(catalog.updated()).isAfterOrEqualTo(LocalDate.of(2026, 11, 22));
        assertThat(catalog.models()).hasSizeBetween(12, 30);
        assertThat(catalog.models()).allSatisfy(m -> {
            assertThat(CatalogVocabulary.ARCHITECTURES).contains(m.architecture());
            assertThat(m.files()).isNotEmpty();
        });
    }

    @Test
    void bundledCatalogCoversEveryTierAndTask() {
        ModelCatalog catalog = ModelCatalog.defaultCatalog();

        assertThat(catalog.candidates(ModelTask.CHAT)).extracting(CatalogModel::parameterCount)
                .anyMatch(p -> p < 1_600_000_000L)
                .anyMatch(p -> p >= 3_000_000_000L && p < 5_000_000_000L)
                .anyMatch(p -> p >= 7_000_000_000L && p < 10_000_000_000L)
                .anyMatch(p -> p >= 12_000_000_000L && p < 15_000_000_000L)
                .anyMatch(p -> p >= 27_000_000_000L && p < 33_000_000_000L)
                .anyMatch(p -> p >= 70_000_000_000L);
        assertThat(catalog.candidates(ModelTask.CODE)).hasSizeGreaterThanOrEqualTo(3);
        assertThat(catalog.candidates(ModelTask.EMBEDDING)).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void publishedValuesOfTheSharedSampleAreKeptExactly() {
        CatalogModel qwen = ModelCatalog.defaultCatalog().model("qwen2.5-0.5b-instruct").orElseThrow();
        CatalogFile q4 = qwen.file("q4_k_m").orElseThrow();

        assertThat(qwen.repository()).isEqualTo("Qwen/Qwen2.5-0.5B-Instruct-GGUF");
        assertThat(q4.fileName()).isEqualTo("qwen2.5-0.5b-instruct-q4_k_m.gguf");
        assertThat(q4.sizeBytes()).isEqualTo(491_400_032L);
        assertThat(q4.sizeApproximate()).isFalse();
        assertThat(q4.sha256()).contains("74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db");
        // Pinned to the commit the hashes were taken from: a later push to main cannot break the check.
        assertThat(qwen.revision()).isEqualTo("9217f5db79a29953eb74d5343926648285ec7e67");
        assertThat(q4.revision()).isEqualTo(qwen.revision());
        assertThat(qwen.downloadUrl(q4)).isEqualTo("https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/"
                + "9217f5db79a29953eb74d5343926648285ec7e67/qwen2.5-0.5b-instruct-q4_k_m.gguf");
        assertThat(qwen.hubRef(q4)).isEqualTo(new ModelRef.Hub("Qwen/Qwen2.5-0.5B-Instruct-GGUF",
                "qwen2.5-0.5b-instruct-q4_k_m.gguf", "9217f5db79a29953eb74d5343926648285ec7e67"));
    }

    @Test
    void everyBundledFileIsPinnedToAFullCommit() {
        for (CatalogModel model : ModelCatalog.defaultCatalog().models()) {
            assertThat(model.pinned()).as(model.id()).isTrue();
            assertThat(model.revision()).as(model.id()).matches("[0-9a-f]{40}");
            for (CatalogFile file : model.files()) {
                assertThat(model.downloadUrl(file)).as(model.id())
                        .isEqualTo("https://huggingface.co/" + model.repository() + "/resolve/" + file.revision() + "/"
                                + file.fileName())
                        .doesNotContain("/resolve/main/");
                assertThat(model.hubRef(file).revision()).isEqualTo(file.revision());
            }
        }
    }

    @Test
    void modelsOnlyTheServerRunsKeepTheirPublishedValues() {
        ModelCatalog catalog = ModelCatalog.defaultCatalog();
        record Published(String id, String repository, String architecture, String quantization, String file,
                         long size, String sha256, int context) {
        }
        List<Published> expected = List.of(
                new Published("qwen3-0.6b", "Qwen/Qwen3-0.6B-GGUF", "qwen3", "Q8_0", "Qwen3-0.6B-Q8_0.gguf", 639_446_688L,
                        "9465e63a22add5354d9bb4b99e90117043c7124007664907259bd16d043bb031", 40960),
                new Published("qwen3-1.7b", "ggml-org/Qwen3-1.7B-GGUF", "qwen3", "Q4_K_M", "Qwen3-1.7B-Q4_K_M.gguf",
                        1_282_439_264L, "d2387ca2dbfee2ffabce7120d3770dadca0b293052bc2f0e138fdc940d9bc7b5", 40960),
                new Published("qwen3-4b", "Qwen/Qwen3-4B-GGUF", "qwen3", "Q4_K_M", "Qwen3-4B-Q4_K_M.gguf", 2_497_280_256L,
                        "7485fe6f11af29433bc51cab58009521f205840f5b4ae3a32fa7f92e8534fdf5", 40960),
                new Published("qwen3-8b", "Qwen/Qwen3-8B-GGUF", "qwen3", "Q4_K_M", "Qwen3-8B-Q4_K_M.gguf", 5_027_783_488L,
                        "d98cdcbd03e17ce47681435b5150e34c1417f50b5c0019dd560e4882c5745785", 40960),
                new Published("smollm3-3b", "ggml-org/SmolLM3-3B-GGUF", "smollm3", "Q4_K_M", "SmolLM3-Q4_K_M.gguf",
                        1_915_305_312L, "8334b850b7bd46238c16b0c550df2138f0889bf433809008cc17a8b05761863e", 65536),
                new Published("gemma-3n-e2b-it", "ggml-org/gemma-3n-E2B-it-GGUF", "gemma3n", "Q8_0",
                        "gemma-3n-E2B-it-Q8_0.gguf", 4_788_112_064L,
                        "038a47c482e7af3009c462b56a7592e1ade3c7862540717aa1d9dee1760c337b", 32768),
                new Published("gpt-oss-20b", "ggml-org/gpt-oss-20b-GGUF", "gpt-oss", "MXFP4", "gpt-oss-20b-mxfp4.gguf",
                        12_109_566_560L, "be37a636aca0fc1aae0d32325f82f6b4d21495f06823b5fbc1898ae0303e9935", 131072));
        for (Published p : expected) {
            CatalogModel m = catalog.model(p.id()).orElseThrow();
            CatalogFile f = m.file(p.quantization()).orElseThrow();
            assertThat(m.repository()).isEqualTo(p.repository());
            assertThat(m.architecture()).isEqualTo(p.architecture());
            assertThat(m.contextLength()).isEqualTo(p.context());
            assertThat(f.fileName()).isEqualTo(p.file());
            assertThat(f.sizeBytes()).isEqualTo(p.size());
            assertThat(f.sizeApproximate()).isFalse();
            assertThat(f.sha256()).contains(p.sha256());
            assertThat(io.github.localllm.gguf.LlamaCppArchitectures.B4916).as(p.id()).doesNotContain(m.architecture());
            assertThat(io.github.localllm.gguf.LlamaCppArchitectures.B10470).as(p.id()).contains(m.architecture());
        }
    }

    @Test
    void filesWithoutAPublishedSizeGetAnEstimateMarkedAsSuch() {
        // A user's entry for Qwen2.5 7B with no published size: the bundled one may have gained it since.
        CatalogModel qwen7 = ModelCatalog.parse("""
                {"version": 1, "updated": "2026-11-28", "models": [{"id": "q7", "name": "Q7", "tasks": ["chat"],
                 "repository": "bartowski/Qwen2.5-7B-Instruct-GGUF", "architecture": "qwen2", "parameters": 7610000000,
                 "contextLength": 32768, "license": "Apache-2.0",
                 "files": [{"quantization": "Q4_K_M", "fileName": "Qwen2.5-7B-Instruct-Q4_K_M.gguf"}]}]}""", "test")
                .model("q7").orElseThrow();
        CatalogFile q4 = qwen7.file("Q4_K_M").orElseThrow();

        assertThat(q4.sizeApproximate()).isTrue();
        assertThat(q4.sha256()).isEmpty();
        // 7.61B weights at about 4.9 bits: between 4 and 5 GB
        assertThat(q4.sizeBytes()).isBetween(4_000_000_000L, 5_000_000_000L);
        assertThat(q4.toString()).contains("about");
    }

    @Test
    void filesAreSortedSmallestFirstWithinAModel() {
        assertThat(ModelCatalog.defaultCatalog().models()).allSatisfy(m ->
                assertThat(m.files()).isSortedAccordingTo(Comparator.comparingLong(CatalogFile::sizeBytes)));
    }

    @Test
    void candidatesComeLargestFirstAndOnlyForTheTask() {
        List<CatalogModel> chat = ModelCatalog.defaultCatalog().candidates(ModelTask.CHAT);

        assertThat(chat).allMatch(m -> m.supports(ModelTask.CHAT));
        assertThat(chat).extracting(CatalogModel::parameterCount)
                .isSortedAccordingTo(Comparator.reverseOrder());
        assertThat(chat.get(0).id()).isEqualTo("llama-3.3-70b-instruct");
        assertThat(ModelCatalog.defaultCatalog().candidates(ModelTask.EMBEDDING))
                .extracting(CatalogModel::id).containsExactly("nomic-embed-text-v1.5", "bge-small-en-v1.5");
    }

    @Test
    void candidatesBreakTiesByContextThenId() {
        ModelCatalog catalog = ModelCatalog.parse(CatalogJson.document(
                CatalogJson.model("b-model", 1_000_000_000L, 4096),
                CatalogJson.model("a-model", 1_000_000_000L, 4096),
                CatalogJson.model("c-model", 1_000_000_000L, 8192)), "test");

        assertThat(catalog.candidates(ModelTask.CHAT)).extracting(CatalogModel::id)
                .containsExactly("c-model", "a-model", "b-model");
    }

    @Test
    void loadReadsAUserFileOnItsOwn() throws IOException {
        Path file = write("mine.json", CatalogJson.document(CatalogJson.model("my-model", 2_000_000_000L, 4096)));

        ModelCatalog catalog = ModelCatalog.load(file);

        assertThat(catalog.models()).extracting(CatalogModel::id).containsExactly("my-model");
    }

    @Test
    void aUserFileExtendsTheDefaultAndReplacesModelsWithTheSameId() throws IOException {
        Path file = write("catalog.json", CatalogJson.document(
                CatalogJson.model("my-model", 2_000_000_000L, 4096),
                CatalogJson.model("qwen2.5-0.5b-instruct", 500_000_000L, 8192)));
        ModelCatalog base = ModelCatalog.defaultCatalog();

        ModelCatalog merged = base.overriddenBy(file);

        assertThat(merged.models()).hasSize(base.models().size() + 1);
        assertThat(merged.model("my-model")).isPresent();
        assertThat(merged.model("qwen2.5-0.5b-instruct").orElseThrow().contextLength()).isEqualTo(8192);
        assertThat(merged.model("llama-3.3-70b-instruct")).isPresent();
    }

    @Test
    void aUserFileCanReplaceTheDefaultEntirely() throws IOException {
        String json = CatalogJson.document(CatalogJson.model("only-model", 2_000_000_000L, 4096))
                .replace("\"version\": 1,", "\"version\": 1, \"replaceDefault\": true,");
        Path file = write("catalog.json", json);

        ModelCatalog merged = ModelCatalog.defaultCatalog().overriddenBy(file);

        assertThat(merged.models()).extracting(CatalogModel::id).containsExactly("only-model");
    }

    @Test
    void configurationPicksTheNamedFileThenTheUserFileThenTheDefault() throws IOException {
        Path configDir = Files.createDirectories(dir.resolve("config"));
        ConfigEnvironment env = new ConfigEnvironment(Map.of(), Map.of(), dir, configDir.resolve("config.json"));

        assertThat(ModelCatalog.forConfig(LocalLlmConfig.empty(), env).models())
                .isEqualTo(ModelCatalog.defaultCatalog().models());

        Files.writeString(configDir.resolve("catalog.json"),
                CatalogJson.document(CatalogJson.model("user-model", 2_000_000_000L, 4096)));
        assertThat(ModelCatalog.forConfig(LocalLlmConfig.empty(), env).model("user-model")).isPresent();

        write("project-catalog.json", CatalogJson.document(CatalogJson.model("named-model", 2_000_000_000L, 4096)));
        LocalLlmConfig config = LocalLlmConfig.load(Map.of("catalog", "project-catalog.json"), Map.of(), env);
        ModelCatalog named = ModelCatalog.forConfig(config, env);
        assertThat(named.model("named-model")).isPresent();
        assertThat(named.model("user-model")).isEmpty();
        assertThat(named.model("gemma-3-1b-it")).isPresent();
    }

    @Test
    void aNamedFileThatDoesNotExistIsAnError() {
        ConfigEnvironment env = new ConfigEnvironment(Map.of(), Map.of(), dir, dir.resolve("config.json"));
        LocalLlmConfig config = LocalLlmConfig.load(Map.of("catalog", "missing.json"), Map.of(), env);

        assertThatThrownBy(() -> ModelCatalog.forConfig(config, env))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("missing.json").hasMessageContaining("does not exist");
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
