package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelRef;
import io.github.localllm.RoutingDecision;
import io.github.localllm.backend.openai.OpenAiBackend;
import io.github.localllm.http.RetryPolicy;
import io.github.localllm.http.ServerBusyException;
import io.github.localllm.spi.ModelLoadRequest;
import io.github.localllm.testkit.FakeOpenAi;
import io.github.localllm.testkit.FakeOpenAi.Flavor;
import io.github.localllm.testkit.Fault;
import io.github.localllm.testkit.RecordedRequest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The router over real engines: the OpenAI-compatible engine talking to two llama.cpp servers
 * faked by the testkit, which fail on command the way real ones do (429 with Retry-After, a stream
 * cut mid-answer, a server gone).
 */
class HttpEnginesTest {
    private static final String MODEL = "qwen2.5-0.5b-instruct";

    private FakeOpenAi gpu;
    private FakeOpenAi laptop;
    private OpenAiBackend gpuBackend;
    private OpenAiBackend laptopBackend;
    private ModelInstance gpuModel;
    private ModelInstance laptopModel;

    @BeforeEach
    void start() {
        gpu = FakeOpenAi.builder(Flavor.LLAMA_CPP).model(MODEL).answer("The", " sky", " is", " blue", ".").start();
        laptop = FakeOpenAi.builder(Flavor.LLAMA_CPP).model(MODEL).answer(" blue", ".").start();
        gpuBackend = backend(gpu);
        laptopBackend = backend(laptop);
        gpuModel = gpuBackend.load(new ModelLoadRequest(ModelRef.name(MODEL), LoadOptions.defaults()));
        laptopModel = laptopBackend.load(new ModelLoadRequest(ModelRef.name(MODEL), LoadOptions.defaults()));
    }

    @AfterEach
    void stop() {
        gpuModel.close();
        laptopModel.close();
        gpuBackend.close();
        laptopBackend.close();
        gpu.close();
        laptop.close();
    }

    /** The transport retries nothing itself, so that the router's own retries are what is tested. */
    private static OpenAiBackend backend(FakeOpenAi server) {
        return OpenAiBackend.builder(URI.create(server.uri() + "/v1")).connectTimeout(Duration.ofSeconds(2))
                .firstByteTimeout(Duration.ofSeconds(5)).idleTimeout(Duration.ofSeconds(5))
                .retryPolicy(RetryPolicy.none()).build();
    }

    private Router.Builder router() {
        return Router.builder().target(Target.local("gpu", gpuModel).build())
                .target(Target.local("laptop", laptopModel).build());
    }

    private static List<String> chatCalls(FakeOpenAi server) {
        return server.requests("/v1/chat/completions").stream().map(RecordedRequest::path).toList();
    }

    @Test
    void aRateLimitIsRetriedOnTheSameServerAfterItsRetryAfter() {
        gpu.injectNext(1, "/v1/chat/completions", Fault.httpStatus(429, Duration.ofSeconds(1)));
        GenerationResult r = router().retries(1).build().generate(GenerationRequest.builder().user("Sky?").build());
        RoutingDecision d = r.routing().orElseThrow();
        assertThat(r.text()).isEqualTo("The sky is blue.");
        assertThat(d.target()).isEqualTo("gpu");
        assertThat(d.failures()).singleElement().satisfies(a -> {
            assertThat(a.error()).get().isInstanceOf(ServerBusyException.class);
            assertThat(a.error().get().retryAfter()).contains(Duration.ofSeconds(1));
        });
        assertThat(chatCalls(gpu)).hasSize(2);
        assertThat(chatCalls(laptop)).isEmpty();
    }

    @Test
    void aRetryAfterLongerThanAllowedGoesToTheOtherServerAtOnce() {
        gpu.injectNext(1, "/v1/chat/completions", Fault.httpStatus(503, Duration.ofSeconds(120)));
        RoutingDecision d = router().build().generate(GenerationRequest.builder().user("Sky?").build()).routing()
                .orElseThrow();
        assertThat(d.target()).isEqualTo("laptop");
        assertThat(chatCalls(gpu)).hasSize(1);
    }

    @Test
    void aStreamCutMidAnswerIsContinuedOnTheOtherServer() {
        // llama.cpp's first event carries only the role: three events are "The", " sky", " is".
        gpu.injectNext(1, "/v1/chat/completions", Fault.errorAfter(4));
        Router router = router().retries(0).streamFailover(StreamFailover.CONTINUE_AS_PREFIX).build();
        List<String> pieces = new ArrayList<>();
        GenerationResult r;
        try (GenerationStream stream = router.stream(GenerationRequest.builder().user("Sky?").build())) {
            for (GenerationChunk c : stream) {
                pieces.add(c.text());
            }
            r = stream.result();
        }
        assertThat(String.join("", pieces)).isEqualTo("The sky is blue.");
        assertThat(r.text()).isEqualTo("The sky is blue.");
        assertThat(r.routing().orElseThrow().continued()).isTrue();
        // The laptop was sent the answer so far as the start of its own.
        RecordedRequest continuation = laptop.lastRequest();
        assertThat(continuation.json("/messages/1/role")).contains("\"assistant\"");
        assertThat(continuation.json("/messages/1/content")).contains("\"The sky is\"");
        assertThat(gpu.requests("/v1/chat/completions")).hasSize(1);
    }

    @Test
    void aServerThatIsGoneIsPassedOverUnseen() {
        gpu.close();
        Router router = router().build();
        try (GenerationStream stream = router.stream(GenerationRequest.builder().user("Sky?").build())) {
            StringBuilder text = new StringBuilder();
            stream.forEach(c -> text.append(c.text()));
            assertThat(text).hasToString(" blue.");
            assertThat(stream.result().routing().orElseThrow().attempts()).extracting(a -> a.outcome().name())
                    .containsExactly("FAILED", "FAILED", "ANSWERED");
        }
    }
}
