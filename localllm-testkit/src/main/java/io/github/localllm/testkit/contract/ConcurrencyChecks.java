package io.github.localllm.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.FinishReason;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.ModelInstance;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.ModelLoadRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/** Requests in parallel, and the threads an engine leaves behind. */
final class ConcurrencyChecks {
    private static final List<String> PROMPTS = List.of("Name a fruit.", "Name a city.", "Name a river.", "Name a tree.");
    private static final int TOKENS = 16;
    /** How long threads get to end after close; they usually take milliseconds. */
    private static final long THREAD_END_MILLIS = 5_000;

    private final EngineContract contract;

    ConcurrencyChecks(EngineContract contract) {
        this.contract = contract;
    }

    private GenerationRequest request(String prompt) {
        return contract.deterministic().prompt(prompt).maxTokens(TOKENS).build();
    }

    void parallelRequests() {
        ModelInstance model = contract.sharedModel();
        List<String> expected = new ArrayList<>();
        for (String prompt : PROMPTS) {
            expected.add(model.generate(request(prompt)).text());
        }
        int requests = PROMPTS.size() * 2;
        ExecutorService pool = Executors.newFixedThreadPool(requests, r -> {
            Thread t = new Thread(r, "engine-contract-client");
            t.setDaemon(true);
            return t;
        });
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<GenerationResult>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                GenerationRequest request = request(PROMPTS.get(i % PROMPTS.size()));
                boolean streamed = i >= PROMPTS.size();
                answers.add(pool.submit(() -> {
                    start.await();
                    return streamed ? Answers.stream(model, request).result() : model.generate(request);
                }));
            }
            start.countDown();
            for (int i = 0; i < requests; i++) {
                GenerationResult result = get(answers.get(i));
                String prompt = PROMPTS.get(i % PROMPTS.size());
                assertThat(result.text()).as("the answer to \"%s\" (%s) among %d parallel requests, against its answer alone",
                        prompt, i >= PROMPTS.size() ? "streamed" : "generated", requests)
                        .isEqualTo(expected.get(i % PROMPTS.size()));
                assertThat(result.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static GenerationResult get(Future<GenerationResult> answer) {
        try {
            return answer.get(90, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("a parallel request failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("a parallel request did not end within 90 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    void noThreadLeftBehind() {
        // Engines may pool what is costly to make (the in-process engine parks native models for reuse);
        // one cycle first, so that only what a cycle leaves behind counts.
        cycle();
        Set<Thread> before = liveNonDaemonThreads();
        cycle();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(THREAD_END_MILLIS);
        Set<Thread> left = newThreads(before);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            sleep();
            left = newThreads(before);
        }
        assertThat(left.stream().map(ConcurrencyChecks::describe).collect(Collectors.toList()))
                .as("threads that would keep the JVM alive, left running %d s after the model and its engine were"
                        + " closed; make them daemons or end them in close()", THREAD_END_MILLIS / 1000)
                .isEmpty();
    }

    /** Makes an engine, loads the model, generates, streams, closes both. */
    private void cycle() {
        try (InferenceBackend backend = contract.createBackend();
             ModelInstance model = backend.load(new ModelLoadRequest(contract.modelRef(), contract.loadOptions()))) {
            model.generate(request(PROMPTS.get(0)));
            Answers.stream(model, request(PROMPTS.get(1)));
        }
    }

    private static Set<Thread> liveNonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon())
                .collect(Collectors.toSet());
    }

    private static Set<Thread> newThreads(Set<Thread> before) {
        Set<Thread> now = liveNonDaemonThreads();
        now.removeAll(before);
        return now;
    }

    private static String describe(Thread t) {
        StackTraceElement[] stack = t.getStackTrace();
        return t.getName() + (stack.length > 0 ? " at " + stack[0] : "");
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
