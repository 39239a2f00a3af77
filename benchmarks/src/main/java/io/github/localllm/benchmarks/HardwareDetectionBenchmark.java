package io.github.localllm.benchmarks;

import io.github.localllm.hardware.HardwareDetector;
import io.github.localllm.hardware.HardwareProfile;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Hardware detection, warm: the cached snapshot every call after the first returns, and an
 * explicit {@code refresh()} in a JVM where OSHI is already up. The cold first detection is
 * {@link HardwareDetectionColdBenchmark}.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class HardwareDetectionBenchmark {
    private HardwareDetector warm;

    /** Detects once, so that the warm benchmarks read the cache and OSHI is loaded. */
    @Setup(Level.Trial)
    public void detectOnce() {
        warm = HardwareDetector.create();
        warm.detect();
    }

    /** @return the cached profile */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 2, time = 1)
    @Measurement(iterations = 5, time = 1)
    public HardwareProfile warm() {
        return warm.detect();
    }

    /** @return a re-detected profile */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 5, time = 2)
    public HardwareProfile refresh() {
        return warm.refresh();
    }
}
