package io.github.localllm.backend.ollama;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Checks that no answer-reading thread outlives its request. Those threads end as soon as the answer
 * ends, fails or is closed; the wait below only lets a thread that is already finishing get there.
 */
final class Threads {
    private static final long SETTLE_MILLIS = 5_000;

    private Threads() {
    }

    static List<Thread> answerReaders() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("localllm-ollama-")).collect(Collectors.toList());
    }

    static void assertNoneLeftBehind() {
        long deadline = System.currentTimeMillis() + SETTLE_MILLIS;
        List<Thread> alive = answerReaders();
        while (!alive.isEmpty() && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            alive = answerReaders();
        }
        assertThat(alive).as("answer readers still running: %s", alive.stream()
                .map(t -> t.getName() + " " + Arrays.toString(t.getStackTrace())).collect(Collectors.joining("; ")))
                .isEmpty();
    }
}
