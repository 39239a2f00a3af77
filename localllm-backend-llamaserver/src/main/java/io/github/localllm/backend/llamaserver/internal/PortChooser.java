package io.github.localllm.backend.llamaserver.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Picks the loopback port for the next server. The port is free when picked, but another process may
 * take it before the server binds it; the server then fails to bind and is started again on another.
 */
@FunctionalInterface
public interface PortChooser {

    /** The system's choice: a free ephemeral port on the loopback address. */
    PortChooser EPHEMERAL = () -> {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    };

    /** @return a port that is free now */
    int next();
}
