package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.SamplingParameters;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.testkit.RealEngines;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The automatic router over the real managed llama-server and the real tiny model: the engine that
 * opens files becomes one target for the configured file, and the engine's own list of what it runs
 * tells the router the model is loaded.
 */
class AutoDetectRealEngineTest {
    @TempDir
    Path dir;

    @Test
    void theManagedLlamaServerServesTheConfiguredFileAndSaysItIsLoaded() {
        Path server = RealEngines.llamaServer();
        Path model = RealEngines.tinyModel();
        Map<String, String> props = new HashMap<>();
        props.put("localllm.llamaserver.path", server.toString());
        props.put("localllm.llamaserver.state.dir", dir.resolve("state").toString());
        props.put("localllm.llamaserver.engines.dir", dir.resolve("engines").toString());
        props.put("localllm.model", model.toString());
        props.put("localllm.context.size", "256");
        props.put("localllm.threads", "2");
        props.put("localllm.router.probe.timeout", "PT10S");
        ConfigEnvironment env = new ConfigEnvironment(props, Map.of(), dir, dir.resolve("user/config.json"));
        try (ManagedRouter router = ManagedRouter.builder().environment(env).autoDetect().engines("llamaserver")
                .build()) {
            assertThat(router.router().targets()).extracting(Target::name, Target::isLocal)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("llamaserver", true));
            String name = model.getFileName().toString().replace(".gguf", "");
            assertThat(router.engines().get(0).model().info().name()).isEqualTo(name);
            router.router().refreshLoaded();
            assertThat(LoadedWatch.reports(router.engines().get(0).backend())).isTrue();
            assertThat(router.router().candidates().get(0).loaded()).isTrue();
            GenerationResult r = router.generate(GenerationRequest.builder().prompt("Once upon a time").raw(true)
                    .maxTokens(8).sampling(SamplingParameters.greedy()).build());
            assertThat(r.text()).isNotBlank();
            assertThat(r.routing().orElseThrow().target()).isEqualTo("llamaserver");
        }
    }
}
