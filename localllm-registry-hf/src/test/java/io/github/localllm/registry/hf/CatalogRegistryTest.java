package io.github.localllm.registry.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelRef;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.hardware.CatalogFile;
import io.github.localllm.hardware.CatalogModel;
import io.github.localllm.hardware.ModelCatalog;
import io.github.localllm.registry.GgufVariant;
import io.github.localllm.registry.ModelDetails;
import io.github.localllm.registry.ModelFit;
import io.github.localllm.registry.ModelListing;
import io.github.localllm.registry.ModelPage;
import io.github.localllm.registry.ModelQuery;
import io.github.localllm.registry.ModelRegistry;
import io.github.localllm.registry.ModelRegistryProvider;
import io.github.localllm.registry.RepositoryNotFoundException;
import io.github.localllm.registry.RevisionNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bundled catalog through the registry SPI, offline. */
class CatalogRegistryTest {
    private static final String QWEN = "Qwen/Qwen2.5-0.5B-Instruct-GGUF";
    private static final String PINNED = "9217f5db79a29953eb74d5343926648285ec7e67";
    private final CatalogRegistry catalog = new CatalogRegistry(ModelCatalog.defaultCatalog(), Machines::laptop);

    @Test
    void searchFindsCatalogModelsByWordsAuthorAndTask() {
        assertThat(catalog.search(ModelQuery.builder().text("qwen2.5 0.5B").build()).models())
                .extracting(ModelListing::id).containsExactly(QWEN);
        assertThat(catalog.search(ModelQuery.builder().author("ggml-org").limit(100).build()).models())
                .isNotEmpty().allSatisfy(m -> assertThat(m.author()).isEqualTo("ggml-org"));
        assertThat(catalog.search(ModelQuery.builder().pipelineTag("feature-extraction").limit(100).build()).models())
                .isNotEmpty().allSatisfy(m -> assertThat(m.tags()).contains("embedding"));
    }

    @Test
    void pagesCoverTheCatalogOnce() {
        List<String> ids = new ArrayList<>();
        ModelQuery query = ModelQuery.builder().limit(3).build();
        ModelPage page = catalog.search(query);
        ids.addAll(page.models().stream().map(ModelListing::id).toList());
        while (page.hasNext()) {
            page = catalog.search(query.toBuilder().page(page.nextPage().get()).build());
            assertThat(page.models()).hasSizeLessThanOrEqualTo(3);
            ids.addAll(page.models().stream().map(ModelListing::id).toList());
        }
        assertThat(ids).doesNotHaveDuplicates()
                .hasSize(ModelCatalog.defaultCatalog().models().size());
        assertThatThrownBy(() -> catalog.search(query.toBuilder().page("/api/models?cursor=x").build()))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void detailsListTheCatalogFilesAsVariants() {
        ModelDetails d = catalog.details(QWEN);
        assertThat(d.license()).isPresent();
        assertThat(d.architecture()).hasValue("qwen2");
        GgufVariant q4 = d.variant("Q4_K_M").orElseThrow();
        assertThat(q4.size()).isPositive();
        assertThat(q4.ref().repository()).isEqualTo(QWEN);
        assertThat(catalog.details("qwen2.5-0.5b-instruct").id()).isEqualTo(QWEN);
        assertThatThrownBy(() -> catalog.details("nobody/nothing")).isInstanceOf(RepositoryNotFoundException.class)
                .hasMessageContaining("Hugging Face registry");
        assertThatThrownBy(() -> catalog.details(QWEN, "v2")).isInstanceOf(RevisionNotFoundException.class)
                .hasMessageContaining(PINNED);
    }

    @Test
    void detailsVariantsAndReferencesCarryThePinnedCommitNotMain() {
        ModelDetails d = catalog.details(QWEN);
        assertThat(d.revision()).isEqualTo(PINNED);
        assertThat(d.variants()).isNotEmpty().allSatisfy(v -> {
            assertThat(v.revision()).isEqualTo(PINNED);
            assertThat(v.ref()).isEqualTo(new ModelRef.Hub(QWEN, v.firstFile().path(), PINNED));
        });
        // The commit itself names the same details; "main" and blank stand for it, as the catalog knows no other.
        assertThat(catalog.details(QWEN, PINNED).variants()).isEqualTo(d.variants());
        assertThat(catalog.details(QWEN, "").revision()).isEqualTo(PINNED);
        assertThat(catalog.details(QWEN, PINNED.toUpperCase(Locale.ROOT)).revision()).isEqualTo(PINNED);
        // Every bundled model: each variant's reference is the file at its catalog commit.
        for (CatalogModel model : ModelCatalog.defaultCatalog().models()) {
            for (GgufVariant v : catalog.details(model.repository()).variants()) {
                CatalogFile file = model.files().stream().filter(f -> f.fileName().equals(v.firstFile().path()))
                        .findFirst().orElseThrow();
                assertThat(v.ref()).isEqualTo(model.hubRef(file));
                assertThat(v.revision()).matches("[0-9a-f]{40}");
            }
        }
    }

    @Test
    void fitsArePlannedOfflineFromTheCatalogsShape() {
        ModelFit small = catalog.fit(catalog.details(QWEN).variant("Q4_K_M").orElseThrow()).orElseThrow();
        assertThat(small.runnable()).isTrue();
        assertThat(small.tokensPerSecond()).isPresent();
        CatalogRegistry tiny = new CatalogRegistry(ModelCatalog.defaultCatalog(),
                () -> Machines.withRam(2 * Machines.GIB, Machines.GIB));
        GgufVariant big = tiny.search(ModelQuery.builder().text("70b").build()).models().stream()
                .map(m -> tiny.details(m.id()).variants().get(0)).findFirst().orElseThrow();
        ModelFit none = tiny.fit(big).orElseThrow();
        assertThat(none.runnable()).isFalse();
        assertThat(none.compatibility()).isEqualTo("INCOMPATIBLE");
    }

    @Test
    void bothRegistriesAreFoundWithServiceLoaderTheHubFirst() {
        List<ModelRegistryProvider> installed = ModelRegistryProvider.installed();
        assertThat(installed).extracting(ModelRegistryProvider::id).containsSubsequence("huggingface", "catalog");
        try (ModelRegistry offline = ModelRegistryProvider.find("catalog").orElseThrow()
                .create(LocalLlmConfig.load(Map.of(), Map.of()))) {
            assertThat(offline.id()).isEqualTo("catalog");
            assertThat(offline.details(QWEN).variants()).isNotEmpty();
        }
        try (ModelRegistry hub = ModelRegistryProvider.find("huggingface").orElseThrow()
                .create(LocalLlmConfig.load(Map.of(), Map.of()))) {
            assertThat(hub).isInstanceOf(HuggingFaceRegistry.class);
        }
    }
}
