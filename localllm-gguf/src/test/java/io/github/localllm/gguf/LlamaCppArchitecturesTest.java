package io.github.localllm.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LlamaCppArchitecturesTest {

    @Test
    void eachKnownBuildHasItsOwnList() {
        assertThat(LlamaCppArchitectures.B4916).hasSize(60);
        assertThat(LlamaCppArchitectures.B10470).hasSize(144);
        assertThat(LlamaCppArchitectures.knownBuilds()).containsExactly(LlamaCppBuild.B4916, LlamaCppBuild.B10470);
        assertThat(LlamaCppArchitectures.of(LlamaCppBuild.B4916)).contains(LlamaCppArchitectures.B4916);
        assertThat(LlamaCppArchitectures.of(LlamaCppBuild.B10470)).contains(LlamaCppArchitectures.B10470);
    }

    @Test
    void theNewerBuildRunsEverythingTheOlderDidAndTheModelsOnlyItRuns() {
        assertThat(LlamaCppArchitectures.B10470).containsAll(LlamaCppArchitectures.B4916)
                .contains("qwen3", "qwen3moe", "gemma3n", "gpt-oss", "smollm3", "llama4", "glm4", "gemma4")
                .doesNotContain("clip", "(unknown)");
        assertThat(LlamaCppArchitectures.B4916).doesNotContain("qwen3", "gemma3n", "gpt-oss", "smollm3", "llama4");
        assertThat(LlamaCppArchitectures.any()).isEqualTo(LlamaCppArchitectures.B10470);
    }

    @Test
    void aBuildBetweenKnownOnesRunsAtLeastTheOlderList() {
        assertThat(LlamaCppArchitectures.of(LlamaCppBuild.of(6500))).contains(LlamaCppArchitectures.B4916);
        assertThat(LlamaCppArchitectures.of(LlamaCppBuild.of(10469))).contains(LlamaCppArchitectures.B4916);
    }

    @Test
    void aBuildNewerThanEveryKnownOneRunsAtLeastTheNewestList() {
        assertThat(LlamaCppArchitectures.of(LlamaCppBuild.of(12000))).contains(LlamaCppArchitectures.B10470);
    }

    @Test
    void aBuildOlderThanEveryKnownOneHasNoList() {
        assertThat(LlamaCppArchitectures.of(LlamaCppBuild.of(4915))).isEmpty();
        assertThat(LlamaCppArchitectures.of(LlamaCppBuild.of(1))).isEmpty();
        assertThatThrownBy(() -> LlamaCppArchitectures.of(null)).isInstanceOf(NullPointerException.class);
    }
}
