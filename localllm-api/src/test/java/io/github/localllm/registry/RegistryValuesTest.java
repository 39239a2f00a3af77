package io.github.localllm.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.config.LocalLlmConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegistryValuesTest {

    @Test
    void aQueryHasDefaultsAndRefusesWhatNoRegistryCanAnswer() {
        ModelQuery q = ModelQuery.builder().text("  qwen ").build();
        assertThat(q.text()).hasValue("qwen");
        assertThat(q.ggufOnly()).isTrue();
        assertThat(q.sort()).isEqualTo(ModelSort.DOWNLOADS);
        assertThat(q.limit()).isEqualTo(ModelQuery.DEFAULT_LIMIT);
        assertThat(q.author()).isEmpty();
        assertThat(ModelQuery.builder().author(" ").build().author()).isEmpty();
        assertThat(q.toBuilder().limit(5).build()).isEqualTo(new ModelQuery(Optional.of("qwen"), Optional.empty(), true,
                Optional.empty(), ModelSort.DOWNLOADS, 5, Optional.empty()));
        assertThatThrownBy(() -> ModelQuery.builder().limit(0).build()).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("1 to 1000");
        assertThatThrownBy(() -> ModelQuery.builder().limit(1001).build()).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ModelQuery.builder().sort(null).build()).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ModelQuery.builder().text("a\nb").build()).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("control characters");
    }

    @Test
    void aVariantAddsItsShardsAndPointsAtItsFirstFileAtItsCommit() {
        GgufVariant v = new GgufVariant("acme/Big-GGUF", "c0ffee", Optional.of("Q4_K_M"), List.of(
                new RepoFile("q4/big-Q4_K_M-00001-of-00002.gguf", 10, Optional.of("a".repeat(64))),
                new RepoFile("q4/big-Q4_K_M-00002-of-00002.gguf", 5, Optional.empty())), Optional.empty());
        assertThat(v.size()).isEqualTo(15);
        assertThat(v.sharded()).isTrue();
        assertThat(v.label()).isEqualTo("Q4_K_M");
        assertThat(v.firstFile().name()).isEqualTo("big-Q4_K_M-00001-of-00002.gguf");
        assertThat(v.ref().text()).isEqualTo("hf://acme/Big-GGUF@c0ffee/q4/big-Q4_K_M-00001-of-00002.gguf");
        assertThat(new GgufVariant("a/b", "main", Optional.empty(), List.of(new RepoFile("m.gguf", 1, Optional.empty())),
                Optional.empty()).label()).isEqualTo("m.gguf");
        assertThatThrownBy(() -> new GgufVariant("a/b", "main", Optional.empty(), List.of(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RepoFile("x", -1, Optional.empty())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void detailsFindAVariantByQuantizationInAnyCase() {
        GgufVariant q8 = new GgufVariant("a/b", "c", Optional.of("Q8_0"), List.of(new RepoFile("b-Q8_0.gguf", 8,
                Optional.empty())), Optional.empty());
        ModelDetails d = ModelDetails.builder(ModelListing.builder("a/b").gating(Gating.AUTOMATIC).build(), "c")
                .variants(List.of(q8)).license("mit").build();
        assertThat(d.variant("q8_0")).hasValue(q8);
        assertThat(d.variant("Q4_K_M")).isEmpty();
        assertThat(d.id()).isEqualTo("a/b");
        assertThat(d.listing().author()).isEqualTo("a");
        assertThat(d.gating().gated()).isTrue();
        assertThat(Gating.NONE.gated()).isFalse();
        assertThat(d.license()).hasValue("mit");
    }

    @Test
    void fitOptionsAreChecked() {
        assertThat(FitOptions.defaults().targetContext()).isEmpty();
        assertThat(FitOptions.defaults().withContext(4096).withParallel(2))
                .isEqualTo(new FitOptions(Optional.of(4096), 2));
        assertThatThrownBy(() -> FitOptions.defaults().withContext(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FitOptions.defaults().withParallel(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void registryErrorsAreModelNotFoundErrorsThatARetryCannotFix() {
        assertThat(new RepositoryNotFoundException("x")).isInstanceOf(ModelNotFoundException.class);
        assertThat(new RevisionNotFoundException("x").isRetryable()).isFalse();
        assertThat(new RepoFileNotFoundException("x")).isInstanceOf(ModelNotFoundException.class);
        assertThat(new GatedModelException("x", true).tokenSent()).isTrue();
    }

    @Test
    void aRegistryWithoutPlanningSaysNothingOfFitsAndDiscoveryFindsNoneHere() {
        ModelRegistry bare = new ModelRegistry() {
            @Override
            public String id() {
                return "bare";
            }

            @Override
            public ModelPage search(ModelQuery query) {
                return new ModelPage(List.of(), Optional.empty());
            }

            @Override
            public ModelDetails details(String repository, String revision) {
                return ModelDetails.builder(ModelListing.builder(repository).build(), revision).build();
            }
        };
        GgufVariant v = new GgufVariant("a/b", "c", Optional.empty(), List.of(new RepoFile("m.gguf", 1, Optional.empty())),
                Optional.empty());
        assertThat(bare.fit(v)).isEmpty();
        assertThat(bare.details("a/b").revision()).isEqualTo("main");
        bare.close();
        // The API module ships no registry; the registry modules do.
        assertThat(ModelRegistryProvider.installed()).isEmpty();
        assertThat(ModelRegistryProvider.find("huggingface")).isEmpty();
        assertThat(LocalLlmConfig.empty()).isNotNull();
    }
}
