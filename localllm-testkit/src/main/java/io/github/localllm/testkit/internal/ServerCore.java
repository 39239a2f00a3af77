package io.github.localllm.testkit.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.localllm.testkit.Fault;
import io.github.localllm.testkit.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JDK HTTP server on 127.0.0.1 at a free port that records every request, applies the faults set
 * for it and lets a {@link Protocol} answer. Its handler threads are daemons and all of them end
 * on {@link #close()}, sleeping ones included.
 */
public final class ServerCore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerCore.class);
    private static final AtomicInteger SERVERS = new AtomicInteger();

    private final String name;
    private final Protocol protocol;
    private final HttpServer server;
    private final ExecutorService executor;
    private final FaultPlan faults = new FaultPlan();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

    public ServerCore(String name, Protocol protocol, List<Fault> initialFaults) {
        this.name = name;
        this.protocol = protocol;
        initialFaults.forEach(f -> faults.addAlways(f, null));
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a loopback port for " + name, e);
        }
        executor = Executors.newCachedThreadPool(daemonThreads(name + "-" + SERVERS.incrementAndGet()));
        server.setExecutor(executor);
        server.createContext("/", this::exchange);
        server.start();
        LOG.debug("{} listening on {}", name, uri());
    }

    public URI uri() {
        InetSocketAddress address = server.getAddress();
        return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort());
    }

    public FaultPlan faults() {
        return faults;
    }

    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public void clearRequests() {
        requests.clear();
    }

    private void exchange(HttpExchange exchange) throws IOException {
        RecordedRequest request = record(exchange);
        requests.add(request);
        ActiveFaults active = faults.take(request.path());
        LOG.debug("{} {} {} faults={}", name, request.method(), request.path(), active.faults());
        if (active.reset()) {
            throw new AbortConnection("connection reset on command");
        }
        Pause.of(active.firstByteDelay());
        Call call = new Call(request);
        Reply reply;
        try {
            reply = answer(call, active);
        } catch (RuntimeException e) {
            // A bug in a fake must not look like a server's answer: close the connection, and say why.
            LOG.error("{} failed to answer {} {}", name, request.method(), request.path(), e);
            throw new AbortConnection("the fake failed: " + e);
        }
        new ReplyWriter(exchange, call, active, protocol).send(reply);
    }

    private Reply answer(Call call, ActiveFaults active) {
        var status = active.httpStatus();
        if (status.isPresent()) {
            Reply reply = protocol.errorStatus(call, status.get().status());
            return status.get().retryAfterHeader().map(v -> reply.withHeader("Retry-After", v)).orElse(reply);
        }
        if (active.modelNotFound()) {
            return protocol.modelNotFound(call);
        }
        if (active.ignoreRange() && protocol instanceof RangeProtocol ranges) {
            return ranges.ignoringRange(call);
        }
        return protocol.handle(call);
    }

    private static RecordedRequest record(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
        URI uri = exchange.getRequestURI();
        return new RecordedRequest(exchange.getRequestMethod(), uri.getPath() == null ? "" : uri.getPath(),
                uri.getRawQuery() == null ? "" : uri.getRawQuery(), headers, new String(body, StandardCharsets.UTF_8));
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops listening, drops open connections and ends every handler thread. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("{}: handler threads still running after 5 s", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.debug("{} closed", name);
    }

    /** The recorded requests to one path. */
    public List<RecordedRequest> requests(String path) {
        List<RecordedRequest> matching = new ArrayList<>();
        for (RecordedRequest r : requests) {
            if (r.path().equals(path)) {
                matching.add(r);
            }
        }
        return matching;
    }
}
