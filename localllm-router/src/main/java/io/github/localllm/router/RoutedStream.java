package io.github.localllm.router;

import io.github.localllm.FinishReason;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationMetrics;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.GenerationTimeoutException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.RoutingDecision;
import io.github.localllm.TokenLogprob;
import io.github.localllm.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A router's stream: the stream of one target after another until one answers. A failure before
 * the caller's first chunk moves to the next target unseen; after it, the answer is continued on
 * the next target or the stream ends with {@link IncompleteAnswerException}
 * ({@link StreamFailover}). The caller's thread does all the work (opening, reading, failing over);
 * {@link #close()} may come from any thread: it closes the target's stream, which unblocks the
 * caller, and whoever holds the consumer side last ends the stream as cancelled.
 */
final class RoutedStream implements GenerationStream {
    private final Route route;
    private final Router router;
    private final Settings settings;
    private final GenerationRequest request;
    private final ReentrantLock consumer = new ReentrantLock();
    private volatile boolean closed;
    private boolean iterated;

    // The attempt under way; current is also read by close(), under this object's monitor.
    private Route.Lease lease;
    private GenerationStream current;
    private Iterator<GenerationChunk> chunks;
    private int attemptChunks;
    private long attemptFirstNanos;
    // Allocated when first needed: most answers have no thinking, no log probabilities, no failover.
    private StringBuilder attemptText;
    private StringBuilder attemptThinking;
    private List<TokenLogprob> attemptLogprobs;
    /** 0 while the attempt's first chunk is awaited, 1 once it came, 2 once the watchdog ended the wait; null: no watchdog. */
    private AtomicInteger firstChunk;
    private ScheduledFuture<?> watchdog;

    // What earlier attempts of a continued answer delivered.
    private final StringBuilder priorText = new StringBuilder(0);
    private final StringBuilder priorThinking = new StringBuilder(0);
    private List<TokenLogprob> priorLogprobs = List.of();
    private int priorChunks;

    private int delivered;
    private boolean toolCallBegun;
    private long firstChunkNanos;
    private boolean ended;
    private GenerationResult result;
    private LocalLlmException failure;

    /**
     * Opens the first target's stream that opens, so that a request no target takes fails here.
     *
     * @throws LocalLlmException when no target takes the request
     */
    RoutedStream(Route route, GenerationRequest request) {
        this.route = route;
        this.router = route.router();
        this.settings = router.settings();
        this.request = request;
        route.cancellable();
        open();
    }

    /** Opens the next target's stream; throws what {@link Route} throws when none is left. */
    private void open() {
        while (true) {
            Route.Lease next = route.next();
            GenerationRequest base = delivered == 0 ? request
                    : Continuation.of(request, priorText.toString(), delivered, settings.streamFailover());
            GenerationStream opened;
            try {
                opened = next.target.target.model().stream(route.attemptRequest(base));
            } catch (LocalLlmException e) {
                route.failed(next, e, 0);
                continue;
            } catch (RuntimeException e) {
                route.failed(next, Router.unexpected(next.name(), e), 0);
                continue;
            }
            synchronized (this) {
                lease = next;
                current = opened;
            }
            chunks = null;
            attemptChunks = 0;
            attemptText = null;
            attemptThinking = null;
            attemptLogprobs = null;
            armWatchdog(opened);
            if (closed) {
                // close() may have looked at the stream before this one.
                opened.close();
            }
            return;
        }
    }

    private void armWatchdog(GenerationStream stream) {
        Duration limit = settings.firstTokenTimeout();
        if (limit == null) {
            firstChunk = null;
            return;
        }
        AtomicInteger state = new AtomicInteger();
        firstChunk = state;
        watchdog = Timer.after(limit.toNanos(), () -> {
            if (state.compareAndSet(0, 2)) {
                stream.close();
            }
        });
    }

    private void disarmWatchdog() {
        if (watchdog != null) {
            watchdog.cancel(false);
            watchdog = null;
        }
    }

    private boolean watchdogFired() {
        return firstChunk != null && firstChunk.get() == 2;
    }

    private GenerationTimeoutException firstChunkTimeout() {
        return new GenerationTimeoutException("target '" + lease.name() + "' sent no first token within "
                + settings.firstTokenTimeout() + "; the attempt was stopped");
    }

    /**
     * @return the next chunk for the caller, or {@code null} at the end (the result is then set,
     *         unless the stream was closed)
     * @throws LocalLlmException when the answer fails for good; the consumer lock is held
     */
    private GenerationChunk advance() {
        while (true) {
            if (closed) {
                return null;
            }
            LocalLlmException error;
            try {
                if (chunks == null) {
                    chunks = current.iterator();
                }
                if (chunks.hasNext()) {
                    GenerationChunk chunk = chunks.next();
                    if (attemptChunks == 0 && firstChunk != null && !firstChunk.compareAndSet(0, 1)) {
                        throw firstChunkTimeout();
                    }
                    return deliver(chunk);
                }
                if (watchdogFired()) {
                    throw firstChunkTimeout();
                }
                if (closed) {
                    return null;
                }
                complete(current.result());
                return null;
            } catch (LocalLlmException e) {
                error = watchdogFired() && !(e instanceof GenerationTimeoutException) ? firstChunkTimeout() : e;
            } catch (RuntimeException e) {
                error = watchdogFired() ? firstChunkTimeout() : Router.unexpected(lease.name(), e);
            }
            if (closed) {
                return null;
            }
            failOver(error);
        }
    }

    private GenerationChunk deliver(GenerationChunk chunk) {
        if (attemptChunks == 0) {
            disarmWatchdog();
            attemptFirstNanos = System.nanoTime();
            if (firstChunkNanos == 0) {
                firstChunkNanos = attemptFirstNanos;
            }
        }
        attemptChunks++;
        if (!chunk.text().isEmpty()) {
            if (attemptText == null) {
                attemptText = new StringBuilder();
            }
            attemptText.append(chunk.text());
        }
        if (!chunk.thinking().isEmpty()) {
            if (attemptThinking == null) {
                attemptThinking = new StringBuilder();
            }
            attemptThinking.append(chunk.thinking());
        }
        if (!chunk.logprobs().isEmpty()) {
            if (attemptLogprobs == null) {
                attemptLogprobs = new ArrayList<>();
            }
            attemptLogprobs.addAll(chunk.logprobs());
        }
        if (chunk.toolCall() != null) {
            toolCallBegun = true;
        }
        int index = delivered++;
        return chunk.index() == index ? chunk
                : new GenerationChunk(chunk.text(), index, chunk.thinking(), chunk.toolCall(), chunk.logprobs());
    }

    /** After a failed attempt: opens the next one, or throws the stream's final failure. */
    private void failOver(LocalLlmException error) {
        disarmWatchdog();
        current.close();
        int fromAttempt = attemptChunks;
        priorChunks += attemptChunks;
        if (attemptText != null) {
            priorText.append(attemptText);
        }
        if (attemptThinking != null) {
            priorThinking.append(attemptThinking);
        }
        if (attemptLogprobs != null) {
            priorLogprobs = new ArrayList<>(priorLogprobs);
            priorLogprobs.addAll(attemptLogprobs);
        }
        attemptChunks = 0;
        attemptText = null;
        attemptThinking = null;
        attemptLogprobs = null;
        if (delivered > 0) {
            String obstacle = settings.streamFailover() == StreamFailover.FAIL
                    ? "the router ends a stream that breaks off (streamFailover FAIL)"
                    : Continuation.obstacle(request, toolCallBegun);
            if (!obstacle.isEmpty()) {
                route.ended(lease, error, fromAttempt);
                throw incomplete(error, obstacle);
            }
        }
        try {
            route.failed(lease, error, fromAttempt);
            open();
        } catch (LocalLlmException terminal) {
            if (delivered > 0) {
                throw incomplete(terminal, "no other target could continue it");
            }
            throw terminal;
        }
    }

    private IncompleteAnswerException incomplete(LocalLlmException cause, String why) {
        return new IncompleteAnswerException("the answer of router '" + router.name() + "' broke off after "
                + delivered + " chunks (" + cause.getMessage() + ") and was not continued: " + why
                + ". The stream ends here so that a cut answer is not taken for a whole one; ask again, or let"
                + " the router continue answers on another target (streamFailover(CONTINUE_AS_PREFIX))",
                priorText.toString(), delivered, route.attempts(), cause);
    }

    /** The target's answer ended normally. */
    private void complete(GenerationResult answer) {
        disarmWatchdog();
        long ttft = attemptChunks > 0 ? attemptFirstNanos - lease.startNanos : -1;
        RoutingDecision decision = route.answered(lease, answer.model(), attemptChunks, ttft,
                answer.metrics().generationTokensPerSecond(), ttft, answer.usage());
        GenerationResult whole = priorChunks == 0 ? answer : joined(answer);
        result = whole.toBuilder().routing(decision).build();
        ended = true;
    }

    /** @return an answer continued from earlier attempts: their text first */
    private GenerationResult joined(GenerationResult last) {
        Usage usage = new Usage(last.usage().promptTokens(), last.usage().completionTokens() + priorChunks);
        List<TokenLogprob> logprobs = new ArrayList<>(priorLogprobs);
        logprobs.addAll(last.logprobs());
        return last.toBuilder()
                .text(priorText + last.text())
                .thinking(priorThinking + last.thinking())
                .logprobs(logprobs)
                .usage(usage)
                .metrics(GenerationMetrics.measure(last.metrics().loadTime(), route.startNanos(), firstChunkNanos,
                        System.nanoTime(), usage))
                .build();
    }

    /** Ends a stream its caller closed: the answer so far, cancelled. The consumer lock is held. */
    private void finishClosed() {
        if (ended) {
            return;
        }
        ended = true;
        disarmWatchdog();
        String text = priorText.toString() + (attemptText == null ? "" : attemptText);
        Usage usage = new Usage(0, delivered);
        String model = router.modelName(lease.target);
        RoutingDecision decision = route.cancelled(lease, model, attemptChunks,
                attemptChunks > 0 ? attemptFirstNanos - lease.startNanos : -1);
        List<TokenLogprob> logprobs = new ArrayList<>(priorLogprobs);
        if (attemptLogprobs != null) {
            logprobs.addAll(attemptLogprobs);
        }
        result = GenerationResult.builder().text(text)
                .thinking(priorThinking.toString() + (attemptThinking == null ? "" : attemptThinking))
                .logprobs(logprobs).finishReason(FinishReason.CANCELLED).usage(usage)
                .metrics(GenerationMetrics.measure(Duration.ZERO, route.startNanos(), firstChunkNanos,
                        System.nanoTime(), usage))
                .model(model).routing(decision).build();
    }

    /** Runs {@code step} as the consumer; a final failure is kept and reported once. */
    private GenerationChunk consume(boolean drain) {
        consumer.lock();
        try {
            if (!ended) {
                try {
                    GenerationChunk chunk;
                    do {
                        chunk = advance();
                        if (chunk == null && !ended) {
                            finishClosed();
                        }
                    } while (drain && chunk != null);
                    if (chunk != null) {
                        return chunk;
                    }
                } catch (LocalLlmException e) {
                    if (!ended) {
                        ended = true;
                        failure = e;
                        disarmWatchdog();
                        router.failed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
            return null;
        } finally {
            consumer.unlock();
            if (closed) {
                finishIfIdle();
            }
        }
    }

    private void finishIfIdle() {
        if (consumer.tryLock()) {
            try {
                finishClosed();
            } finally {
                consumer.unlock();
            }
        }
    }

    @Override
    public Iterator<GenerationChunk> iterator() {
        synchronized (this) {
            if (iterated) {
                throw new IllegalStateException("a generation stream can be iterated once");
            }
            iterated = true;
        }
        return new Iterator<>() {
            private GenerationChunk next;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next != null) {
                    return true;
                }
                if (done) {
                    return false;
                }
                next = consume(false);
                done = next == null;
                return !done;
            }

            @Override
            public GenerationChunk next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                GenerationChunk chunk = next;
                next = null;
                return chunk;
            }
        };
    }

    @Override
    public GenerationResult result() {
        consume(true);
        consumer.lock();
        try {
            if (failure != null) {
                throw failure;
            }
            return result;
        } finally {
            consumer.unlock();
        }
    }

    @Override
    public void close() {
        GenerationStream stream;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stream = current;
        }
        route.cancel();
        if (stream != null) {
            stream.close();
        }
        finishIfIdle();
    }
}
