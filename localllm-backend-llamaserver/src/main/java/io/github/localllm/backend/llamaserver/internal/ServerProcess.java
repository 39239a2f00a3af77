package io.github.localllm.backend.llamaserver.internal;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelLoadException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running {@code llama-server}: started by {@link #start}, which returns once {@code /health}
 * says 200 (or throws what the server's output says went wrong, and leaves no process behind), and
 * stopped by {@link #stop}: asked first, killed after the grace period. While it runs it is in the
 * JVM's shutdown hook ({@link LiveServers}) and recorded in the state directory ({@link ServerRecords}).
 */
public final class ServerProcess {
    private static final Logger LOG = LoggerFactory.getLogger(ServerProcess.class);
    /** Port races are rare; a few attempts are plenty, and bound the work when something else is wrong. */
    static final int PORT_ATTEMPTS = 5;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Lines a failed bind prints: b10470 "couldn't bind HTTP server socket", older "couldn't bind to server socket". */
    private static final List<String> BIND_FAILURES = List.of("couldn't bind", "address already in use");

    private final Process process;
    private final ServerLaunch launch;
    private final int port;
    private final String apiKey;
    private final OutputTail tail;
    private final long spawnedNanos;
    private final Optional<Path> record;
    private volatile boolean stopping;
    private volatile Duration startTime = Duration.ZERO;

    private ServerProcess(Process process, ServerLaunch launch, int port, String apiKey, long spawnedNanos,
                          java.util.function.Consumer<String> onLine) {
        this.process = process;
        this.launch = launch;
        this.port = port;
        this.apiKey = apiKey;
        this.spawnedNanos = spawnedNanos;
        this.tail = OutputTail.follow(process.getInputStream(), "llama-server[" + process.pid() + "]", onLine);
        this.record = ServerRecords.write(launch.stateDir(), process.toHandle(), launch.binary().path(), launch.model(),
                port);
        LiveServers.add(this);
        // However it ends (stopped, crashed, killed from outside), an ended server is forgotten.
        process.onExit().thenRun(this::forget);
    }

    /**
     * Starts a server and waits until it is ready. A port taken between choosing and binding is
     * retried on another; every other failure stops the server and is thrown.
     *
     * @param launch what to start
     * @return the ready server
     * @throws io.github.localllm.UnsupportedModelException if the build does not know the model's architecture
     * @throws io.github.localllm.InsufficientResourcesException if the server ran out of memory loading it
     * @throws ModelLoadException if the server exited while loading, or did not load within the time given
     * @throws BackendUnavailableException if the server could not be started at all
     */
    public static ServerProcess start(ServerLaunch launch) {
        return start(launch, server -> { });
    }

    /**
     * {@link #start(ServerLaunch)}, telling {@code onSpawn} of each process as soon as it runs, so that
     * a model closed while its server starts can stop it.
     *
     * @param launch what to start
     * @param onSpawn told of each process started, before it is ready
     * @return the ready server
     */
    public static ServerProcess start(ServerLaunch launch, java.util.function.Consumer<ServerProcess> onSpawn) {
        return start(launch, onSpawn, line -> { });
    }

    /**
     * {@link #start(ServerLaunch, java.util.function.Consumer)}, showing {@code onLine} each line the
     * server prints, such as {@link LoadStages} reading the stages of the load.
     *
     * @param launch what to start
     * @param onSpawn told of each process started, before it is ready
     * @param onLine sees each line of each process's output, on its reading thread
     * @return the ready server
     */
    public static ServerProcess start(ServerLaunch launch, java.util.function.Consumer<ServerProcess> onSpawn,
                                      java.util.function.Consumer<String> onLine) {
        long deadline = System.nanoTime() + launch.loadTimeout().toNanos();
        for (int attempt = 1; ; attempt++) {
            ServerProcess server = spawn(launch, launch.ports().next(), onLine);
            onSpawn.accept(server);
            try {
                server.awaitReady(deadline);
                return server;
            } catch (PortTaken e) {
                server.stop(Duration.ZERO);
                if (attempt == PORT_ATTEMPTS) {
                    throw new BackendUnavailableException("llama-server could not listen on a loopback port: "
                            + PORT_ATTEMPTS + " free ports in a row were taken before it could bind them. Something"
                            + " on this machine is taking ports as fast as they free up; retry later."
                            + server.tail.quote(LoadFailures.QUOTED));
                }
                LOG.debug("port {} was taken before llama-server could bind it ({}); trying another", server.port,
                        e.getMessage());
            } catch (RuntimeException | Error e) {
                server.stop(launch.stopGrace());
                throw e;
            }
        }
    }

    private static ServerProcess spawn(ServerLaunch launch, int port, java.util.function.Consumer<String> onLine) {
        List<String> command = new ArrayList<>(List.of(launch.binary().path().toString(), "-m", launch.model().toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--alias", launch.alias(), "--no-webui"));
        command.addAll(launch.arguments());
        String key = newKey();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        // The server reads LLAMA_ARG_* variables as arguments: only what this SDK passes may configure it.
        env.keySet().removeIf(name -> name.startsWith("LLAMA_ARG_") || name.equals("LLAMA_API_KEY"));
        env.put("LLAMA_API_KEY", key);
        long spawned = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new BackendUnavailableException("llama-server " + launch.binary().path() + " could not be started: "
                    + e.getMessage() + ". Check that it still exists and may be executed", e);
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // the server reads nothing from its input
        }
        LOG.debug("started llama-server pid {} on port {}: {}", process.pid(), port, command);
        return new ServerProcess(process, launch, port, key, spawned, onLine);
    }

    private static String newKey() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void awaitReady(long deadline) {
        try {
            while (true) {
                if (!process.isAlive()) {
                    tail.awaitEnd(OutputTail.AFTER_EXIT);
                    // b10470 may lose its last log lines when it exits at once: a port that another
                    // process listens on, now that ours is gone, tells the same.
                    if (BIND_FAILURES.stream().anyMatch(tail::contains) || isListenedOn(port)) {
                        throw new PortTaken("the server could not bind it");
                    }
                    throw LoadFailures.exited(launch, tail, process.exitValue());
                }
                if (System.nanoTime() - deadline > 0) {
                    throw LoadFailures.timedOut(launch, tail, launch.loadTimeout());
                }
                if (ServerProbe.health(port, process.onExit()) == 200) {
                    if (!ServerProbe.isOurs(port, apiKey)) {
                        // Another server took the port before ours, which will fail to bind it.
                        throw new PortTaken("another server answers there");
                    }
                    startTime = Duration.ofNanos(System.nanoTime() - spawnedNanos);
                    LOG.debug("llama-server pid {} serves {} on port {} after {} ms", process.pid(), launch.model(),
                            port, startTime.toMillis());
                    return;
                }
                // Small steps first: a small model loads in a fraction of a second.
                long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - spawnedNanos);
                Thread.sleep(elapsedMillis < 2000 ? 10 : 50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelLoadException("interrupted while llama-server loaded " + launch.model() + "; it was stopped", e);
        }
    }

    /** @return the servers this JVM runs now, started and not yet stopped */
    public static List<ServerProcess> running() {
        return LiveServers.running();
    }

    /** @return whether some process listens on the loopback port */
    private static boolean isListenedOn(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            // Connections of ours in TIME_WAIT must not count: only a listener does.
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** @return the process id */
    public long pid() {
        return process.pid();
    }

    /** @return the loopback port it listens on */
    public int port() {
        return port;
    }

    /** @return the root of its HTTP API, {@code http://127.0.0.1:<port>} */
    public URI root() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** @return the API key it takes; never log it */
    public String apiKey() {
        return apiKey;
    }

    /** @return how it was started */
    public ServerLaunch launch() {
        return launch;
    }

    /** @return its output */
    public OutputTail output() {
        return tail;
    }

    /** @return the time from spawning it to its {@code /health} answering 200 */
    public Duration startTime() {
        return startTime;
    }

    /** @return completes when the process has ended, for whatever reason */
    public CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** @return whether the process runs */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return whether {@link #stop} was called: an exit is then no crash */
    public boolean isStopping() {
        return stopping;
    }

    /** @return its exit code @throws IllegalThreadStateException if it runs */
    public int exitCode() {
        return process.exitValue();
    }

    /**
     * @param timeout the longest wait
     * @return whether the process has ended within {@code timeout}
     */
    public boolean awaitExit(Duration timeout) {
        try {
            process.onExit().get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        } catch (ExecutionException | TimeoutException e) {
            return !process.isAlive();
        }
    }

    /**
     * Stops the server: asks it to ({@code SIGTERM}: it finishes its log and frees its memory), kills it
     * if it still runs after {@code grace}, and waits for it. Idempotent.
     *
     * @param grace how long it gets to stop by itself
     */
    public void stop(Duration grace) {
        signalStop();
        awaitOrKill(grace.toMillis());
    }

    /** Asks the process to stop, without waiting. */
    void signalStop() {
        stopping = true;
        if (process.isAlive()) {
            process.destroy();
        }
    }

    /** Waits for the process to end, killing it after {@code millis}; then forgets it. */
    void awaitOrKill(long millis) {
        // The Process's own onExit: it completes once the JDK has reaped the child, so isAlive() agrees.
        if (!awaitExit(Duration.ofMillis(millis))) {
            LOG.debug("llama-server pid {} still runs {} ms after being asked to stop; killing it", process.pid(), millis);
            process.destroyForcibly();
            if (!awaitExit(Duration.ofSeconds(5))) {
                LOG.warn("llama-server pid {} did not end within 5 s of being killed", process.pid());
                return;
            }
        }
        forget();
        // Its last lines (how it stopped) reach the log and the tail before the stop returns.
        tail.awaitEnd(OutputTail.AFTER_EXIT);
    }

    private void forget() {
        LiveServers.remove(this);
        record.ifPresent(ServerRecords::delete);
    }

    @Override
    public String toString() {
        return "llama-server[pid " + process.pid() + ", port " + port + ", " + launch.model().getFileName() + "]";
    }

    /** The port was taken before the server could bind it. */
    private static final class PortTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTaken(String why) {
            super(why, null, false, false);
        }
    }
}
