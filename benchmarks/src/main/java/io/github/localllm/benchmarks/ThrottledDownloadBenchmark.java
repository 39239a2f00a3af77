package io.github.localllm.benchmarks;

import io.github.localllm.store.DownloadRequest;
import io.github.localllm.store.Downloader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A server that limits each connection's rate, as CDNs do ({@code perConnection} bytes per second,
 * 100 MiB/s by default): {@code curl}'s single stream against the store's {@link Downloader} with
 * {@code connections} ranged connections (4 by default), verified (SHA-256) and moved into place, on
 * a {@code size}-byte file (256 MiB by default, so curl takes under 3 s). Goal: the store faster than
 * curl, by up to {@code connections} times while the CPU keeps up.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ThrottledDownloadBenchmark
 * java -jar benchmarks/target/benchmarks.jar ThrottledDownloadBenchmark -p size=33554432 -wi 0 -i 1 -f 1   # smoke
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
@Warmup(iterations = 1)
@Measurement(iterations = 5)
public class ThrottledDownloadBenchmark {
    @Param("268435456")
    public long size;
    @Param("4")
    public int connections;
    @Param("104857600")
    public long perConnection;

    private Path dir;
    private FileServer server;
    private Downloader downloader;
    private Path target;

    /** Writes the file and starts the limited server. */
    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("download-throttled-bench");
        Path file = dir.resolve("model.bin");
        DownloadBenchmark.writeRandom(file, size);
        server = new FileServer(file, perConnection);
        // Chunks small enough that every connection has several to fetch, and none waits long for the last one.
        downloader = Downloader.builder().connections(connections).chunkSize(Math.max(64 << 10,
                Math.min(Downloader.DEFAULT_CHUNK_SIZE, size / (connections * 4L)))).build();
        target = dir.resolve("out.bin");
    }

    /** Each download starts from nothing. */
    @Setup(Level.Invocation)
    public void clean() throws IOException {
        Files.deleteIfExists(target);
    }

    /** The store: {@code connections} limited connections, SHA-256, atomic move. */
    @Benchmark
    public String store() {
        return downloader.download(DownloadRequest.builder(server.uri(), target).validateGguf(false).build())
                .sha256();
    }

    /** {@code curl -s -o}: one limited stream, no hash. */
    @Benchmark
    public int curl() throws IOException, InterruptedException {
        return DownloadBenchmark.curl(server.uri(), target);
    }

    /** Stops the server, deletes the files. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        downloader.close();
        server.close();
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
