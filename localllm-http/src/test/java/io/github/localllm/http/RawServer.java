package io.github.localllm.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server on a loopback socket that writes exactly the bytes a test tells it to: for answers no
 * real HTTP server library would send (garbage, stalls, resets, replayed captures). One request per
 * connection, or with {@link #keepAlive} every request the client sends on it, as a server keeping
 * connections alive does.
 */
final class RawServer implements AutoCloseable {
    /** What the server does with one connection, after reading its request. */
    @FunctionalInterface
    interface Handler {
        void serve(Connection connection) throws Exception;
    }

    private final ServerSocket server;
    private final Handler handler;
    private final boolean keepAlive;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Connection> accepted = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    RawServer(Handler handler) throws IOException {
        this(handler, false);
    }

    private RawServer(Handler handler, boolean keepAlive) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.handler = handler;
        this.keepAlive = keepAlive;
        Thread acceptor = new Thread(this::acceptLoop, "raw-server-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * A server that serves request after request on each connection until the client closes it or
     * the handler does; answers must then say where they end (chunked or with a length).
     */
    static RawServer keepAlive(Handler handler) throws IOException {
        return new RawServer(handler, true);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    int connections() {
        return connections.get();
    }

    /** @return the requests read so far, on all connections */
    int requests() {
        return requests.get();
    }

    List<Connection> accepted() {
        return accepted;
    }

    List<Throwable> failures() {
        return failures;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                Thread worker = new Thread(() -> serve(socket), "raw-server-connection");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            Connection connection = new Connection(socket);
            accepted.add(connection);
            do {
                if (!connection.readRequest()) {
                    return;
                }
                requests.incrementAndGet();
                handler.serve(connection);
                connection.out.flush();
            } while (keepAlive && !socket.isClosed());
        } catch (SocketException e) {
            // The client went away: the tests that care look at the connection itself.
        } catch (Throwable e) {
            failures.add(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Connection c : accepted) {
            c.socket.close();
        }
    }

    /** One accepted connection and the request read from it. */
    static final class Connection {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        String requestLine = "";
        final Map<String, String> headers = new LinkedHashMap<>();
        byte[] body = new byte[0];

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** @return false if the client closed the connection instead of sending a request */
        boolean readRequest() throws IOException {
            headers.clear();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return false;
                }
                head.write(b);
                matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
            }
            String[] lines = head.toString(UTF_8).split("\r\n");
            requestLine = lines[0];
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                }
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            body = in.readNBytes(length);
            return true;
        }

        void write(String text) throws IOException {
            write(text.getBytes(UTF_8));
        }

        void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Writes the status line and headers of a chunked answer, after which the server closes. */
        void startChunked(String contentType) throws IOException {
            write("HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n");
        }

        /** Writes the status line and headers of a chunked answer on a connection kept alive for more. */
        void startChunkedKeepAlive(String contentType) throws IOException {
            write("HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nTransfer-Encoding: chunked\r\n\r\n");
        }

        void chunk(String data) throws IOException {
            byte[] bytes = data.getBytes(UTF_8);
            write(Integer.toHexString(bytes.length) + "\r\n");
            write(bytes);
            write("\r\n");
        }

        void endChunks() throws IOException {
            write("0\r\n\r\n");
        }

        /**
         * Waits for the client to close its end of the connection.
         *
         * @return whether it did within {@code timeout}
         */
        boolean awaitClientClose(Duration timeout) throws IOException {
            socket.setSoTimeout((int) timeout.toMillis());
            try {
                while (in.read() >= 0) {
                    // The request was read whole; anything more is not expected, but not the point here.
                }
                return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException e) {
                return true;
            }
        }

        /** Aborts the connection with a TCP reset instead of an orderly close. */
        void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }
    }
}
