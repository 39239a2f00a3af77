package io.github.localllm.router;

import io.github.localllm.ChatMessage;
import io.github.localllm.ContextOverflowException;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationTimeoutException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelInstance;
import io.github.localllm.RoutingAttempt;
import io.github.localllm.RoutingDecision;
import io.github.localllm.Tokenizer;
import io.github.localllm.Usage;
import io.github.localllm.event.FallbackTriggered;
import io.github.localllm.event.RequestRouted;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One request's way through a router's ranked targets: which to send it to next, what a failure
 * means (retry the same target, move on, or stop), and the record of it all that becomes the
 * {@link RoutingDecision}. Used by one thread at a time: the caller's, or a stream's consumer.
 *
 * <p>The rules: a bad request ({@link InvalidRequestException}) stops at once, it would be bad
 * everywhere; a prompt too long for a target's context ({@link ContextOverflowException}) moves to
 * the targets whose context is larger, or not known; a retryable failure
 * ({@link LocalLlmException#isRetryable()}) is retried on the same target up to the configured
 * number of times, after the wait the target asked for ({@link LocalLlmException#retryAfter()}) or
 * a growing delay; any other failure moves to the next target. Targets whose breaker is open, that
 * are busy or whose context is too small are passed over and recorded as skipped.
 */
final class Route {
    private final Router router;
    private final Settings settings;
    private final Events events;
    private final List<TargetState> order;
    private final String strategy;
    private final String reason;
    private final long startNanos;
    private final long deadlineNanos;
    private final Duration requestTimeout;
    private final RequestMetrics.Operation operation;
    private final boolean streamed;
    private final List<RoutingAttempt> attempts = new ArrayList<>(4);
    /** Counted down when a stream's consumer closes it, to cut a retry's wait short; streams only. */
    private volatile CountDownLatch cancelled;
    private int pos;
    private int retriesHere;
    private int sends;
    /** After a context overflow: the context a target needs, 0 when not known. */
    private int neededContext;
    private boolean overflowed;
    /** The generation request, to count its tokens with a target's tokenizer; null for embeddings. */
    private final GenerationRequest request;
    /** The prompt's size estimated from its characters. */
    private final int estimatedTokens;
    private LocalLlmException lastError;
    private String lastFailed;
    private int lastFailedChunks;

    Route(Router router, List<TargetState> order, String strategy, String reason, Duration requestTimeout,
          RequestMetrics.Operation operation, boolean streamed, GenerationRequest request, int estimatedTokens) {
        this.request = request;
        this.estimatedTokens = estimatedTokens;
        this.operation = operation;
        this.streamed = streamed;
        this.router = router;
        this.settings = router.settings();
        this.events = router.events();
        this.order = order;
        this.strategy = strategy;
        this.reason = reason;
        this.requestTimeout = requestTimeout;
        this.startNanos = System.nanoTime();
        this.deadlineNanos = requestTimeout == null ? 0 : startNanos + requestTimeout.toNanos();
    }

    /** A target a request is being sent to: its slot is held until {@link #release()}. */
    static final class Lease {
        final TargetState target;
        final CircuitBreaker.Permit permit;
        final long startNanos = System.nanoTime();
        private boolean released;

        Lease(TargetState target, CircuitBreaker.Permit permit) {
            this.target = target;
            this.permit = permit;
        }

        /** Frees the slot; idempotent. */
        synchronized void release() {
            if (!released) {
                released = true;
                target.slots.release();
            }
        }

        String name() {
            return target.name();
        }
    }

    /**
     * @return the next target to send to, its slot taken
     * @throws LocalLlmException when no target is left to try, the request's time is up, or a busy
     *         target rejects it
     */
    Lease next() {
        while (true) {
            if (deadlineNanos != 0 && System.nanoTime() - deadlineNanos >= 0) {
                throw new GenerationTimeoutException("no target of router '" + events.router() + "' answered within "
                        + "the request's timeout of " + requestTimeout + "; " + summary()
                        + ". Raise the request's timeout, or look at the failures above");
            }
            if (pos >= order.size()) {
                throw exhausted();
            }
            TargetState t = order.get(pos);
            if (overflowed && t.target.contextSize().isPresent()
                    && t.target.contextSize().getAsInt() < Math.max(neededContext, 1)) {
                skip(t, "its context of " + t.target.contextSize().getAsInt() + " tokens is too small for the prompt"
                        + (neededContext > 0 ? " (" + neededContext + " tokens needed)" : ""));
                continue;
            }
            int counted = tokensIfTooLong(t);
            if (counted > 0) {
                skip(t, "its context of " + t.target.contextSize().getAsInt() + " tokens is too small for the prompt ("
                        + counted + " tokens by its tokenizer)");
                continue;
            }
            CircuitBreaker.Permit permit = t.breaker.tryAcquire();
            if (permit == CircuitBreaker.Permit.DENIED) {
                skip(t, t.breaker.deniedReason());
                continue;
            }
            Slots.Outcome slot = acquire(t);
            if (slot != Slots.Outcome.ACQUIRED) {
                t.breaker.onAbandoned(permit);
                String why = slot == Slots.Outcome.QUEUE_FULL
                        ? "busy: " + t.slots.max() + " running and " + t.slots.maxQueued()
                            + " waiting, its limits"
                        : "busy: no slot came free within " + settings.maxQueueWait();
                if (settings.whenBusy() == WhenBusy.REJECT) {
                    attempts.add(RoutingAttempt.skipped(t.name(), why));
                    throw new TargetBusyException("target '" + t.name() + "' of router '" + events.router() + "' is "
                            + why + "; retry later, raise its maxConcurrent or maxQueued, or let the router move on"
                            + " to the next target (whenBusy(NEXT_TARGET))", t.name());
                }
                skip(t, why);
                continue;
            }
            if (lastFailed != null && events.enabled() && !lastFailed.equals(t.name())) {
                events.publish(new FallbackTriggered(events.now(), events.router(), lastFailed, t.name(), lastError,
                        lastFailedChunks));
            }
            sends++;
            return new Lease(t, permit);
        }
    }

    private Slots.Outcome acquire(TargetState t) {
        long wait = settings.maxQueueWait().toNanos();
        if (deadlineNanos != 0) {
            wait = Math.min(wait, deadlineNanos - System.nanoTime());
        }
        try {
            return t.slots.acquire(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GenerationException("interrupted while waiting for a free slot of target '" + t.name() + "'", e);
        }
    }

    /**
     * Counts the prompt with the target's own tokenizer when the estimate says it may not fit, so that a
     * target whose context is too small is passed over before anything is sent to it.
     *
     * @return the prompt's tokens when they fill the target's context, else 0 (it fits, or cannot be counted)
     */
    private int tokensIfTooLong(TargetState t) {
        if (request == null || overflowed || t.target.contextSize().isEmpty()
                || (long) estimatedTokens * 2 < t.target.contextSize().getAsInt()) {
            return 0;
        }
        try {
            Optional<Tokenizer> tokenizer = Instances.of(t.target.model()).flatMap(ModelInstance::tokenizer);
            if (tokenizer.isEmpty()) {
                return 0;
            }
            int n;
            if (request.prompt() != null) {
                n = tokenizer.get().countTokens(request.prompt());
            } else {
                n = 0;
                for (ChatMessage message : request.messages()) {
                    // A few tokens per message for the chat template's framing.
                    n += tokenizer.get().countTokens(message.content()) + 4;
                }
            }
            return n >= t.target.contextSize().getAsInt() ? n : 0;
        } catch (RuntimeException e) {
            // A tokenizer that fails (its server down) decides nothing: the target is tried as usual.
            return 0;
        }
    }

    private void skip(TargetState t, String why) {
        attempts.add(RoutingAttempt.skipped(t.name(), why));
        pos++;
        retriesHere = 0;
    }

    /**
     * @param request what the caller asked for, or a continuation of it
     * @return the request to send in the attempt just leased: with the attempt's time budget, the
     *         rest of the request's own at most
     */
    GenerationRequest attemptRequest(GenerationRequest request) {
        Duration budget = settings.attemptBudget(sends - 1);
        if (deadlineNanos != 0 && (budget != null || sends > 1)) {
            // The first attempt without a budget of its own keeps the caller's timeout as given; later
            // ones get what is left, in whole milliseconds so that messages stay readable.
            Duration left = Duration.ofMillis(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000));
            budget = budget == null || left.compareTo(budget) < 0 ? left : budget;
        }
        if (budget == null || budget.equals(request.timeout())) {
            return request;
        }
        return request.toBuilder().timeout(budget).build();
    }

    /**
     * Records a failed attempt and decides what comes next: returns to retry or move on (call
     * {@link #next()} again), having waited before a retry; throws when nothing more may be tried.
     *
     * @param lease the attempt
     * @param error what failed
     * @param chunks chunks of it the caller received
     */
    void failed(Lease lease, LocalLlmException error, int chunks) {
        TargetState t = lease.target;
        record(lease, error, chunks);
        if (error instanceof ContextOverflowException overflow) {
            t.breaker.onAbandoned(lease.permit);
            overflowed = true;
            neededContext = Math.max(neededContext, needed(overflow, t));
            pos++;
            retriesHere = 0;
            return;
        }
        if (error instanceof InvalidRequestException) {
            t.breaker.onAbandoned(lease.permit);
            throw error;
        }
        t.breaker.onFailure(lease.permit, error.getMessage());
        if (error.isRetryable() && retriesHere < settings.retries() && waitToRetry(error)) {
            retriesHere++;
            return;
        }
        pos++;
        retriesHere = 0;
    }

    /**
     * Records a failed attempt that ends the request, whatever the rules would say: a stream cut
     * after the caller had part of it, which cannot be continued.
     *
     * @param lease the attempt
     * @param error what failed
     * @param chunks chunks of it the caller received
     */
    void ended(Lease lease, LocalLlmException error, int chunks) {
        record(lease, error, chunks);
        if (error instanceof InvalidRequestException) {
            lease.target.breaker.onAbandoned(lease.permit);
        } else {
            lease.target.breaker.onFailure(lease.permit, error.getMessage());
        }
    }

    private void record(Lease lease, LocalLlmException error, int chunks) {
        lease.release();
        long nanos = System.nanoTime() - lease.startNanos;
        attempts.add(RoutingAttempt.failed(lease.name(), error, Duration.ofNanos(nanos), chunks));
        router.accounting().failed(lease.target, operation, streamed, order.get(0) != lease.target, nanos, error);
        lastError = error;
        lastFailed = lease.name();
        lastFailedChunks = chunks;
    }

    /** @return whether to retry the same target, having waited as long as it asked or the backoff says */
    private boolean waitToRetry(LocalLlmException error) {
        Duration wait;
        if (error.retryAfter().isPresent()) {
            wait = error.retryAfter().get();
            if (wait.compareTo(settings.maxRetryAfter()) > 0) {
                return false;
            }
        } else {
            wait = settings.retryDelay().multipliedBy(1L << Math.min(retriesHere, 20));
        }
        if (deadlineNanos != 0 && System.nanoTime() + wait.toNanos() - deadlineNanos >= 0) {
            return false;
        }
        if (!wait.isZero() && !wait.isNegative()) {
            try {
                if (cancelled == null) {
                    TimeUnit.NANOSECONDS.sleep(wait.toNanos());
                } else if (cancelled.await(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GenerationException("interrupted while waiting " + wait + " to retry target '" + lastFailed
                        + "'", e);
            }
        }
        return true;
    }

    /** The context the next target needs: what the prompt takes, else more than the failed target had. */
    private static int needed(ContextOverflowException e, TargetState t) {
        if (e.promptTokens() > 0) {
            return e.promptTokens();
        }
        if (e.contextSize() > 0) {
            return e.contextSize() + 1;
        }
        return t.target.contextSize().isPresent() ? t.target.contextSize().getAsInt() + 1 : 0;
    }

    /** Lets {@link #cancel()} cut a retry's wait short; called by a stream before its first attempt. */
    void cancellable() {
        cancelled = new CountDownLatch(1);
    }

    /** Cuts a retry's wait short: the stream was closed. */
    void cancel() {
        cancelled.countDown();
    }

    /**
     * Records the answer and makes the decision.
     *
     * @param lease the attempt that answered
     * @param model the model that answered
     * @param chunks chunks it streamed
     * @param ttftNanos its time to first token for the latency averages (the whole time when the
     *        engine did not measure it), or negative when not known
     * @param tokensPerSecond its generation speed, or 0 when not measured
     * @param measuredTtftNanos its measured time to first token, or negative, for the statistics
     * @param usage its tokens as the engine reported them
     * @return the decision, published to listeners
     */
    RoutingDecision answered(Lease lease, String model, int chunks, long ttftNanos, double tokensPerSecond,
                             long measuredTtftNanos, Usage usage) {
        return answered(lease, model, chunks, ttftNanos, tokensPerSecond, measuredTtftNanos, usage.promptTokens(),
                usage.completionTokens(), RequestMetrics.Outcome.ANSWERED);
    }

    private RoutingDecision answered(Lease lease, String model, int chunks, long ttftNanos, double tokensPerSecond,
                                     long measuredTtftNanos, long promptTokens, long outputTokens,
                                     RequestMetrics.Outcome outcome) {
        lease.release();
        TargetState t = lease.target;
        t.breaker.onSuccess(lease.permit);
        t.stats.record(ttftNanos, tokensPerSecond);
        long nanos = System.nanoTime() - lease.startNanos;
        boolean fallback = order.get(0) != t;
        router.accounting().answered(t, model, operation, streamed, fallback, nanos, measuredTtftNanos, promptTokens,
                outputTokens, outcome);
        attempts.add(RoutingAttempt.answered(t.name(), Duration.ofNanos(nanos), chunks));
        RoutingDecision decision = new RoutingDecision(t.name(), model, strategy, reason, attempts, fallback);
        if (events.enabled()) {
            events.publish(new RequestRouted(events.now(), events.router(), decision));
        }
        return decision;
    }

    /**
     * Ends an attempt the caller cancelled: an answer under way says the target works; one not begun
     * says nothing.
     *
     * @param lease the attempt
     * @param model the model
     * @param chunks chunks the caller received from it
     * @param ttftNanos the time to its first chunk, or negative when none came
     * @return the decision
     */
    RoutingDecision cancelled(Lease lease, String model, int chunks, long ttftNanos) {
        if (chunks > 0) {
            // The engine reported no usage: the chunks received stand for the tokens generated.
            return answered(lease, model, chunks, -1, 0, ttftNanos, 0, chunks, RequestMetrics.Outcome.CANCELLED);
        }
        lease.release();
        lease.target.breaker.onAbandoned(lease.permit);
        long nanos = System.nanoTime() - lease.startNanos;
        router.accounting().abandoned(lease.target, operation, streamed, order.get(0) != lease.target, nanos);
        attempts.add(RoutingAttempt.answered(lease.name(), Duration.ofNanos(nanos), 0));
        RoutingDecision decision = new RoutingDecision(lease.name(), model, strategy, reason, attempts,
                order.get(0) != lease.target);
        if (events.enabled()) {
            events.publish(new RequestRouted(events.now(), events.router(), decision));
        }
        return decision;
    }

    /** @return every target tried or passed over so far */
    List<RoutingAttempt> attempts() {
        return List.copyOf(attempts);
    }

    RequestMetrics.Operation operation() {
        return operation;
    }

    boolean streamed() {
        return streamed;
    }

    long startNanos() {
        return startNanos;
    }

    Router router() {
        return router;
    }

    private LocalLlmException exhausted() {
        boolean onlyOverflows = overflowed && attempts.stream().allMatch(a -> a.outcome() == RoutingAttempt.Outcome.SKIPPED
                || a.error().map(e -> e instanceof ContextOverflowException).orElse(false));
        if (onlyOverflows && lastError != null) {
            // The prompt is too long for every target that could take it: that is the caller's to fix.
            return lastError;
        }
        boolean sent = attempts.stream().anyMatch(a -> a.outcome() == RoutingAttempt.Outcome.FAILED);
        String advice = sent ? "check the targets named above, or add another target"
                : "every target was passed over; retry later, or raise the targets' limits";
        return new NoTargetAvailableException("no target of router '" + events.router() + "' answered: " + summary()
                + "; " + advice, attempts, lastError);
    }

    /** @return the attempts so far and the ranking, for messages */
    String summary() {
        StringBuilder b = new StringBuilder();
        for (RoutingAttempt a : attempts) {
            b.append(b.length() == 0 ? "" : "; ").append(a);
        }
        if (b.length() == 0) {
            b.append("nothing was tried");
        }
        return b.append(" [").append(reason).append(']').toString();
    }
}
