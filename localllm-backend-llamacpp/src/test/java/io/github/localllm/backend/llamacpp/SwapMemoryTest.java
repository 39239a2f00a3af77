package io.github.localllm.backend.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Swapping models in one JVM: the binding frees none, so each distinct model keeps its memory after
 * close. The engine says so (a warning naming the retained size when another distinct model loads)
 * and counts it ({@link LlamaCppBackend#retainedBytes()}); reloading a closed model reuses its memory.
 * Runs {@link SwapProbe} in a child JVM with a fixed, pre-touched heap, so that resident memory is the
 * native memory's, and its log is the child's standard error.
 */
class SwapMemoryTest {
    private static final Logger LOG = LoggerFactory.getLogger(SwapMemoryTest.class);
    private static final int MODELS = 3;
    private static final String WARNING = "llama.cpp in process cannot free a model once loaded";

    record Step(long residentBytes, long retainedBytes) {
    }

    @Test
    void eachDistinctModelKeepsItsMemoryAndTheEngineSaysSo(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "resident memory is read from Linux /proc");
        ChildJvm.Result r = ChildJvm.start(dir, List.of("-Xms128m", "-Xmx128m", "-XX:+AlwaysPreTouch",
                "-XX:+UseSerialGC"), SwapProbe.class, dir.toString(), Integer.toString(MODELS), "10000000").await(120);
        assertThat(r.exited()).as(r.describe()).isTrue();
        assertThat(r.status()).as(r.describe()).isZero();
        Map<String, Step> steps = new LinkedHashMap<>();
        for (String line : r.stdout().lines().toList()) {
            if (line.startsWith("STEP ")) {
                String[] f = line.split(" ");
                steps.put(f[1], new Step(Long.parseLong(f[2]), Long.parseLong(f[3])));
            }
        }
        LOG.info("resident and retained MiB after each step: {}", steps.entrySet().stream().map(e -> e.getKey() + " "
                + e.getValue().residentBytes() / 1048576 + "/" + e.getValue().retainedBytes() / 1048576).toList());

        long one = steps.get("closed-0").retainedBytes();
        assertThat(steps.get("start").retainedBytes()).isZero();
        assertThat(one).as("what one closed model holds").isPositive();
        for (int i = 1; i < MODELS; i++) {
            // Same shape, same footprint: the count grows by one model's footprint per closed model.
            assertThat(steps.get("closed-" + i).retainedBytes()).as("closed-" + i).isEqualTo((i + 1) * one);
            long grown = steps.get("closed-" + i).residentBytes() - steps.get("closed-" + (i - 1)).residentBytes();
            assertThat(grown).as("resident growth for distinct model %d, against %d retained", i, one)
                    .isGreaterThan(one / 2);
        }
        // Reloading the first with the same options takes its memory back into use, and adds none.
        assertThat(steps.get("reloaded-0").retainedBytes()).isEqualTo((MODELS - 1) * one);
        assertThat(steps.get("closed-again-0").retainedBytes()).isEqualTo(MODELS * one);
        long reloadGrowth = steps.get("closed-again-0").residentBytes() - steps.get("closed-" + (MODELS - 1)).residentBytes();
        assertThat(reloadGrowth).as("resident growth of reloading a closed model").isLessThan(one / 4);

        List<String> warnings = r.stderr().lines().filter(l -> l.contains(WARNING)).toList();
        assertThat(warnings).as(r.stderr()).hasSize(MODELS - 1);
        assertThat(warnings.get(0)).contains("WARN").contains("swap-1 is the 2nd it holds in this JVM")
                .contains("1 closed model(s) (swap-0) still hold about " + NativeModels.mib(one))
                .contains("Loading swap-1 adds about " + NativeModels.mib(one));
        assertThat(warnings.get(1)).contains("swap-2 is the 3rd")
                .contains("2 closed model(s) (swap-0, swap-1) still hold about " + NativeModels.mib(2 * one));
    }

    @Test
    void theWarningSaysWhenNoEarlierModelIsClosedYet() {
        String w = NativeModels.warning("second", new NativeModels.Footprint(64L << 20, 40L << 20), 1, List.of(),
                new NativeModels.Footprint(0, 0));
        assertThat(w).startsWith(WARNING).contains("second is the 2nd it holds in this JVM")
                .contains("none of the 1 model(s) loaded before is closed yet, but closing them will not return their"
                        + " memory either").contains("Loading second adds about 64 MiB")
                .contains("run them in a server engine").contains("swapsModels(true)").contains("models.swap=true");
    }
}
