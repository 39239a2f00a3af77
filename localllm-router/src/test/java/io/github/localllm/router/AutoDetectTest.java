package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.RoutingDecision;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.KeyFile;
import io.github.localllm.config.KeyProtection;
import io.github.localllm.testkit.FakeLmStudio;
import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.FakeOllama;
import io.github.localllm.testkit.FakeOpenAi;
import io.github.localllm.testkit.FakeOpenAi.Flavor;
import io.github.localllm.testkit.Fault;
import io.github.localllm.testkit.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-line router: the engines running on this machine (the testkit's fake Ollama, LM Studio and
 * llama.cpp server on loopback, found through the engines' own address keys), the cloud last and only
 * when allowed, and its key nowhere but in the cloud's requests.
 */
class AutoDetectTest {
    private static final String KEY = "sk-test-4f9a0c2e1b7d3SECRET";
    private static final String QWEN = "qwen2.5:7b";
    private static final String STUDIO_MODEL = "qwen2.5-7b-instruct";
    private static final String SERVER_MODEL = "stories260k";

    @TempDir
    Path dir;
    private FakeOllama ollama;
    private FakeLmStudio lmstudio;
    private FakeOpenAi server;
    private FakeOpenAi cloud;
    private final Map<String, String> props = new HashMap<>();

    @BeforeEach
    void start() {
        // An embedding model loaded beside the chat model: the chat model is the one routed to.
        ollama = FakeOllama.builder().model(FakeModel.embedding("nomic-embed-text").withLoaded(true))
                .model(FakeModel.builder(QWEN).loaded(true).build()).model(FakeModel.of("llama3.2:latest"))
                .answer("from", " ollama").start();
        lmstudio = FakeLmStudio.builder().model(FakeModel.builder(STUDIO_MODEL).loaded(true).build())
                .answer("from", " lm studio").start();
        server = FakeOpenAi.builder(Flavor.LLAMA_CPP).model(SERVER_MODEL).answer("from", " llama-server").start();
        cloud = FakeOpenAi.builder(Flavor.OPENAI).model("gpt-4o-mini").answer("from", " the cloud").start();
        set("ollama.url", ollama.uri().toString());
        set("lmstudio.url", lmstudio.uri().toString());
        set("openai.url", server.uri() + "/v1");
        // No llama-server binary here: the managed engine is probed and found down.
        set("llamaserver.path", dir.resolve("no-such-llama-server").toString());
        set("router.cloud.url", cloud.uri() + "/v1");
        set("router.probe.timeout", "PT5S");
    }

    @AfterEach
    void stop() {
        ollama.close();
        lmstudio.close();
        server.close();
        cloud.close();
    }

    private void set(String key, String value) {
        props.put("localllm." + key, value);
    }

    private ConfigEnvironment environment() {
        return new ConfigEnvironment(props, Map.of(), dir, dir.resolve("user/config.json"));
    }

    private ManagedRouter.Builder auto() {
        return ManagedRouter.builder().environment(environment()).autoDetect();
    }

    @Test
    void everyLocalEngineThatIsUpBecomesATargetAndTheCloudStaysOutUnasked() {
        set("openai.api.key", KEY);
        try (ManagedRouter router = auto().build()) {
            assertThat(router.router().targets()).extracting(Target::name)
                    .containsExactly("ollama", "lmstudio", "openai");
            assertThat(router.router().targets()).allMatch(Target::isLocal);
            assertThat(router.engines()).extracting(e -> e.model().info().name())
                    .containsExactly(QWEN, STUDIO_MODEL, SERVER_MODEL);
            assertThat(router.leftOut()).singleElement().asString().startsWith("llamaserver: not running: ");
            RoutingDecision d = router.generate(GenerationRequest.of("Hi")).routing().orElseThrow();
            assertThat(d.target()).isEqualTo("ollama");
            assertThat(d.strategy()).isEqualTo("prefer-local");
            assertThat(router.describe()).contains("ollama: qwen2.5:7b on ollama at http://127.0.0.1:",
                    "left out llamaserver").doesNotContain(KEY);
        }
        assertThat(cloud.requests()).isEmpty();
        // The configured key is the cloud's: the local llama.cpp server never saw it.
        assertThat(server.requests()).isNotEmpty().allSatisfy(r -> assertThat(String.valueOf(r.headers()))
                .doesNotContain(KEY));
    }

    @Test
    void theCloudComesLastWhenAllowedAndServesWhenTheLocalEnginesFail() {
        set("openai.api.key", KEY);
        // Straight to the next target: no retry of one that is gone.
        try (ManagedRouter router = auto().allowCloud(true).router(b -> b.retries(0)).build()) {
            assertThat(router.router().targets()).extracting(Target::name, Target::isLocal).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("ollama", true),
                    org.assertj.core.groups.Tuple.tuple("lmstudio", true),
                    org.assertj.core.groups.Tuple.tuple("openai", true),
                    org.assertj.core.groups.Tuple.tuple("cloud", false));
            assertThat(router.describe()).contains("cloud: gpt-4o-mini on openai at http://127.0.0.1:").doesNotContain(KEY);
            assertThat(cloud.lastRequest().header("Authorization")).contains("Bearer " + KEY);
            ollama.close();
            lmstudio.close();
            server.close();
            assertThatThrownBy(() -> router.router().with(RoutingOptions.onlyLocal()).generate(GenerationRequest.of("Hi")))
                    .isInstanceOf(NoTargetAvailableException.class);
            assertThat(cloud.requests("/v1/chat/completions")).isEmpty();
            RoutingDecision d = router.generate(GenerationRequest.of("Hi")).routing().orElseThrow();
            assertThat(d.target()).isEqualTo("cloud");
            assertThat(d.fallback()).isTrue();
        }
    }

    @Test
    void aCloudWithoutAKeyIsLeftOutSayingWhereToPutOne() {
        try (ManagedRouter router = auto().allowCloud(true).build()) {
            assertThat(router.router().targets()).extracting(Target::name).doesNotContain("cloud");
            assertThat(router.leftOut()).anySatisfy(l -> assertThat(l).startsWith("cloud: allowed, but no API key")
                    .contains("openai.api.key"));
        }
        assertThat(cloud.requests()).isEmpty();
    }

    @Test
    void theKeyComesFromTheEncryptedKeyFile() {
        set(KeyFile.PASSPHRASE_KEY, "correct horse battery staple");
        KeyFile.at(environment().keyFile(), KeyProtection.passphrase("correct horse battery staple".toCharArray()))
                .put("openai.api.key", KEY);
        set("router.cloud.allow", "true");
        try (ManagedRouter router = auto().build()) {
            assertThat(router.router().targets()).extracting(Target::name).endsWith("cloud");
            assertThat(cloud.lastRequest().header("Authorization")).contains("Bearer " + KEY);
            assertThat(router.describe()).doesNotContain(KEY);
            assertThat(router.engines().get(router.engines().size() - 1).config().describe()).doesNotContain(KEY);
        }
    }

    @Test
    void keysReachNoLogNoMessageAndNoDescription() {
        set("openai.api.key", KEY);
        // The cloud refuses the key, and a local server fails: both say why, without the key.
        cloud.inject("/v1/models", Fault.httpStatus(401));
        lmstudio.inject(Fault.httpStatus(500));
        String log = capturingErr(() -> {
            try (ManagedRouter router = auto().allowCloud(true).build()) {
                assertThat(router.router().targets()).extracting(Target::name).doesNotContain("cloud", "lmstudio");
                assertThat(router.leftOut()).anySatisfy(l -> assertThat(l).startsWith("cloud: could not start"));
                assertThat(String.join("\n", router.leftOut())).doesNotContain(KEY);
                assertThat(router.describe()).doesNotContain(KEY);
                assertThat(router.toString()).doesNotContain(KEY);
            }
            return null;
        });
        assertThat(log).contains("router target cloud left out").doesNotContain(KEY);
        ollama.close();
        server.close();
        lmstudio.close();
        Throwable none = catchThrowable(() -> capturingErr(() -> auto().allowCloud(true).build()));
        assertThat(none).isInstanceOf(BackendUnavailableException.class);
        assertThat(none.getMessage()).doesNotContain(KEY);
        assertThat(cloud.requests()).extracting(RecordedRequest::path).allMatch(p -> p.startsWith("/v1/models"));
    }

    @Test
    void noEngineUpIsAClearErrorNamingWhatWasProbedAndHowToStartOne() {
        ollama.close();
        lmstudio.close();
        server.close();
        assertThatThrownBy(() -> auto().build()).isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("no engine to route to: probed ")
                .hasMessageContaining("ollama: not running")
                .hasMessageContaining("lmstudio: not running")
                .hasMessageContaining("openai: not running")
                .hasMessageContaining("llamaserver: not running")
                .hasMessageContaining("`ollama serve`")
                .hasMessageContaining("router.cloud.allow=true");
        assertThat(cloud.requests()).isEmpty();
    }

    @Test
    void anEngineWhoseAddressIsNotThisMachineCountsAsCloudAndIsNotEvenProbedUnasked() {
        // TEST-NET-1: never routed; the engine must not be contacted at all.
        set("ollama.url", "http://192.0.2.1:11434");
        try (ManagedRouter router = auto().build()) {
            assertThat(router.router().targets()).extracting(Target::name).containsExactly("lmstudio", "openai");
            assertThat(router.leftOut()).anySatisfy(l -> assertThat(l)
                    .isEqualTo("ollama: its address 192.0.2.1 is not this machine, so it counts as cloud; set"
                            + " router.cloud.allow=true (or allowCloud(true)) to use it, or"
                            + " router.target.ollama.locality=local if that machine is yours"));
        }
    }

    @Test
    void anEngineOnAnotherMachineDeclaredLocalIsNoCloud() {
        URI lan = URI.create("http://192.0.2.1:11434");
        assertThat(AutoTargets.countsAsCloud(lan, Map.of())).isTrue();
        assertThat(AutoTargets.countsAsCloud(lan, Map.of("locality", "local"))).isFalse();
        assertThat(AutoTargets.countsAsCloud(lan, Map.of("locality", "cloud"))).isTrue();
        assertThat(AutoTargets.countsAsCloud(URI.create("http://127.0.0.1:11434"), Map.of())).isFalse();
        assertThat(AutoTargets.countsAsCloud(URI.create("http://localhost:11434"), Map.of())).isFalse();
        assertThat(AutoTargets.countsAsCloud(URI.create("http://[::1]:11434"), Map.of())).isFalse();
        assertThat(AutoTargets.countsAsCloud(null, Map.of())).isFalse();
    }

    @Test
    void perEngineKeysChooseTheModelAndTheEnginesProbed() {
        set("router.target.ollama.model", "llama3.2");
        try (ManagedRouter router = auto().engines("ollama", "lmstudio").build()) {
            assertThat(router.router().targets()).extracting(Target::name).containsExactly("ollama", "lmstudio");
            assertThat(router.engines().get(0).model().info().name()).isEqualTo("llama3.2");
            assertThat(router.leftOut()).isEmpty();
        }
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void aServerWithNothingLoadedAndNothingConfiguredIsLeftOutWithWhatItHas() {
        ollama.close();
        ollama = FakeOllama.builder().model(FakeModel.of(QWEN)).answer("Hi").start();
        set("ollama.url", ollama.uri().toString());
        try (ManagedRouter router = auto().build()) {
            assertThat(router.router().targets()).extracting(Target::name).containsExactly("lmstudio", "openai");
            assertThat(router.leftOut()).anySatisfy(l -> assertThat(l).isEqualTo("ollama: up, but it has no model"
                    + " loaded and none is configured for it: load one in it, or set router.target.ollama.model to one"
                    + " of qwen2.5:7b"));
        }
        // The configured model is used where the server has it.
        set("model", QWEN);
        try (ManagedRouter router = auto().engines("ollama").build()) {
            assertThat(router.engines().get(0).model().info().name()).isEqualTo(QWEN);
        }
    }

    @Test
    void theConfigurationAloneAsksForTheAutomaticRouter() {
        set("router.auto", "true");
        try (ManagedRouter router = ManagedRouter.fromConfig(environment())) {
            assertThat(router.router().name()).isEqualTo("auto");
            assertThat(router.router().targets()).extracting(Target::name).containsExactly("ollama", "lmstudio", "openai");
        }
    }

    /** Runs the call with standard error (where slf4j-simple logs) captured; returns what was logged. */
    private static String capturingErr(Supplier<Object> call) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            call.get();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
