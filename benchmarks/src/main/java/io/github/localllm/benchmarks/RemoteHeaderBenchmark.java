package io.github.localllm.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.localllm.gguf.GgufFile;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link GgufFile#read(URI)} of the sparse 1B-parameter model (about 1.1 GB, see
 * {@link GgufHeaderBenchmark}) served with byte ranges by an HTTP server on loopback: the cost of
 * planning a model before downloading it, without network latency. Teardown prints the requests
 * and bytes one read took, which is what latency multiplies on a real network.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RemoteHeaderBenchmark {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

    private HttpServer server;
    private ExecutorService executor;
    private FileChannel file;
    private URI uri;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private long reads;

    /** Serves the file. */
    @Setup(Level.Trial)
    public void setup() throws IOException {
        Path path = BenchmarkModels.sparse(1_000_000_000L);
        file = FileChannel.open(path);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::serve);
        executor = Executors.newSingleThreadExecutor();
        server.setExecutor(executor);
        server.start();
        uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/model.gguf");
        System.out.printf("%nserving %s (%,d bytes) at %s%n", path, Files.size(path), uri);
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            Matcher m = RANGE.matcher(String.valueOf(ex.getRequestHeaders().getFirst("Range")));
            if (!m.matches()) {
                ex.sendResponseHeaders(416, -1);
                return;
            }
            long size = file.size();
            long first = Long.parseLong(m.group(1));
            long last = Math.min(Long.parseLong(m.group(2)), size - 1);
            ByteBuffer body = ByteBuffer.allocate((int) (last - first + 1));
            read((SeekableByteChannel) file, first, body);
            ex.getResponseHeaders().set("Content-Range", "bytes " + first + "-" + last + "/" + size);
            ex.getResponseHeaders().set("Accept-Ranges", "bytes");
            ex.sendResponseHeaders(206, body.capacity());
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body.array());
            }
            requests.incrementAndGet();
            bytes.addAndGet(body.capacity());
        }
    }

    private static void read(SeekableByteChannel channel, long position, ByteBuffer dst) throws IOException {
        synchronized (channel) {
            channel.position(position);
            while (dst.hasRemaining() && channel.read(dst) >= 0) {
                // keep reading until the range is full
            }
        }
    }

    /** Prints what one read cost on the wire. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        server.stop(0);
        executor.shutdownNow();
        file.close();
        if (reads > 0) {
            System.out.printf("%nper header read: %.1f requests, %,d bytes%n", requests.get() / (double) reads,
                    bytes.get() / reads);
        }
    }

    /** @return the parsed remote header */
    @Benchmark
    public GgufFile readRemoteHeader() {
        reads++;
        return GgufFile.read(uri);
    }
}
