package io.github.localllm.backend.ollama;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A loopback socket that answers each connection with bytes chosen from the request line: for
 * servers the testkit does not fake (an older Ollama that sends tool calls without ids, a program
 * speaking another protocol on the port). One connection at a time, closed after each answer.
 */
final class StubServer implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread acceptor;
    private final List<String> requestLines = new CopyOnWriteArrayList<>();

    /** @param answer the raw bytes to write, given the request line ({@code POST /api/chat HTTP/1.1}) */
    StubServer(Function<String, String> answer) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    String line = readRequest(s.getInputStream());
                    requestLines.add(line);
                    OutputStream out = s.getOutputStream();
                    out.write(answer.apply(line).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } catch (IOException e) {
                    // closed
                }
            }
        }, "stub-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A whole HTTP/1.1 answer with a body, the connection closed after it. */
    static String http(int status, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return "HTTP/1.1 " + status + " X\r\nContent-Type: " + contentType + "\r\nContent-Length: " + bytes.length
                + "\r\nConnection: close\r\n\r\n" + body;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    List<String> requestLines() {
        return requestLines;
    }

    /** Reads the request line, the headers and a body of Content-Length bytes. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            String h = head.toString(StandardCharsets.ISO_8859_1);
            if (h.endsWith("\r\n\r\n")) {
                break;
            }
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        in.readNBytes(length);
        int end = h.indexOf("\r\n");
        return end < 0 ? h : h.substring(0, end);
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
