package io.github.localllm.backend.llamaserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ConfigurationException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.KvCacheType;
import io.github.localllm.LoadOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Load options become the server's arguments, one list element each; what is unset is left to the server. */
class ServerArgumentsTest {
    private static final int BUILD = 10470;
    @TempDir
    Path dir;

    @Test
    void nothingSetPassesOnlyJinjaAndMetrics() {
        assertThat(ServerArguments.of(LoadOptions.defaults(), LlamaServerOptions.builder().build(), BUILD))
                .containsExactly("--jinja", "--metrics");
    }

    @Test
    void embeddingsPoolingAndMetricsBecomeTheirArguments() {
        assertThat(ServerArguments.of(LoadOptions.defaults(), LlamaServerOptions.builder().embeddings(true).metrics(false)
                .build(), BUILD)).containsExactly("--jinja", "--embeddings");
        assertThat(ServerArguments.of(LoadOptions.defaults(), LlamaServerOptions.builder().pooling(Pooling.CLS).build(),
                BUILD)).containsExactly("--jinja", "--embeddings", "--pooling", "cls", "--metrics");
        assertThat(LlamaServerOptions.builder().pooling(Pooling.LAST).build().embedsText()).isTrue();
        assertThat(LlamaServerOptions.builder().build().embedsText()).isFalse();
        assertThatThrownBy(() -> LlamaServerOptions.builder().embeddings(false).pooling(Pooling.MEAN).build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("embeddings(true)");
    }

    @Test
    void embeddingOptionsComeFromTheConfiguration() {
        LlamaServerOptions configured = LlamaServerOptions.from(TestEngines.config(dir, "llamaserver.embeddings", "true",
                "llamaserver.pooling", "Mean", "llamaserver.metrics", "false"));
        assertThat(configured.embeddings()).isTrue();
        assertThat(configured.pooling()).isEqualTo(Pooling.MEAN);
        assertThat(configured.metrics()).isFalse();
        assertThat(LlamaServerOptions.builder().build().orElse(configured)).isEqualTo(configured);
        assertThatThrownBy(() -> LlamaServerOptions.from(TestEngines.config(dir, "llamaserver.pooling", "rank")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("llamaserver.pooling")
                .hasMessageContaining("mean, cls or last");
    }

    @Test
    void everyOptionBecomesItsArgument() {
        LoadOptions load = LoadOptions.builder().contextSize(4096).gpuLayers(-1).threads(6).build();
        LlamaServerOptions server = LlamaServerOptions.builder().parallel(2).kvCacheType(KvCacheType.Q8_0)
                .flashAttention(true).mmap(false).mlock(true).jinja(false).batchSize(512).build();
        assertThat(ServerArguments.of(load, server, BUILD)).containsExactly("--ctx-size", "8192", "--n-gpu-layers", "999",
                "--threads", "6", "--parallel", "2", "--cache-type-k", "q8_0", "--cache-type-v", "q8_0", "--flash-attn",
                "on", "--load-mode", "mlock", "--no-jinja", "--batch-size", "512", "--metrics");
    }

    @Test
    void olderBuildsGetTheLoadFlagsTheyTake() {
        LlamaServerOptions noMap = LlamaServerOptions.builder().mmap(false).mlock(true).build();
        assertThat(ServerArguments.of(LoadOptions.defaults(), noMap, 7000)).containsExactly("--no-mmap", "--mlock", "--jinja", "--metrics");
        assertThat(ServerArguments.of(LoadOptions.defaults(), LlamaServerOptions.builder().mmap(true).mlock(true).build(),
                BUILD)).containsSequence("--load-mode", "mmap+mlock");
        assertThat(ServerArguments.of(LoadOptions.defaults(), LlamaServerOptions.builder().mmap(false).build(), BUILD))
                .containsSequence("--load-mode", "none");
        assertThat(ServerArguments.of(LoadOptions.defaults(), LlamaServerOptions.builder().mmap(true).build(), 7000))
                .containsExactly("--jinja", "--metrics");
    }

    @Test
    void theContextAskedForIsEachSlots() {
        assertThat(ServerArguments.of(LoadOptions.builder().contextSize(2048).build(), LlamaServerOptions.builder().build(),
                BUILD)).containsSequence("--ctx-size", "2048");
        assertThat(ServerArguments.of(LoadOptions.builder().contextSize(2048).build(),
                LlamaServerOptions.builder().parallel(4).build(), BUILD)).containsSequence("--ctx-size", "8192");
    }

    @Test
    void gpuLayersPassAsCounted() {
        assertThat(ServerArguments.of(LoadOptions.builder().gpuLayers(0).build(), LlamaServerOptions.builder().build(), BUILD))
                .containsSequence("--n-gpu-layers", "0");
    }

    @Test
    void aQuantizedCacheWithoutFlashAttentionIsRefusedBeforeStarting() {
        LlamaServerOptions bad = LlamaServerOptions.builder().kvCacheType(KvCacheType.Q4_0).flashAttention(false).build();
        assertThatThrownBy(() -> ServerArguments.of(LoadOptions.defaults(), bad, BUILD))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("q4_0").hasMessageContaining("flash");
    }

    @Test
    void optionsComeFromTheConfigurationAndRequestsWin() {
        LlamaServerOptions configured = LlamaServerOptions.from(TestEngines.config(dir, "parallel", "3",
                "kv.cache.type", "q8_0", "llamaserver.flash.attention", "on", "mmap", "false", "llamaserver.jinja", "false",
                "batch.size", "256"));
        assertThat(configured).isEqualTo(new LlamaServerOptions(3, KvCacheType.Q8_0, true, false, null, false, 256));
        LlamaServerOptions asked = LlamaServerOptions.builder().parallel(1).build().orElse(configured);
        assertThat(asked.parallel()).isEqualTo(1);
        assertThat(asked.batchSize()).isEqualTo(256);
        assertThat(LlamaServerOptions.from(TestEngines.config(dir, "llamaserver.flash.attention", "auto")).flashAttention())
                .isNull();
        assertThatThrownBy(() -> LlamaServerOptions.from(TestEngines.config(dir, "llamaserver.flash.attention", "maybe")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("on, off or auto");
        assertThatThrownBy(() -> LlamaServerOptions.builder().parallel(0).build())
                .isInstanceOf(InvalidRequestException.class);
        assertThat(List.of(configured.engine())).containsExactly("llamaserver");
    }
}
