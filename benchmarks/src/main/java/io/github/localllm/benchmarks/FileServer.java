package io.github.localllm.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One file over HTTP on loopback, streamed from disk (the page cache) with byte ranges, each
 * connection limited to {@code bytesPerSecond} when it is above 0, as CDNs limit single connections.
 * Unlike the testkit's fakes it never holds a whole answer in memory, so it serves a 1 GiB file in one
 * answer to {@code curl}.
 */
final class FileServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
    private static final int PIECE = 256 << 10;

    private final Path file;
    private final long bytesPerSecond;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bench-file-server");
        t.setDaemon(true);
        return t;
    });

    FileServer(Path file, long bytesPerSecond) throws IOException {
        this.file = file;
        this.bytesPerSecond = bytesPerSecond;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", this::serve);
        server.setExecutor(executor);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/model.bin");
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex; FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long first = 0;
            long last = size - 1;
            String range = ex.getRequestHeaders().getFirst("Range");
            Matcher m = range == null ? null : RANGE.matcher(range);
            ex.getResponseHeaders().set("Accept-Ranges", "bytes");
            ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
            if (m != null && m.matches()) {
                first = Long.parseLong(m.group(1));
                last = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
                if (first >= size) {
                    ex.getResponseHeaders().set("Content-Range", "bytes */" + size);
                    ex.sendResponseHeaders(416, -1);
                    return;
                }
                ex.getResponseHeaders().set("Content-Range", "bytes " + first + "-" + last + "/" + size);
                ex.sendResponseHeaders(206, last - first + 1);
            } else {
                ex.sendResponseHeaders(200, size);
            }
            OutputStream out = ex.getResponseBody();
            ByteBuffer buffer = ByteBuffer.allocate(PIECE);
            long started = System.nanoTime();
            long sent = 0;
            for (long p = first; p <= last; ) {
                buffer.clear().limit((int) Math.min(PIECE, last - p + 1));
                int n = channel.read(buffer, p);
                out.write(buffer.array(), 0, n);
                p += n;
                sent += n;
                if (bytesPerSecond > 0) {
                    long wait = started + sent * 1_000_000_000L / bytesPerSecond - System.nanoTime();
                    if (wait > 0) {
                        try {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
