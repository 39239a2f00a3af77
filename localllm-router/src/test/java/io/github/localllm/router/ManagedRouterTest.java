package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ConfigurationException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.testkit.FakeOpenAi;
import io.github.localllm.testkit.FakeOpenAi.Flavor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A router described by configuration, over the OpenAI-compatible engine and the testkit's fake servers. */
class ManagedRouterTest {
    private static final String MODEL = "qwen2.5-0.5b-instruct";

    @TempDir
    Path dir;
    private FakeOpenAi laptop;
    private FakeOpenAi cloud;
    private final Map<String, String> props = new HashMap<>();

    @BeforeEach
    void start() {
        laptop = FakeOpenAi.builder(Flavor.LLAMA_CPP).model(MODEL).answer("from", " the laptop").start();
        cloud = FakeOpenAi.builder(Flavor.OPENAI).model("gpt-4o-mini").answer("from", " the cloud").start();
    }

    @AfterEach
    void stop() {
        laptop.close();
        cloud.close();
    }

    private void set(String key, String value) {
        props.put("localllm." + key, value);
    }

    private ConfigEnvironment environment() {
        return new ConfigEnvironment(props, Map.of(), dir, dir.resolve("user/config.json"));
    }

    private void twoTargets() {
        set("router.targets", "laptop, cloud");
        set("router.target.laptop.backend", "openai");
        set("router.target.laptop.model", MODEL);
        set("router.target.laptop.openai.url", laptop.uri() + "/v1");
        set("router.target.cloud.backend", "openai");
        set("router.target.cloud.model", "gpt-4o-mini");
        set("router.target.cloud.openai.url", cloud.uri() + "/v1");
        set("router.target.cloud.locality", "cloud");
    }

    @Test
    void theConfiguredTargetsServeLocalFirst() {
        twoTargets();
        try (ManagedRouter router = ManagedRouter.fromConfig(environment())) {
            GenerationResult result = router.generate(GenerationRequest.of("Hi"));
            assertThat(result.text()).isEqualTo("from the laptop");
            assertThat(result.routing().orElseThrow().target()).isEqualTo("laptop");
            assertThat(router.router().targets()).extracting(Target::name, Target::isLocal)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("laptop", true),
                            org.assertj.core.groups.Tuple.tuple("cloud", false));
            assertThat(router.engines()).hasSize(2);
        }
    }

    @Test
    void aLocalTargetDownFallsToTheCloudAndTheStrategyComesFromConfiguration() {
        twoTargets();
        laptop.close();
        try (ManagedRouter router = ManagedRouter.fromConfig(environment())) {
            assertThat(router.router().targets()).extracting(Target::name).containsExactly("cloud");
            assertThat(router.generate(GenerationRequest.of("Hi")).text()).isEqualTo("from the cloud");
        }
        set("router.strategy", "local-only");
        assertThatThrownBy(() -> ManagedRouter.fromConfig(environment())).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void aRequiredTargetThatCannotStartFailsTheBuild() {
        twoTargets();
        set("router.target.laptop.required", "true");
        laptop.close();
        assertThatThrownBy(() -> ManagedRouter.fromConfig(environment())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("router target 'laptop' is required but cannot start");
    }

    @Test
    void aProjectFileDescribesTheRouter() throws IOException {
        Files.writeString(dir.resolve(".localllm.json"), """
                {"router": {"targets": "laptop", "strategy": "round-robin",
                  "target": {"laptop": {"backend": "openai", "model": "%s", "openai.url": "%s/v1",
                                        "max.concurrent": "2"}}}}
                """.formatted(MODEL, laptop.uri()));
        try (ManagedRouter router = ManagedRouter.fromConfig(environment())) {
            assertThat(router.generate(GenerationRequest.of("Hi")).routing().orElseThrow().strategy())
                    .isEqualTo("round-robin");
            assertThat(router.router().targets().get(0).maxConcurrent()).isEqualTo(2);
        }
    }

    @Test
    void qualityScoresComeFromConfiguration() {
        twoTargets();
        set("router.strategy", "quality");
        set("router.quality", "gpt-4o-mini=0.9, laptop=0.5, code:laptop=0.95");
        try (ManagedRouter router = ManagedRouter.fromConfig(environment())) {
            assertThat(router.generate(GenerationRequest.of("Hi")).routing().orElseThrow().target()).isEqualTo("cloud");
            assertThat(router.router().with(RoutingOptions.task(TaskType.CODE)).generate(GenerationRequest.of("Hi"))
                    .routing().orElseThrow().target()).isEqualTo("laptop");
        }
        set("router.quality", "laptop");
        assertThatThrownBy(() -> ManagedRouter.fromConfig(environment())).hasMessageContaining("not name=score");
    }

    @Test
    void badDescriptionsAreNamedWithTheirOrigin() {
        assertThatThrownBy(() -> ManagedRouter.fromConfig(environment())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("set router.targets");
        set("router.targets", "laptop, laptop");
        assertThatThrownBy(() -> ManagedRouter.fromConfig(environment())).hasMessageContaining("names 'laptop' twice")
                .hasMessageContaining("localllm.router.targets");
        set("router.targets", "Laptop!");
        assertThatThrownBy(() -> ManagedRouter.fromConfig(environment())).hasMessageContaining("not a target name");
        set("router.targets", "laptop");
        assertThatThrownBy(() -> ManagedRouter.fromConfig(environment()))
                .hasMessageContaining("router target 'laptop' has no configuration");
        twoTargets();
        set("router.strategy", "fastest");
        assertThatThrownBy(() -> ManagedRouter.fromConfig(environment())).hasMessageContaining("not a strategy");
        props.remove("localllm.router.strategy");
        set("router.target.cloud.locality", "remote");
        assertThatThrownBy(() -> ManagedRouter.fromConfig(environment()))
                .hasMessageContaining("locality must be local or cloud");
    }
}
