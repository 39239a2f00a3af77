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
 * {@link ClientStreamBenchmark} for the OpenAI-compatible stream: {@code POST /v1/chat/completions}
 * with {@code "stream": true} from a fake llama.cpp server in another JVM, server-sent events of
 * llama-server's shape ({@code protocols/llama-server-captured/05b-...-RAW-chunked.http}), one
 * event per HTTP chunk, {@value ClientStreamBenchmark#TOKENS} tokens per answer. Clients:
 * {@code jdk} (the JDK client, lines, Jackson's parser per event), {@code http} (our HTTP layer),
 * and {@code openai}, our OpenAI-compatible engine.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar SseStreamBenchmark -prof gc \
 *     -prof io.github.localllm.benchmarks.ProcessCpuProfiler
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SseStreamBenchmark {
    /** Which client. */
    @Param({"jdk", "http", "openai"})
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

    /** Starts the server and the client, and checks an answer arrives in full. */
    @Setup(Level.Trial)
    public void setup() {
        server = ChildServer.start(ClientStreamBenchmark.TOKENS, writes);
        System.out.printf("%nfake server: %s%n", server.banner());
        streaming = StreamingClients.create(client, server);
        ClientStreamBenchmark.check(streaming.stream(Api.OPENAI_CHAT, token -> { }));
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
    @OperationsPerInvocation(ClientStreamBenchmark.TOKENS)
    public int chat(Blackhole bh) {
        return ClientStreamBenchmark.check(streaming.stream(Api.OPENAI_CHAT, bh::consume));
    }
}
