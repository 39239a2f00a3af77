package io.github.localllm.testkit;

import io.github.localllm.testkit.internal.ServerCore;
import java.net.URI;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * What every fake server does: listen on 127.0.0.1 at a free port, keep the requests it received,
 * break answers on command, and stop all its threads on {@link #close()}.
 */
public abstract sealed class FakeServer implements AutoCloseable permits FakeOllama, FakeOpenAi, FakeLmStudio,
        FakeRangeServer, FakeHub, FakeHuggingFace {
    private final ServerCore core;

    FakeServer(ServerCore core) {
        this.core = Objects.requireNonNull(core, "core");
    }

    /** The base address, {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public URI uri() {
        return core.uri();
    }

    /** The base address with a path, e.g. {@code uri("/api/chat")}. */
    public URI uri(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a path starts with '/': " + path);
        }
        return URI.create(core.uri() + path);
    }

    /** The port the server listens on. */
    public int port() {
        return core.uri().getPort();
    }

    /** Every request received so far, oldest first. */
    public List<RecordedRequest> requests() {
        return core.requests();
    }

    /** The requests received on one path, oldest first. */
    public List<RecordedRequest> requests(String path) {
        return core.requests(path);
    }

    /** The newest request. */
    public RecordedRequest lastRequest() {
        List<RecordedRequest> all = core.requests();
        if (all.isEmpty()) {
            throw new NoSuchElementException("no request received yet");
        }
        return all.get(all.size() - 1);
    }

    /** Forgets the requests received so far. */
    public void clearRequests() {
        core.clearRequests();
    }

    /** Applies a fault to every request from now on. */
    public void inject(Fault fault) {
        core.faults().addAlways(fault, null);
    }

    /** Applies a fault to every request to one path (e.g. {@code /api/chat}) from now on. */
    public void inject(String path, Fault fault) {
        core.faults().addAlways(fault, Objects.requireNonNull(path, "path"));
    }

    /** Applies a fault to the next {@code requests} requests only. */
    public void injectNext(int requests, Fault fault) {
        core.faults().add(fault, null, requireCount(requests));
    }

    /** Applies a fault to the next {@code requests} requests to one path only. */
    public void injectNext(int requests, String path, Fault fault) {
        core.faults().add(fault, Objects.requireNonNull(path, "path"), requireCount(requests));
    }

    /**
     * Applies a fault to {@code requests} requests after the next {@code skip} ones pass unharmed, e.g.
     * to break a download's chunks but not the request that asked for its size.
     */
    public void injectLater(int skip, int requests, Fault fault) {
        if (skip < 0) {
            throw new IllegalArgumentException("requests to skip cannot be negative: " + skip);
        }
        core.faults().add(fault, null, requireCount(requests), skip);
    }

    /** Removes every fault, those set on the builder included. */
    public void clearFaults() {
        core.faults().clear();
    }

    /** Stops the server: the port closes, open connections drop, and every thread it started ends. */
    @Override
    public void close() {
        core.close();
    }

    private static int requireCount(int requests) {
        if (requests < 1) {
            throw new IllegalArgumentException("a fault applies to at least one request: " + requests);
        }
        return requests;
    }
}
