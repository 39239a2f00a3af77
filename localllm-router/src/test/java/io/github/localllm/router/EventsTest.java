package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.event.FallbackTriggered;
import io.github.localllm.event.GenerationFailed;
import io.github.localllm.event.LocalLlmEvent;
import io.github.localllm.event.RequestRouted;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Routing decisions, fallbacks and failures reach the listeners; a failing listener breaks nothing. */
class EventsTest {
    private final FakeTarget a = new FakeTarget("a");
    private final FakeTarget b = new FakeTarget("b");
    private final List<LocalLlmEvent> events = new CopyOnWriteArrayList<>();

    private Router router() {
        return Router.builder().name("main").target(Target.local("a", a).build()).target(Target.cloud("b", b).build())
                .retries(0)
                .listener(e -> {
                    throw new IllegalStateException("a broken listener");
                })
                .listener(events::add).build();
    }

    @Test
    void everyAnswerPublishesItsDecision() {
        Router router = router();
        GenerationResult whole = router.generate("hi");
        GenerationResult streamed;
        try (GenerationStream stream = router.stream(GenerationRequest.of("hi"))) {
            stream.forEach(c -> { });
            streamed = stream.result();
        }
        assertThat(events).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOf(RequestRouted.class));
        RequestRouted first = (RequestRouted) events.get(0);
        assertThat(first.router()).isEqualTo("main");
        assertThat(first.decision()).isSameAs(whole.routing().orElseThrow());
        assertThat(((RequestRouted) events.get(1)).decision()).isSameAs(streamed.routing().orElseThrow());
    }

    @Test
    void aFallbackIsAnnouncedBeforeTheAnswer() {
        a.always(Script.refuse(new BackendUnavailableException("a is down")));
        router().generate("hi");
        assertThat(events).hasSize(2);
        FallbackTriggered f = (FallbackTriggered) events.get(0);
        assertThat(f.router()).isEqualTo("main");
        assertThat(f.from()).isEqualTo("a");
        assertThat(f.to()).isEqualTo("b");
        assertThat(f.error()).hasMessage("a is down");
        assertThat(((RequestRouted) events.get(1)).decision().fallback()).isTrue();
    }

    @Test
    void aRequestNoTargetAnsweredIsAFailedGeneration() {
        a.always(Script.refuse(new BackendUnavailableException("a is down")));
        b.always(Script.refuse(new BackendUnavailableException("b is down")));
        assertThatThrownBy(() -> router().generate("hi")).isInstanceOf(NoTargetAvailableException.class);
        GenerationFailed failed = (GenerationFailed) events.get(events.size() - 1);
        assertThat(failed.model()).isEqualTo("main");
        assertThat(failed.error()).isInstanceOf(NoTargetAvailableException.class);
        assertThatThrownBy(() -> router().stream(GenerationRequest.of("hi")))
                .isInstanceOf(NoTargetAvailableException.class);
        assertThat(events.get(events.size() - 1)).isInstanceOf(GenerationFailed.class);
    }

    @Test
    void aCancelledStreamStillReportsWhereItWent() {
        a.always(Script.stalling());
        GenerationStream stream = router().stream(GenerationRequest.of("hi"));
        stream.close();
        assertThat(events).singleElement().isInstanceOfSatisfying(RequestRouted.class,
                e -> assertThat(e.decision().target()).isEqualTo("a"));
    }
}
