package io.github.localllm.benchmarks;

import io.github.localllm.hardware.HardwareDetector;
import io.github.localllm.hardware.HardwareProfile;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Hardware detection, cold: the first {@code detect()} in a fresh JVM, which loads OSHI and
 * runs whatever vendor tools are installed. One shot per fork, ten forks. A class of its own,
 * with no state to set up, so nothing has touched OSHI before the shot.
 */
public class HardwareDetectionColdBenchmark {

    /** @return the first profile of a fresh detector in a fresh JVM */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Fork(value = 10, jvmArgsAppend = {"-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public HardwareProfile cold() {
        return HardwareDetector.create().detect();
    }
}
