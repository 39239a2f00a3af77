package io.github.localllm.benchmarks;

import io.github.localllm.LocalLlm;
import io.github.localllm.LocalLlmException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link AutoDetectBenchmark#autoDetectNoServer()} the first time, in each of five fresh JVMs:
 * loading the classes, detecting the hardware, starting the HTTP clients of the probes. A class of
 * its own with no state, so nothing runs before the shot.
 */
public class AutoDetectColdBenchmark {

    /** @return the failure that says no engine for the name runs */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Fork(value = 5, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public LocalLlmException autoDetectNoServer() {
        try (LocalLlm llm = LocalLlm.builder().autoDetect().model(AutoDetectBenchmark.MODEL).build()) {
            throw new IllegalStateException("a model was loaded, so a server runs: " + llm.model().info());
        } catch (LocalLlmException e) {
            return e;
        }
    }
}
