package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ChatMessage;
import io.github.localllm.ConfigurationException;
import io.github.localllm.Embedding;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.LanguageModel;
import io.github.localllm.Role;
import io.github.localllm.SamplingParameters;
import io.github.localllm.Usage;
import io.github.localllm.spi.ChunkFeed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ResponseCacheTest {

    /** Answers "answer N to: <last text>" in two chunks, counting the calls that reach it. */
    private static final class CountingModel implements LanguageModel {
        final AtomicInteger calls = new AtomicInteger();
        volatile FinishReason finish = FinishReason.STOP;
        volatile RuntimeException failure;

        @Override
        public GenerationResult generate(GenerationRequest request) {
            try (GenerationStream s = stream(request)) {
                return s.result();
            }
        }

        @Override
        public GenerationStream stream(GenerationRequest request) {
            int n = calls.incrementAndGet();
            if (failure != null) {
                throw failure;
            }
            String text = request.prompt() != null ? request.prompt()
                    : request.messages().get(request.messages().size() - 1).content();
            Iterator<String> pieces = List.of("answer " + n, " to: " + text).iterator();
            return ChunkFeed.builder("counting").pull(f -> {
                if (pieces.hasNext()) {
                    return f.text(pieces.next());
                }
                f.finish(finish, new Usage(3, 2));
                return false;
            }).build().stream();
        }

        @Override
        public EmbeddingResult embed(EmbeddingRequest request) {
            throw new AssertionError("the cache never asks the answering model to embed");
        }
    }

    /** Bag of words hashed into 64 dimensions: paraphrases with the same words score 1. */
    private static final class WordEmbedder implements LanguageModel {
        final AtomicInteger calls = new AtomicInteger();
        volatile boolean broken;

        @Override
        public GenerationResult generate(GenerationRequest request) {
            throw new AssertionError("an embedder is never asked to generate");
        }

        @Override
        public GenerationStream stream(GenerationRequest request) {
            throw new AssertionError("an embedder is never asked to generate");
        }

        @Override
        public EmbeddingResult embed(EmbeddingRequest request) {
            calls.incrementAndGet();
            if (broken) {
                throw new GenerationException("embedding server down");
            }
            List<Embedding> out = new ArrayList<>();
            for (String text : request.inputs()) {
                float[] v = new float[64];
                for (String w : text.toLowerCase(Locale.ROOT).replaceAll("[^a-z ]", "").split(" +")) {
                    v[Math.floorMod(w.hashCode(), 64)] += 1;
                }
                out.add(new Embedding(v));
            }
            return new EmbeddingResult(out, 1, "words");
        }
    }

    private static GenerationRequest greedy(String prompt) {
        return GenerationRequest.builder().prompt(prompt).sampling(SamplingParameters.greedy()).build();
    }

    @Test
    void anIdenticalDeterministicRequestIsAnsweredOnceAndSaysItCameFromTheCache() {
        CountingModel model = new CountingModel();
        ResponseCache cache = ResponseCache.builder().build();
        LanguageModel cached = cache.wrap(model);
        GenerationResult first = cached.generate(greedy("Hi"));
        GenerationResult again = cached.generate(greedy("Hi").toBuilder().timeout(Duration.ofSeconds(9)).build());
        assertThat(model.calls).hasValue(1);
        assertThat(again.text()).isEqualTo(first.text()).isEqualTo("answer 1 to: Hi");
        assertThat(first.routing()).isEmpty();
        assertThat(again.routing()).hasValueSatisfying(r -> {
            assertThat(r.target()).isEqualTo("cache");
            assertThat(r.reason()).contains("an identical request");
        });
        assertThat(again.usage()).isEqualTo(first.usage());
        assertThat(cache.stats()).isEqualTo(new CacheStats(1, 0, 1, 0, 1));
        assertThat(cache.stats().hitRate()).isEqualTo(0.5);
    }

    @Test
    void onlyDeterministicRequestsAreKeptAndEveryOtherPartCounts() {
        CountingModel model = new CountingModel();
        LanguageModel cached = ResponseCache.builder().build().wrap(model);
        GenerationRequest sampled = GenerationRequest.of("Hi");
        cached.generate(sampled);
        cached.generate(sampled);
        assertThat(model.calls).as("sampled answers differ run to run").hasValue(2);
        GenerationRequest seeded = GenerationRequest.builder().prompt("Hi")
                .sampling(SamplingParameters.builder().temperature(0.8).seed(7L).build()).build();
        cached.generate(seeded);
        cached.generate(seeded);
        assertThat(model.calls).as("a fixed seed repeats").hasValue(3);
        cached.generate(greedy("Hi").toBuilder().maxTokens(5).build());
        cached.generate(greedy("Hi").toBuilder().stop("\n").build());
        assertThat(model.calls).hasValue(5);
    }

    @Test
    void entriesExpireAndTheLeastRecentlyUsedGoesFirst() {
        CountingModel model = new CountingModel();
        MutableClock clock = new MutableClock();
        ResponseCache cache = ResponseCache.builder().maxEntries(2).ttl(Duration.ofMinutes(10)).clock(clock).build();
        LanguageModel cached = cache.wrap(model);
        cached.generate(greedy("a"));
        cached.generate(greedy("b"));
        cached.generate(greedy("a"));
        cached.generate(greedy("c"));
        assertThat(model.calls).hasValue(3);
        cached.generate(greedy("a"));
        assertThat(model.calls).as("a was used after b, so b went").hasValue(3);
        cached.generate(greedy("b"));
        assertThat(model.calls).hasValue(4);
        clock.advance(Duration.ofMinutes(10));
        cached.generate(greedy("b"));
        assertThat(model.calls).as("expired").hasValue(5);
        assertThat(cache.stats().evictions()).isEqualTo(3);
        assertThat(cache.stats().size()).isEqualTo(2);
    }

    @Test
    void incompleteAnswersAndFailuresAreNeverKept() {
        CountingModel model = new CountingModel();
        LanguageModel cached = ResponseCache.builder().build().wrap(model);
        model.failure = new GenerationException("boom");
        assertThatThrownBy(() -> cached.generate(greedy("x"))).isInstanceOf(GenerationException.class);
        model.failure = null;
        try (GenerationStream s = cached.stream(greedy("x"))) {
            assertThat(s.iterator().next().text()).isEqualTo("answer 2");
        }
        model.finish = FinishReason.ERROR;
        cached.generate(greedy("x"));
        model.finish = FinishReason.STOP;
        cached.generate(greedy("x"));
        cached.generate(greedy("x"));
        assertThat(model.calls).as("failed, cancelled, error; then kept").hasValue(4);
    }

    @Test
    void aStreamedAnswerIsKeptAndReplayedAsAStream() {
        CountingModel model = new CountingModel();
        LanguageModel cached = ResponseCache.builder().build().wrap(model);
        List<String> first = new ArrayList<>();
        try (GenerationStream s = cached.stream(greedy("Hi"))) {
            s.forEach(c -> first.add(c.text()));
        }
        assertThat(first).containsExactly("answer 1", " to: Hi");
        List<GenerationChunk> replay = new ArrayList<>();
        GenerationResult result;
        try (GenerationStream s = cached.stream(greedy("Hi"))) {
            s.forEach(replay::add);
            result = s.result();
        }
        assertThat(replay).extracting(GenerationChunk::text).containsExactly("answer 1 to: Hi");
        assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(cached.generate(greedy("Hi")).text()).isEqualTo("answer 1 to: Hi");
        assertThat(model.calls).hasValue(1);
    }

    @Test
    void aSimilarQuestionGetsTheAnswerWhenTheRestOfTheRequestIsTheSame() {
        CountingModel model = new CountingModel();
        WordEmbedder words = new WordEmbedder();
        ResponseCache cache = ResponseCache.builder().semantic(words, 0.95).build();
        LanguageModel cached = cache.wrap(model);
        GenerationRequest chat = GenerationRequest.builder().system("Be brief.")
                .user("What is the capital of France?").build();
        cached.generate(chat);
        GenerationResult similar = cached.generate(GenerationRequest.builder().system("Be brief.")
                .user("what is the capital of france").build());
        assertThat(similar.text()).isEqualTo("answer 1 to: What is the capital of France?");
        assertThat(similar.routing().orElseThrow().reason()).contains("a similar request (similarity 1.000)");
        cached.generate(GenerationRequest.builder().system("Be brief.").user("How tall is Mount Everest?").build());
        cached.generate(GenerationRequest.builder().system("Answer in French.")
                .user("What is the capital of France?").build());
        assertThat(model.calls).as("another question; another system prompt").hasValue(3);
        assertThat(cache.stats().semanticHits()).isEqualTo(1);
        cached.generate(GenerationRequest.of("What is the capital of France?"));
        assertThat(model.calls).as("a prompt and a chat never share a shape").hasValue(4);
    }

    @Test
    void aFailingEmbeddingModelNeverFailsTheRequest() {
        CountingModel model = new CountingModel();
        WordEmbedder words = new WordEmbedder();
        LanguageModel cached = ResponseCache.builder().semantic(words, 0.9).build().wrap(model);
        words.broken = true;
        assertThat(cached.generate(GenerationRequest.of("Hi")).text()).isEqualTo("answer 1 to: Hi");
        assertThat(cached.generate(greedy("Hi")).text()).isEqualTo("answer 2 to: Hi");
        assertThat(cached.generate(greedy("Hi")).text()).as("the exact level still works").isEqualTo("answer 2 to: Hi");
        assertThat(words.calls).as("an exact hit needs no embedding").hasValue(2);
    }

    @Test
    void modelsSharingACacheKeepTheirOwnAnswers() {
        CountingModel a = new CountingModel();
        CountingModel b = new CountingModel();
        ResponseCache cache = ResponseCache.builder().build();
        cache.wrap(a).generate(greedy("Hi"));
        cache.wrap(b).generate(greedy("Hi"));
        assertThat(b.calls).hasValue(1);
    }

    @Test
    void badSettingsAreRefusedWhenBuilt() {
        assertThatThrownBy(() -> ResponseCache.builder().maxEntries(0)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("at least one entry");
        assertThatThrownBy(() -> ResponseCache.builder().ttl(Duration.ofSeconds(-1)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("ttl must be positive");
        WordEmbedder words = new WordEmbedder();
        assertThatThrownBy(() -> ResponseCache.builder().semantic(words, 0)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("above 0 and at most 1");
        assertThatThrownBy(() -> ResponseCache.builder().semantic(words, 1.5))
                .isInstanceOf(ConfigurationException.class);
    }

    @Test
    void concurrentRequestsLoseNothing() throws Exception {
        CountingModel model = new CountingModel();
        ResponseCache cache = ResponseCache.builder().maxEntries(10).build();
        LanguageModel cached = cache.wrap(model);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        String p = "q" + ((i * 7 + seed) % 20);
                        assertThat(cached.generate(greedy(p)).text()).endsWith(" to: " + p);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        CacheStats s = cache.stats();
        assertThat(s.exactHits() + s.misses()).isEqualTo(1600);
        assertThat(s.misses()).isEqualTo(model.calls.get());
        assertThat(s.size()).isLessThanOrEqualTo(10);
    }
}
