package io.github.localllm.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * The CPU time of the whole benchmark JVM per operation: every thread the client runs (its HTTP
 * selector and reader threads, a hand-off to the caller's thread), its garbage collection and
 * compilation, not only the thread JMH times. With the server in another process (see
 * {@link ChildServer}) this is the client's CPU per token; on two cores the wall time per token
 * can be lower than it when the client works on both. Also reports the cores busy on average and
 * the live threads at the end of each iteration (a client that leaves threads behind shows here).
 *
 * <pre>{@code -prof io.github.localllm.benchmarks.ProcessCpuProfiler}</pre>
 */
public final class ProcessCpuProfiler implements InternalProfiler {
    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long cpuBefore;
    private long wallBefore;

    @Override
    public String getDescription() {
        return "CPU time of the benchmark JVM (all its threads) per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        wallBefore = System.nanoTime();
        cpuBefore = cpu();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        long cpu = cpu() - cpuBefore;
        long wall = System.nanoTime() - wallBefore;
        long ops = result.getMetadata().getAllOps();
        if (cpu < 0 || ops == 0) {
            return List.of();
        }
        return List.of(
                new ScalarResult("cpu.process.norm", cpu / (double) ops, "ns/op", AggregationPolicy.AVG),
                new ScalarResult("cpu.process.cores", cpu / (double) wall, "cores", AggregationPolicy.AVG),
                new ScalarResult("threads.live", threads.getThreadCount(), "threads", AggregationPolicy.MAX));
    }

    private long cpu() {
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }
}
