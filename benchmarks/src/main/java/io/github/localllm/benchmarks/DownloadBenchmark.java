package io.github.localllm.benchmarks;

import io.github.localllm.store.DownloadRequest;
import io.github.localllm.store.DownloadResult;
import io.github.localllm.store.Downloader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
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
 * The model store's {@link Downloader} against {@code curl} on the same file from the same loopback
 * server in the same run: seconds per download of a {@code size}-byte file (1 GiB by default),
 * verified (SHA-256) and moved into place, with {@code connections} parallel ranged chunks, hashing
 * as the chunks arrive or in one pass at the end ({@code hashAtEnd}). {@code perConnection} limits
 * each connection's rate (bytes per second, 0 for none), as CDNs do, where parallel chunks should beat
 * curl's single stream ({@link ThrottledDownloadBenchmark} measures that case by default). Goal: at
 * least 0.9 of curl's throughput without a limit.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar DownloadBenchmark
 * java -jar benchmarks/target/benchmarks.jar DownloadBenchmark -p size=8388608 -wi 0 -i 1 -f 1   # smoke
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class DownloadBenchmark {
    @Param("1073741824")
    public long size;
    @Param({"1", "4"})
    public int connections;
    @Param("false")
    public boolean hashAtEnd;
    @Param("0")
    public long perConnection;

    private Path dir;
    private FileServer server;
    private Downloader downloader;
    private Path target;

    /** Writes the file and starts the server. */
    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("download-bench");
        Path file = dir.resolve("model.bin");
        writeRandom(file, size);
        server = new FileServer(file, perConnection);
        downloader = Downloader.builder().connections(connections).hashAtEnd(hashAtEnd).build();
        target = dir.resolve("out.bin");
    }

    static void writeRandom(Path file, long size) throws IOException {
        byte[] block = new byte[1 << 20];
        Random random = new Random(42);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; ) {
                random.nextBytes(block);
                int n = (int) Math.min(block.length, size - written);
                out.write(block, 0, n);
                written += n;
            }
        }
    }

    /** Each download starts from nothing. */
    @Setup(Level.Invocation)
    public void clean() throws IOException {
        Files.deleteIfExists(target);
    }

    /** The store: ranged chunks, SHA-256, atomic move. */
    @Benchmark
    public String store() {
        DownloadResult r = downloader.download(DownloadRequest.builder(server.uri(), target).validateGguf(false)
                .build());
        return r.sha256();
    }

    /** {@code curl -s -o}: one stream, no hash. */
    @Benchmark
    public int curl() throws IOException, InterruptedException {
        return curl(server.uri(), target);
    }

    static int curl(URI uri, Path target) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("curl", "-s", "-f", "-o", target.toString(), uri.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().transferTo(OutputStream.nullOutputStream());
        int exit = p.waitFor();
        if (exit != 0) {
            throw new IllegalStateException("curl exited with " + exit);
        }
        return exit;
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
