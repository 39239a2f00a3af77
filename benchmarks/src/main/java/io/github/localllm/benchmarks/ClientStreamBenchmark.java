package io.github.localllm.benchmarks;

import io.github.localllm.benchmarks.StreamingClient.Api;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a Java client of Ollama costs per streamed token, side by side in one run: time, client CPU
 * and bytes allocated, for {@code /api/chat} and {@code /api/generate}. The budget for ours
 * is 1.5 µs and 500 bytes per token, nothing retained, one pooled client.
 *
 * <p>The server is a {@link FakeStreamServer} in another JVM, started for each trial: every answer
 * has {@value #TOKENS} tokens, each line its own HTTP chunk, as Ollama sends them. Each operation
 * is one whole request (send, headers, every line, the end); JMH divides by the tokens, so the score,
 * {@code gc.alloc.rate.norm} ({@code -prof gc}) and {@code cpu.process.norm}
 * ({@code -prof io.github.localllm.benchmarks.ProcessCpuProfiler}, the client JVM's CPU over all its
 * threads) are per token. {@code writes=line} writes every chunk on its own, so the client wakes up
 * for about every token as it does with a real model, and the time per token is bounded by the
 * server's writes (a few microseconds each on loopback): compare CPU there. {@code writes=batch}
 * sends the same chunks many to a write, so the time is the client's own.
 *
 * <p>Clients ({@link StreamingClients}): {@code jdk} the JDK client with Jackson's streaming parser
 * (the reference), {@code http} our HTTP layer alone, {@code langchain4j} langchain4j-ollama,
 * {@code ollama4j} ollama4j, {@code ollama} our Ollama engine through {@code LocalLlm}; choose with
 * {@code -p client=jdk,ollama}.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar ClientStreamBenchmark -prof gc \
 *     -prof io.github.localllm.benchmarks.ProcessCpuProfiler
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ClientStreamBenchmark {
    /** Tokens of every answer. */
    static final int TOKENS = 1000;

    /** Which client. */
    @Param({"jdk", "http", "ollama", "langchain4j", "ollama4j"})
    public String client;

    /**
     * How the server writes each answer's chunks: {@code line}, one write per chunk (the client
     * wakes up for about every token, as with a real model); {@code batch}, many chunks per write
     * (the client's own cost per token alone). See {@link FakeStreamServer.Writes}.
     */
    @Param({"batch", "line"})
    public String writes;

    private ChildServer server;
    private StreamingClient streaming;

    /** Starts the server and the client, and checks both endpoints answer in full. */
    @Setup(Level.Trial)
    public void setup() {
        server = ChildServer.start(TOKENS, writes);
        System.out.printf("%nfake server: %s%n", server.banner());
        streaming = StreamingClients.create(client, server);
        check(streaming.stream(Api.CHAT, token -> { }));
        check(streaming.stream(Api.GENERATE, token -> { }));
    }

    /** Stops both. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (streaming != null) {
            streaming.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** @return tokens streamed */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public int chat(Blackhole bh) {
        return check(streaming.stream(Api.CHAT, bh::consume));
    }

    /** @return tokens streamed */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public int generate(Blackhole bh) {
        return check(streaming.stream(Api.GENERATE, bh::consume));
    }

    static int check(int tokens) {
        if (tokens != TOKENS) {
            throw new IllegalStateException("streamed " + tokens + " tokens, expected " + TOKENS);
        }
        return tokens;
    }
}
