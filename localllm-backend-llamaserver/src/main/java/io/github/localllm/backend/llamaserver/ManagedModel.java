package io.github.localllm.backend.llamaserver;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelInfo;
import io.github.localllm.ModelInstance;
import io.github.localllm.Tokenizer;
import io.github.localllm.backend.openai.LlamaServerModel;
import io.github.localllm.backend.llamaserver.internal.ExitCodes;
import io.github.localllm.backend.llamaserver.internal.OutputTail;
import io.github.localllm.backend.llamaserver.internal.RestartPolicy;
import io.github.localllm.backend.llamaserver.internal.ServerLaunch;
import io.github.localllm.backend.llamaserver.internal.ServerProcess;
import io.github.localllm.http.AuthenticationException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model served by its own {@code llama-server}, which this instance supervises. Requests go to the
 * server through the OpenAI-compatible engine. When the server dies, {@link ServerProcess#onExit()}
 * tells at once: requests in flight fail with a retryable {@link BackendUnavailableException} that
 * names the exit code and quotes the server's last lines, and the server is started again after a
 * pause ({@link RestartPolicy}); requests that come meanwhile wait for it. A server that crashes more
 * often than the policy allows is left down, and requests fail saying so. Closing the model stops its
 * server, gracefully first.
 */
final class ManagedModel implements ModelInstance {
    private static final Logger LOG = LoggerFactory.getLogger(ManagedModel.class);
    /** A request failed as a server dies a moment later: the failure is the crash if the process ends by then. */
    private static final Duration CRASH_CONFIRMATION = Duration.ofSeconds(1);
    private static final int QUOTED_LINES = 20;

    /** Makes the OpenAI-compatible model of a ready server. */
    @FunctionalInterface
    interface Connector {
        /**
         * @param server a ready server
         * @return its model
         * @throws LocalLlmException if the server does not serve it as expected
         */
        ModelInstance connect(ServerProcess server);
    }

    /** A server and the model it serves. */
    record Serving(ServerProcess server, ModelInstance model) {
    }

    private final ServerLaunch launch;
    private final RestartPolicy policy;
    private final Connector connector;
    private final ModelInfo info;
    private final Runnable onClose;
    private final Tokenizer tokenizer = new ManagedTokenizer(this);
    private final LlamaServerModel view = new ManagedServerView(this);
    private final Object lock = new Object();
    /** Crash times within the policy's window, oldest first. Guarded by {@link #lock}. */
    private final Deque<Long> crashes = new ArrayDeque<>();
    /** The server answering now; {@code null} while it restarts or after it was given up. Guarded by {@link #lock}. */
    private Serving current;
    /** A server being started, which a close must stop too. Guarded by {@link #lock}. */
    private ServerProcess starting;
    private volatile CompletableFuture<Serving> serving;
    private volatile boolean closed;
    private volatile int restarts;
    /** Requests running now, and streams not yet ended. Guarded by {@link #lock}. */
    private int inFlight;
    private volatile long lastUsedNanos = System.nanoTime();
    /** The model it was unloaded to make room for, if it was. */
    private volatile String unloadedFor;

    /**
     * @param first the server started by the load, ready
     * @param info what the model is
     * @param onClose run once after the model closed
     */
    ManagedModel(ServerLaunch launch, RestartPolicy policy, Connector connector, Serving first, ModelInfo info,
                 Runnable onClose) {
        this.launch = launch;
        this.policy = policy;
        this.connector = connector;
        this.info = info;
        this.onClose = onClose;
        this.current = first;
        this.serving = CompletableFuture.completedFuture(first);
        watch(first);
    }

    /**
     * Starts a server for {@code launch} and connects to it; stops it if connecting fails.
     *
     * @param onSpawn told of the process as soon as it runs
     * @return the ready server and its model
     */
    static Serving start(ServerLaunch launch, Connector connector, java.util.function.Consumer<ServerProcess> onSpawn) {
        return start(launch, connector, onSpawn, line -> { });
    }

    /**
     * {@link #start(ServerLaunch, Connector, java.util.function.Consumer)}, showing {@code onLine} the
     * server's output, for the stages of a load.
     */
    static Serving start(ServerLaunch launch, Connector connector, java.util.function.Consumer<ServerProcess> onSpawn,
                         java.util.function.Consumer<String> onLine) {
        ServerProcess server = ServerProcess.start(launch, onSpawn, onLine);
        try {
            return new Serving(server, connector.connect(server));
        } catch (RuntimeException | Error e) {
            server.stop(launch.stopGrace());
            throw e;
        }
    }

    private void watch(Serving s) {
        s.server().onExit().thenRun(() -> exited(s));
    }

    /** The process of {@code s} ended: a crash, unless it was stopped or the model is closed. */
    private void exited(Serving s) {
        if (closed || s.server().isStopping()) {
            return;
        }
        // Requests from now on wait for what comes next: a restarted server, or the reason there is none.
        CompletableFuture<Serving> next = new CompletableFuture<>();
        int restart;
        synchronized (lock) {
            if (closed || current != s) {
                return;
            }
            current = null;
            restart = countCrash();
            serving = next;
        }
        boolean givenUp = restart > policy.maxRestarts();
        Duration pause = policy.pauseBefore(restart);
        if (!givenUp) {
            Thread restarter = new Thread(() -> restart(next, pause), "llama-server-restart");
            restarter.setDaemon(true);
            restarter.start();
        }
        // Its last words are more use once read to the end; the pipe ends with the process.
        s.server().output().awaitEnd(OutputTail.AFTER_EXIT);
        if (givenUp) {
            String message = died(s) + ". It crashed " + restart + " times within " + policy.window().toSeconds()
                    + " s and is not restarted again; check the model, the memory and the server build, then load"
                    + " the model again." + s.server().output().quote(QUOTED_LINES);
            LOG.error(message);
            next.completeExceptionally(new BackendUnavailableException(message));
            return;
        }
        LOG.warn("{}. Restarting it in {} ms (restart {} of at most {} within {} s).{}", died(s), pause.toMillis(),
                restart, policy.maxRestarts(), policy.window().toSeconds(), s.server().output().quote(QUOTED_LINES));
    }

    /** @return the number of this crash within the window. Call holding {@link #lock}. */
    private int countCrash() {
        long now = System.nanoTime();
        crashes.addLast(now);
        while (now - crashes.peekFirst() > policy.window().toNanos()) {
            crashes.removeFirst();
        }
        return crashes.size();
    }

    private String died(Serving s) {
        return "llama-server pid " + s.server().pid() + " serving " + info.name() + " exited with "
                + ExitCodes.describe(s.server().exitCode());
    }

    /** Starts the server again, on this daemon thread, after {@code pause}; again after each failure the policy allows. */
    private void restart(CompletableFuture<Serving> next, Duration pause) {
        long crashed = System.nanoTime();
        while (true) {
            if (!sleep(pause) || closed) {
                next.completeExceptionally(closedError());
                return;
            }
            try {
                Serving s = start(launch, connector, this::starting);
                boolean closedMeanwhile;
                synchronized (lock) {
                    starting = null;
                    closedMeanwhile = closed;
                    if (!closedMeanwhile) {
                        current = s;
                        restarts++;
                    }
                }
                if (closedMeanwhile) {
                    s.server().stop(launch.stopGrace());
                    next.completeExceptionally(closedError());
                    return;
                }
                watch(s);
                next.complete(s);
                LOG.info("llama-server for {} runs again as pid {}, {} ms after the crash", info.name(), s.server().pid(),
                        Duration.ofNanos(System.nanoTime() - crashed).toMillis());
                return;
            } catch (RuntimeException e) {
                // Whatever failed, requests waiting for this restart must learn of it.
                int restart;
                synchronized (lock) {
                    starting = null;
                    restart = countCrash();
                }
                if (closed || restart > policy.maxRestarts()) {
                    next.completeExceptionally(closed ? closedError() : new BackendUnavailableException("llama-server for "
                            + info.name() + " crashed and could not be started again (" + restart + " failures within "
                            + policy.window().toSeconds() + " s): " + e.getMessage(), e));
                    return;
                }
                pause = policy.pauseBefore(restart);
                LOG.warn("restarting llama-server for {} failed; trying again in {} ms: {}", info.name(), pause.toMillis(),
                        e.getMessage());
            }
        }
    }

    private void starting(ServerProcess server) {
        boolean stop;
        synchronized (lock) {
            starting = server;
            stop = closed;
        }
        if (stop) {
            server.stop(Duration.ZERO);
        }
    }

    private static boolean sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** @return the server to send to: the running one, or the one restarting, waited for */
    private Serving serving() {
        checkOpen();
        CompletableFuture<Serving> f = serving;
        if (f.isDone() && !f.isCompletedExceptionally()) {
            Serving s = f.join();
            if (s.server().isAlive() || !awaitReplaced(f)) {
                return s;
            }
            f = serving;
        }
        try {
            return f.get(launch.loadTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InvalidRequestException closedModel) {
                throw new InvalidRequestException(closedModel.getMessage());
            }
            throw new BackendUnavailableException(cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new BackendUnavailableException("llama-server for " + info.name() + " is still restarting after a"
                    + " crash; retry the request later");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("interrupted while waiting for llama-server of " + info.name()
                    + " to restart after a crash", e);
        }
    }

    /**
     * Waits for the crash handler to replace {@code f}: the server has died, and the process's end is
     * reported a moment later.
     *
     * @return whether it was replaced
     */
    private boolean awaitReplaced(CompletableFuture<Serving> f) {
        long deadline = System.nanoTime() + CRASH_CONFIRMATION.toNanos();
        while (serving == f && !closed && System.nanoTime() - deadline < 0) {
            if (!sleep(Duration.ofMillis(2))) {
                return false;
            }
        }
        return serving != f;
    }

    /**
     * @return what to throw for a request that failed with {@code e} on {@code s}: the crash when the
     *     failure is a lost connection or a cut answer and the server has died; {@code e} otherwise
     */
    private LocalLlmException translate(Serving s, LocalLlmException e) {
        boolean connectionKind = e instanceof BackendUnavailableException && !(e instanceof AuthenticationException)
                || e instanceof GenerationException;
        if (closed || !connectionKind) {
            return e;
        }
        if (!s.server().awaitExit(s.server().isAlive() ? CRASH_CONFIRMATION : Duration.ZERO)
                || s.server().isStopping()) {
            return e;
        }
        s.server().output().awaitEnd(OutputTail.AFTER_EXIT);
        String next = serving.isCompletedExceptionally() ? " It is not restarted again: load the model again."
                : " It is being restarted: retry the request.";
        return new BackendUnavailableException(died(s) + " during the request." + next
                + s.server().output().quote(QUOTED_LINES), e);
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    /**
     * @return the server's tokenizer ({@code /tokenize}, {@code /detokenize}): no begin-of-sequence
     *     token added, special tokens in the text read as such, ids checked against the vocabulary
     */
    @Override
    public Optional<Tokenizer> tokenizer() {
        return Optional.of(tokenizer);
    }

    /** @return {@link LlamaServerModel} (props, slots, metrics of the server serving now), or this model as {@code type} */
    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        if (type.isInstance(this)) {
            return Optional.of(type.cast(this));
        }
        return type.isInstance(view) ? Optional.of(type.cast(view)) : Optional.empty();
    }

    /**
     * Runs {@code call} on the model of the server serving now, waiting for one that restarts; a
     * failure because the server died is reported as the crash.
     */
    <T> T onServer(java.util.function.Function<ModelInstance, T> call) {
        Serving s = serving();
        try {
            return call.apply(s.model());
        } catch (LocalLlmException e) {
            throw translate(s, e);
        }
    }

    @Override
    public GenerationResult generate(GenerationRequest request) {
        begin();
        try {
            Serving s = serving();
            try {
                return s.model().generate(request);
            } catch (LocalLlmException e) {
                throw translate(s, e);
            }
        } finally {
            end();
        }
    }

    @Override
    public GenerationStream stream(GenerationRequest request) {
        begin();
        boolean started = false;
        try {
            Serving s = serving();
            try {
                GenerationStream stream = new SupervisedStream(s.model().stream(request), e -> translate(s, e), this::end);
                started = true;
                return stream;
            } catch (LocalLlmException e) {
                throw translate(s, e);
            }
        } finally {
            if (!started) {
                end();
            }
        }
    }

    /** @throws InvalidRequestException before sending, naming the option, if the server was not started for embeddings */
    @Override
    public EmbeddingResult embed(EmbeddingRequest request) {
        if (!info.capabilities().embeddings()) {
            checkOpen();
            throw new InvalidRequestException(info.name() + " was loaded without embeddings: its llama-server was not"
                    + " started with --embeddings. Load it with LoadOptions.builder().engineOptions(LlamaServerOptions"
                    + ".builder().embeddings(true).build()) (or " + LlamaServerOptions.EMBEDDINGS_KEY + "=true), ideally"
                    + " with an embedding model");
        }
        begin();
        try {
            Serving s = serving();
            try {
                return s.model().embed(request);
            } catch (LocalLlmException e) {
                throw translate(s, e);
            }
        } finally {
            end();
        }
    }

    /** A request begins: the model is in use, so no load unloads it, until {@link #end}. */
    private void begin() {
        synchronized (lock) {
            checkOpen();
            inFlight++;
            lastUsedNanos = System.nanoTime();
        }
    }

    private void end() {
        synchronized (lock) {
            inFlight--;
            lastUsedNanos = System.nanoTime();
        }
    }

    /** @return requests running now, streams included until they end */
    int inFlight() {
        synchronized (lock) {
            return inFlight;
        }
    }

    /** @return when a request last began or ended, or when the model loaded ({@link System#nanoTime()}) */
    long lastUsedNanos() {
        return lastUsedNanos;
    }

    /**
     * Unloads the model to make room for another, unless a request is using it: its server stops, and
     * later requests fail saying why.
     *
     * @param forModel the model being loaded
     * @return whether it was unloaded; {@code false} when a request uses it, or it is closed already
     */
    boolean unloadIfIdle(String forModel) {
        synchronized (lock) {
            if (closed || inFlight > 0) {
                return false;
            }
            unloadedFor = forModel;
        }
        close();
        return true;
    }

    /** @return the server answering now; empty while it restarts or after it was given up */
    Optional<ServerProcess> server() {
        synchronized (lock) {
            return Optional.ofNullable(current).map(Serving::server);
        }
    }

    /** @return how often the server was restarted after a crash */
    int restarts() {
        return restarts;
    }

    /** @return the file this model serves */
    java.nio.file.Path file() {
        return launch.model();
    }

    private void checkOpen() {
        if (closed) {
            throw closedError();
        }
    }

    private InvalidRequestException closedError() {
        String why = unloadedFor;
        if (why != null) {
            return new InvalidRequestException(info.name() + " was unloaded, as the least recently used idle model, to"
                    + " make room for " + why + " within the memory budget (" + MemoryBudget.BUDGET_KEY + "); load it"
                    + " again to use it, raise the budget, or set " + MemoryBudget.WHEN_FULL_KEY + "=fail to be told"
                    + " instead");
        }
        return new InvalidRequestException(info.name() + " was closed and its llama-server stopped; load it again to"
                + " use it");
    }

    /** Cancels the requests still running, then stops the server: asked first, killed after the grace period. */
    @Override
    public void close() {
        Serving s;
        ServerProcess pending;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            s = current;
            current = null;
            pending = starting;
            starting = null;
        }
        serving.completeExceptionally(closedError());
        try {
            if (s != null) {
                s.model().close();
                s.server().stop(launch.stopGrace());
            }
            if (pending != null) {
                pending.stop(launch.stopGrace());
            }
        } finally {
            onClose.run();
        }
    }

    @Override
    public String toString() {
        return "ManagedModel[" + info.name() + ", " + server().map(ServerProcess::toString).orElse("no server") + "]";
    }
}
