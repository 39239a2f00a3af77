package io.github.localllm.backend.openai;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A loopback socket that answers every connection with the same bytes, for what no fake server
 * sends: a proxy's HTML page, another protocol on the port.
 */
final class RawServer implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread thread;

    private RawServer(String answer) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        thread = new Thread(() -> serve(bytes), "raw-server");
        thread.setDaemon(true);
        thread.start();
    }

    static RawServer answering(String answer) throws IOException {
        return new RawServer(answer);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    private void serve(byte[] answer) {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                client.setSoTimeout(2000);
                InputStream in = client.getInputStream();
                // Read the request's head, so that closing does not reset it before the answer is read.
                byte[] buffer = new byte[8192];
                int n = in.read(buffer);
                OutputStream out = client.getOutputStream();
                if (n > 0) {
                    out.write(answer);
                    out.flush();
                }
                client.shutdownOutput();
            } catch (IOException e) {
                // the next connection, or closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
