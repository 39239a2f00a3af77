package io.github.localllm.backend.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A program that used this engine ends like any other Java program, never needing {@code System.exit}:
 * the binding attaches a non-daemon thread per model to the JVM and never detaches it, which used to
 * keep the JVM running for ever after {@code main}. Each case runs {@link ExitProbe} in its own JVM;
 * all run at once, to keep the time this adds small.
 */
class JvmExitTest {
    private static final Logger LOG = LoggerFactory.getLogger(JvmExitTest.class);
    /** Far above the few seconds a child needs; reaching it means the JVM did not exit by itself. */
    private static final long TIMEOUT_SECONDS = 90;
    private static final List<String> CASES = List.of("engine returns", "engine throws", "engine worker",
            "facade returns", "facade throws", "facade worker");

    @TempDir
    static Path dir;
    private static final Map<String, ChildJvm.Result> RESULTS = new LinkedHashMap<>();

    @BeforeAll
    static void runAll() throws Exception {
        Path model = TestModels.tiny();
        Map<String, ChildJvm> children = new LinkedHashMap<>();
        try {
            for (String c : CASES) {
                String[] parts = c.split(" ");
                children.put(c, ChildJvm.start(dir, List.of("-Xmx64m"), ExitProbe.class, model.toString(), parts[0],
                        parts[1]));
            }
            for (Map.Entry<String, ChildJvm> e : children.entrySet()) {
                RESULTS.put(e.getKey(), e.getValue().await(TIMEOUT_SECONDS));
            }
        } finally {
            children.values().forEach(ChildJvm::kill);
        }
        RESULTS.forEach((c, r) -> LOG.info("{}: exited by itself {}, status {}, {} ms", c, r.exited(), r.status(),
                r.millis()));
    }

    @AfterAll
    static void clear() {
        RESULTS.clear();
    }

    @Test
    void mainReturningAfterAGenerationEndsTheJvmWithStatusZero() {
        for (String c : List.of("engine returns", "facade returns")) {
            ChildJvm.Result r = RESULTS.get(c);
            assertThat(r.exited()).as("%s: %s", c, r.describe()).isTrue();
            assertThat(r.status()).as("%s: %s", c, r.describe()).isZero();
            assertThat(r.stdout()).as(c).contains("generated 4 tokens").contains("main returns");
        }
    }

    @Test
    void mainThrowingEndsTheJvmWithItsStackTraceAndStatusOne() {
        for (String c : List.of("engine throws", "facade throws")) {
            ChildJvm.Result r = RESULTS.get(c);
            assertThat(r.exited()).as("%s: %s", c, r.describe()).isTrue();
            assertThat(r.status()).as("%s: %s", c, r.describe()).isEqualTo(1);
            assertThat(r.stdout()).as(c).contains("generated 4 tokens").doesNotContain("main returns");
            assertThat(r.stderr()).as(c).contains("Exception in thread \"main\" io.github.localllm.ContextOverflowException")
                    .contains("at " + ExitProbe.class.getName() + ".main(");
        }
    }

    @Test
    void theJvmWaitsForTheProgramsOwnNonDaemonThread() {
        for (String c : List.of("engine worker", "facade worker")) {
            ChildJvm.Result r = RESULTS.get(c);
            assertThat(r.exited()).as("%s: %s", c, r.describe()).isTrue();
            assertThat(r.status()).as("%s: %s", c, r.describe()).isZero();
            // Ended before the worker, the JVM would not have printed what comes after main returned.
            assertThat(r.stdout()).as(c).containsSubsequence("main returns", "worker generated 3 tokens", "worker done");
        }
    }
}
