package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.GenerationRequest;
import io.github.localllm.RoutingAttempt;
import io.github.localllm.RoutingDecision;
import io.github.localllm.Tokenizer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A target whose context the prompt does not fit, counted by its own tokenizer, is passed over unsent. */
class ContextFitTest {

    /** One token a word. */
    private static final class Words implements Tokenizer {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public int[] tokenize(String text) {
            calls.incrementAndGet();
            return new int[text.isBlank() ? 0 : text.strip().split("\\s+").length];
        }

        @Override
        public String detokenize(int[] tokens) {
            return "";
        }
    }

    private final Words words = new Words();
    private final FakeTarget small = new FakeTarget("small", null, 16).withTokenizer(words);
    private final FakeTarget big = new FakeTarget("big", null, 4096);

    private Router router() {
        return Router.builder().target(Target.local("small", small).contextSize(16).build())
                .target(Target.local("big", big).contextSize(4096).build()).build();
    }

    @Test
    void aPromptTooLongForTheFirstTargetGoesToTheNextUnsent() {
        String prompt = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
                + " sixteen seventeen";
        RoutingDecision d = router().generate(GenerationRequest.of(prompt)).routing().orElseThrow();
        assertThat(d.target()).isEqualTo("big");
        assertThat(d.attempts()).first().satisfies(a -> {
            assertThat(a.outcome()).isEqualTo(RoutingAttempt.Outcome.SKIPPED);
            assertThat(a.detail()).contains("its context of 16 tokens is too small for the prompt (17 tokens by its"
                    + " tokenizer)");
        });
        assertThat(small.calls).hasValue(0);
    }

    @Test
    void aShortPromptIsNotCountedAtAll() {
        assertThat(router().generate(GenerationRequest.of("hi there")).routing().orElseThrow().target())
                .isEqualTo("small");
        assertThat(words.calls).as("the estimate says it fits: no tokenizer call").hasValue(0);
    }

    @Test
    void chatMessagesAreCountedWithTheirFraming() {
        GenerationRequest chat = GenerationRequest.builder().system("be brief").user("one two three four").build();
        // 2 + 4 words, plus 4 a message: 14 of 16, so it fits.
        assertThat(router().generate(chat).routing().orElseThrow().target()).isEqualTo("small");
        GenerationRequest longer = GenerationRequest.builder().system("be brief").user("one two three four five six")
                .build();
        assertThat(router().generate(longer).routing().orElseThrow().target()).isEqualTo("big");
    }
}
