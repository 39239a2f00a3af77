package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.ChatMessage;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.GenerationTimeoutException;
import io.github.localllm.ResponseFormat;
import io.github.localllm.Role;
import io.github.localllm.RoutingAttempt;
import io.github.localllm.RoutingDecision;
import io.github.localllm.event.FallbackTriggered;
import io.github.localllm.event.LocalLlmEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Streams: a failure before the first chunk is invisible; after it, the answer is continued on the
 * next target or ends with a typed error, never silently cut.
 */
class StreamFailoverTest {
    private final FakeTarget a = new FakeTarget("a");
    private final FakeTarget b = new FakeTarget("b");
    private final List<LocalLlmEvent> events = new CopyOnWriteArrayList<>();

    private Router router(StreamFailover mode) {
        return Router.builder().target(Target.local("a", a).build()).target(Target.local("b", b).build())
                .retries(0).streamFailover(mode).listener(events::add).build();
    }

    private static List<GenerationChunk> drain(GenerationStream stream, List<GenerationChunk> into) {
        for (GenerationChunk c : stream) {
            into.add(c);
        }
        return into;
    }

    private static String text(List<GenerationChunk> chunks) {
        StringBuilder b = new StringBuilder();
        chunks.forEach(c -> b.append(c.text()));
        return b.toString();
    }

    @Test
    void aTargetThatRefusesToOpenIsPassedOverUnseen() {
        a.always(Script.refuse(new BackendUnavailableException("connection refused")));
        try (GenerationStream stream = router(StreamFailover.FAIL).stream(GenerationRequest.of("hi"))) {
            List<GenerationChunk> chunks = drain(stream, new ArrayList<>());
            assertThat(text(chunks)).isEqualTo("Hello from fake");
            assertThat(stream.result().routing().orElseThrow().target()).isEqualTo("b");
        }
    }

    @Test
    void aFailureBeforeTheFirstChunkIsInvisible() {
        a.always(Script.failAfter(0, new GenerationException("engine crashed"), "never"));
        try (GenerationStream stream = router(StreamFailover.FAIL).stream(GenerationRequest.of("hi"))) {
            List<GenerationChunk> chunks = drain(stream, new ArrayList<>());
            assertThat(chunks).extracting(GenerationChunk::index).containsExactly(0, 1, 2);
            GenerationResult r = stream.result();
            assertThat(r.text()).isEqualTo("Hello from fake");
            assertThat(r.model()).isEqualTo("b-model");
            RoutingDecision d = r.routing().orElseThrow();
            assertThat(d.fallback()).isTrue();
            assertThat(d.continued()).isFalse();
            assertThat(d.attempts()).extracting(Object::toString)
                    .containsExactly("a: failed (engine crashed)", "b: answered");
        }
        assertThat(events).filteredOn(e -> e instanceof FallbackTriggered).singleElement()
                .satisfies(e -> {
                    FallbackTriggered f = (FallbackTriggered) e;
                    assertThat(f.from()).isEqualTo("a");
                    assertThat(f.to()).isEqualTo("b");
                    assertThat(f.chunksDelivered()).isZero();
                    assertThat(f.error()).hasMessage("engine crashed");
                });
    }

    @Test
    void aStallBeforeTheFirstChunkEndsAtTheFirstTokenTimeout() {
        a.always(Script.stalling());
        Router router = Router.builder().target(Target.local("a", a).build()).target(Target.local("b", b).build())
                .retries(0).firstTokenTimeout(Duration.ofMillis(50)).build();
        try (GenerationStream stream = router.stream(GenerationRequest.of("hi"))) {
            assertThat(text(drain(stream, new ArrayList<>()))).isEqualTo("Hello from fake");
            RoutingDecision d = stream.result().routing().orElseThrow();
            assertThat(d.target()).isEqualTo("b");
            assertThat(d.failures().get(0).error()).get().isInstanceOf(GenerationTimeoutException.class)
                    .hasFieldOrPropertyWithValue("message", "target 'a' sent no first token within PT0.05S;"
                            + " the attempt was stopped");
        }
        Await.until(() -> a.cancels.get() == 1 && a.inFlight.get() == 0, "the stalled attempt is cancelled");
    }

    @Test
    void theFirstTokenTimeoutLeavesASlowButStartedAnswerAlone() {
        a.always(Script.answer("a", "b", "c"));
        Router router = Router.builder().target(Target.local("a", a).build()).target(Target.local("b", b).build())
                .firstTokenTimeout(Duration.ofSeconds(30)).build();
        try (GenerationStream stream = router.stream(GenerationRequest.of("hi"))) {
            assertThat(stream.result().text()).isEqualTo("abc");
        }
        assertThat(b.calls).hasValue(0);
    }

    @Test
    void failAfterTheFirstChunkEndsWithATypedErrorAfterTheChunks() {
        a.always(Script.failAfter(2, new GenerationException("connection reset"), "The ", "answer ", "is"));
        List<GenerationChunk> chunks = new ArrayList<>();
        try (GenerationStream stream = router(StreamFailover.FAIL).stream(GenerationRequest.of("hi"))) {
            assertThatThrownBy(() -> drain(stream, chunks)).isInstanceOfSatisfying(IncompleteAnswerException.class,
                    e -> {
                        assertThat(e.partialText()).isEqualTo("The answer ");
                        assertThat(e.chunks()).isEqualTo(2);
                        assertThat(e.getCause()).hasMessage("connection reset");
                        assertThat(e.getMessage()).contains("broke off after 2 chunks (connection reset)",
                                "streamFailover FAIL");
                        assertThat(e.attempts()).extracting(Object::toString)
                                .containsExactly("a: failed after 2 chunks (connection reset)");
                    });
            assertThat(text(chunks)).isEqualTo("The answer ");
            // result() says the same: never a truncated answer that looks whole.
            assertThatThrownBy(stream::result).isInstanceOf(IncompleteAnswerException.class);
        }
        assertThat(b.calls).hasValue(0);
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOf(io.github.localllm.event.GenerationFailed.class));
    }

    @Test
    void continueAsPrefixSendsThePartialAnswerAsTheStartOfTheNextTargetsAnswer() {
        a.always(Script.failAfter(2, new GenerationException("connection reset"), "The ", "answer ", "is"));
        b.always(Script.answer("is ", "42."));
        List<GenerationChunk> chunks = new ArrayList<>();
        GenerationRequest request = GenerationRequest.builder().system("Be brief.").user("What is it?").maxTokens(10)
                .build();
        try (GenerationStream stream = router(StreamFailover.CONTINUE_AS_PREFIX).stream(request)) {
            drain(stream, chunks);
            GenerationResult r = stream.result();
            assertThat(r.text()).isEqualTo("The answer is 42.");
            assertThat(r.model()).isEqualTo("b-model");
            assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(r.usage().completionTokens()).isEqualTo(4);
            RoutingDecision d = r.routing().orElseThrow();
            assertThat(d.continued()).isTrue();
            assertThat(d.attempts()).extracting(Object::toString).containsExactly(
                    "a: failed after 2 chunks (connection reset)", "b: answered");
        }
        assertThat(text(chunks)).isEqualTo("The answer is 42.");
        assertThat(chunks).extracting(GenerationChunk::index).containsExactly(0, 1, 2, 3);
        GenerationRequest continuation = b.lastRequest();
        assertThat(continuation.messages()).extracting(ChatMessage::role, ChatMessage::content).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Role.SYSTEM, "Be brief."),
                org.assertj.core.groups.Tuple.tuple(Role.USER, "What is it?"),
                org.assertj.core.groups.Tuple.tuple(Role.ASSISTANT, "The answer "));
        assertThat(continuation.maxTokens()).isEqualTo(8);
        assertThat(events).filteredOn(e -> e instanceof FallbackTriggered)
                .singleElement().extracting(e -> ((FallbackTriggered) e).chunksDelivered()).isEqualTo(2);
    }

    @Test
    void continueWithPromptAsksTheNextTargetToGoOn() {
        a.always(Script.failAfter(1, new GenerationException("reset"), "Once upon", " a time"));
        b.always(Script.answer(" a time."));
        try (GenerationStream stream = router(StreamFailover.CONTINUE_WITH_PROMPT).stream(GenerationRequest.of("Tell"))) {
            assertThat(stream.result().text()).isEqualTo("Once upon a time.");
        }
        assertThat(b.lastRequest().prompt()).isNull();
        assertThat(b.lastRequest().messages()).extracting(ChatMessage::role, ChatMessage::content).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Role.USER, "Tell"),
                org.assertj.core.groups.Tuple.tuple(Role.ASSISTANT, "Once upon"),
                org.assertj.core.groups.Tuple.tuple(Role.USER, Continuation.INSTRUCTION));
    }

    @Test
    void aRawPromptIsContinuedByAppendingTheText() {
        a.always(Script.failAfter(1, new GenerationException("reset"), "def f(", "x):"));
        b.always(Script.answer("x):"));
        GenerationRequest raw = GenerationRequest.builder().prompt("# python\n").raw(true).build();
        try (GenerationStream stream = router(StreamFailover.CONTINUE_AS_PREFIX).stream(raw)) {
            assertThat(stream.result().text()).isEqualTo("def f(x):");
        }
        assertThat(b.lastRequest().prompt()).isEqualTo("# python\ndef f(");
        assertThat(b.lastRequest().raw()).isTrue();
    }

    @Test
    void aContinuationThatFailsBeforeItsFirstChunkMovesOnWithTheSameText() {
        FakeTarget c = new FakeTarget("c").always(Script.answer(" end"));
        a.always(Script.failAfter(1, new GenerationException("reset"), "start", "x"));
        b.always(Script.refuse(new BackendUnavailableException("down")));
        Router router = Router.builder().target(Target.local("a", a).build()).target(Target.local("b", b).build())
                .target(Target.local("c", c).build()).retries(0).streamFailover(StreamFailover.CONTINUE_AS_PREFIX)
                .build();
        try (GenerationStream stream = router.stream(GenerationRequest.of("go"))) {
            GenerationResult r = stream.result();
            assertThat(r.text()).isEqualTo("start end");
            assertThat(r.routing().orElseThrow().attempts()).extracting(Object::toString).containsExactly(
                    "a: failed after 1 chunks (reset)", "b: failed (down)", "c: answered");
        }
        assertThat(c.lastRequest().messages().get(1).content()).isEqualTo("start");
    }

    @Test
    void structuredAnswersAndBegunToolCallsAreNotContinued() {
        a.always(Script.failAfter(1, new GenerationException("reset"), "{\"a\":", "1}"));
        GenerationRequest json = GenerationRequest.builder().prompt("json please").responseFormat(ResponseFormat.json())
                .build();
        try (GenerationStream stream = router(StreamFailover.CONTINUE_AS_PREFIX).stream(json)) {
            assertThatThrownBy(stream::result).isInstanceOf(IncompleteAnswerException.class)
                    .hasMessageContaining("its format (json) is enforced from the start of an answer");
        }
        a.always(Script.failAfter(1, new GenerationException("reset"), "tool:weather", "tool:{}"));
        try (GenerationStream stream = router(StreamFailover.CONTINUE_AS_PREFIX).stream(GenerationRequest.of("x"))) {
            assertThatThrownBy(stream::result).isInstanceOf(IncompleteAnswerException.class)
                    .hasMessageContaining("it had begun a tool call, which another model cannot finish");
        }
        assertThat(b.calls).hasValue(0);
    }

    @Test
    void whenNoTargetCanContinueTheStreamEndsWithATypedError() {
        a.always(Script.failAfter(1, new GenerationException("reset"), "part", "rest"));
        b.always(Script.refuse(new BackendUnavailableException("down")));
        try (GenerationStream stream = router(StreamFailover.CONTINUE_AS_PREFIX).stream(GenerationRequest.of("go"))) {
            assertThatThrownBy(stream::result).isInstanceOfSatisfying(IncompleteAnswerException.class, e -> {
                assertThat(e.partialText()).isEqualTo("part");
                assertThat(e.getMessage()).contains("no other target could continue it");
                assertThat(e.getCause()).isInstanceOf(NoTargetAvailableException.class);
                assertThat(e.isRetryable()).isTrue();
            });
        }
    }

    @Test
    void closingMidStreamCancelsAndFreesTheSlot() {
        a.always(Script.answer("one", "two", "three"));
        Router router = Router.builder().target(Target.local("a", a).maxConcurrent(1).build()).build();
        GenerationStream stream = router.stream(GenerationRequest.of("hi"));
        GenerationChunk first = stream.iterator().next();
        assertThat(first.text()).isEqualTo("one");
        stream.close();
        stream.close();
        GenerationResult r = stream.result();
        assertThat(r.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(r.text()).isEqualTo("one");
        assertThat(r.routing().orElseThrow().target()).isEqualTo("a");
        assertThat(a.inFlight).hasValue(0);
        // The one slot is free again.
        assertThat(router.generate("again").text()).isEqualTo("onetwothree");
    }

    @Test
    void closingFromAnotherThreadUnblocksAStalledRead() throws Exception {
        a.always(Script.stalling());
        Router router = Router.builder().target(Target.local("a", a).maxConcurrent(1).build()).build();
        GenerationStream stream = router.stream(GenerationRequest.of("hi"));
        CompletableFuture<GenerationResult> reader = CompletableFuture.supplyAsync(stream::result);
        Thread.sleep(20);
        stream.close();
        GenerationResult r = reader.get(10, TimeUnit.SECONDS);
        assertThat(r.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(a.inFlight).hasValue(0);
        a.always(Script.answer("free"));
        assertThat(router.generate("again").text()).isEqualTo("free");
    }

    @Test
    void closingBeforeReadingCancelsToo() {
        a.always(Script.answer("x"));
        Router router = Router.builder().target(Target.local("a", a).maxConcurrent(1).build()).build();
        GenerationStream stream = router.stream(GenerationRequest.of("hi"));
        stream.close();
        assertThat(stream.result().finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(router.generate("again").text()).isEqualTo("x");
        assertThatThrownBy(() -> {
            GenerationStream s = router.stream(GenerationRequest.of("x"));
            s.iterator();
            s.iterator();
        }).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void asyncGenerationAndPublishersWork() throws Exception {
        a.always(Script.failAfter(0, new GenerationException("crash"), "x"));
        Router router = router(StreamFailover.FAIL);
        GenerationResult r = router.generateAsync(GenerationRequest.of("hi")).get(10, TimeUnit.SECONDS);
        assertThat(r.routing().orElseThrow().target()).isEqualTo("b");
        assertThat(r.routing().orElseThrow().attempts()).extracting(RoutingAttempt::outcome)
                .containsExactly(RoutingAttempt.Outcome.FAILED, RoutingAttempt.Outcome.ANSWERED);
    }
}
