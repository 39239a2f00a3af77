package io.github.localllm.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
 * SHA-256 of a {@code size}-byte file (1 GiB by default, in the page cache after the first read): the
 * loop the model store hashes files with (a 1 MiB heap buffer through {@link FileChannel} into
 * {@link MessageDigest}) against {@code openssl dgst -sha256} on the same file in the same run. Goal:
 * at least 0.9 of openssl's throughput.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar Sha256Benchmark
 * java -jar benchmarks/target/benchmarks.jar Sha256Benchmark -p size=8388608 -wi 0 -i 1 -f 1   # smoke
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class Sha256Benchmark {
    @Param("1073741824")
    public long size;

    private Path dir;
    private Path file;

    /** Writes the file. */
    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("sha256-bench");
        file = dir.resolve("model.bin");
        DownloadBenchmark.writeRandom(file, size);
    }

    /** The store's loop. */
    @Benchmark
    public String jdk() throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                digest.update(buffer);
                buffer.clear();
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** {@code openssl dgst -sha256}. */
    @Benchmark
    public String openssl() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("openssl", "dgst", "-sha256", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("openssl failed: " + out);
        }
        return out;
    }

    /** Deletes the file. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }
}
