package io.github.localllm.spi;

import io.github.localllm.FinishReason;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationMetrics;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.GenerationTimeoutException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ToolCall;
import io.github.localllm.ToolCallPiece;
import io.github.localllm.TokenLogprob;
import io.github.localllm.Usage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link GenerationStream} of an engine that is pushed its answer: an SSE or NDJSON reader
 * on its own thread calls {@link #text}, {@link #thinking} and {@link #toolCall} as pieces
 * arrive, then {@link #finish} or {@link #fail}. The feed keeps the stream's contract so no
 * engine re-implements it:
 * <ul>
 * <li>iteration in order, once; {@code result()} drains what was not iterated;</li>
 * <li>{@code close()} from any thread, at any time, runs the engine's cancel action once and makes
 *     every later push return {@code false}, so the reader stops; the result is then
 *     {@link FinishReason#CANCELLED} with the text so far;</li>
 * <li>the text, thinking and tool calls of the result are joined here from the pieces, and the
 *     time to first token and rates measured here unless the engine has the server's own;</li>
 * <li>a failure is thrown to the consumer after the chunks that came before it;</li>
 * <li>the request's timeout ends the wait with {@link GenerationTimeoutException}, cancelling the engine;
 *     an answer that ends after the timeout, while nobody waited, fails the same way;</li>
 * <li>a bounded buffer: a reader faster than its consumer waits instead of filling memory.</li>
 * </ul>
 *
 * <p><b>Pull mode.</b> An engine may instead give the feed a {@link Step} ({@link Builder#pull}): the
 * consumer's own thread then runs it whenever it needs a chunk and none is buffered, and the step
 * reads one or more lines of the answer and pushes them here. No reader thread, no hand-over between
 * threads per token. The promises above still hold: {@code close()} from another thread runs the
 * cancel action, which must unblock a step blocked in a read (closing the HTTP answer does); the
 * request's timeout is run at its deadline by one shared daemon timer thread, which ends the feed
 * with {@link GenerationTimeoutException} and runs the cancel action while the consumer may be
 * blocked in the step; an exception thrown by a step fails the feed after the chunks before it.
 * Only the consumer's thread runs steps, one at a time, so a step needs no locking of its own
 * against itself; pushes never wait for room, as the consumer is the one pushing. Pushes of a pulled
 * feed come from its step only: they go straight to the consumer, without a lock or a write that
 * other threads must see, which is what a token costs here.
 *
 * <pre>{@code
 * ChunkFeed feed = ChunkFeed.builder(model).timeout(request.timeout()).onCancel(http::close).build();
 * readerThread(() -> { for (line : lines) if (!feed.text(line.content())) return; feed.finish(STOP, usage); });
 * return feed.stream();
 * }</pre>
 * Pulled:
 * <pre>{@code
 * ChunkFeed feed = ChunkFeed.builder(model).timeout(request.timeout()).onCancel(answer::close)
 *         .pull(f -> { Line l = lines.next(); if (l.done) { f.finish(STOP, usage); return false; }
 *                      return f.text(l.content()); })
 *         .build();
 * return feed.stream();
 * }</pre>
 */
public final class ChunkFeed {
    private static final Object END = new Object();

    private final String model;
    private final Duration loadTime;
    private final Runnable onCancel;
    private final int capacity;
    private final long deadlineNanos;
    private final Duration timeout;
    private final long startNanos;
    private final Step step;
    /** The pending timeout of a pulled feed, cancelled when the answer ends first; {@code null} if none. */
    private final ScheduledFuture<?> deadline;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    /**
     * The consumer's side: it takes everything queued in one turn of the lock and reads from here
     * without it, so a fast reader and its consumer do not meet on the lock once per token.
     */
    private final ArrayDeque<Object> ready = new ArrayDeque<>();
    private final ReentrantLock consumer = new ReentrantLock();
    /** Written under the lock; read without it, as a push of a pulled feed asks only this. */
    private volatile boolean ended;
    /** Cancelled or timed out: what the consumer has not taken yet is dropped. Written under the lock. */
    private volatile boolean stopped;
    /** Whether the end was a cancel, whose result a pulled feed builds when it is asked for. Under the lock. */
    private boolean cancelled;
    private boolean consumerWaiting;
    private boolean producerWaiting;
    private final TextJoin text = new TextJoin();
    private final List<TokenLogprob> logprobs = new ArrayList<>();
    private final TextJoin thinking = new TextJoin();
    private final List<ToolCallBuilder> calls = new ArrayList<>();
    private int index;
    private int pieces;
    private long firstNanos;
    private boolean iterated;
    private GenerationResult result;
    private LocalLlmException failure;
    private final GenerationStream stream = new FeedStream();

    private ChunkFeed(Builder b) {
        this.model = b.model;
        this.loadTime = b.loadTime;
        this.onCancel = b.onCancel;
        this.capacity = b.capacity;
        this.timeout = b.timeout;
        this.startNanos = System.nanoTime();
        this.deadlineNanos = b.timeout == null ? 0 : startNanos + b.timeout.toNanos();
        this.step = b.step;
        // Last: the timer may run expire() at once, and must see every field above.
        this.deadline = step != null && timeout != null ? Deadlines.at(deadlineNanos - System.nanoTime(), this::expire)
                : null;
    }

    /**
     * Reads the next part of a pulled answer on the consumer's thread; see {@link Builder#pull}.
     */
    @FunctionalInterface
    public interface Step {
        /**
         * Reads at least one line of the answer (it may block) and pushes what it holds into
         * {@code feed}: pieces, then {@link ChunkFeed#finish} or {@link ChunkFeed#fail} at the end.
         * An exception thrown here fails the feed ({@link LocalLlmException}s as they are, others
         * wrapped), unless it already ended, as it has when the consumer closed it or time ran out.
         *
         * @param feed the feed to push into
         * @return {@code false} when there is nothing more to read: the answer ended, or a push
         *         returned {@code false}; a feed not ended by then fails as an incomplete answer
         */
        boolean advance(ChunkFeed feed);
    }

    /** @param model the model answering, for the result @return a builder */
    public static Builder builder(String model) {
        return new Builder(model);
    }

    /** @return the stream to hand to the caller */
    public GenerationStream stream() {
        return stream;
    }

    /** @param piece answer text @return {@code false} once the consumer closed the stream: stop reading */
    public boolean text(String piece) {
        return push(piece, null, null, List.of());
    }

    /**
     * @param piece answer text, possibly empty when its tokens do not yet make a whole character
     * @param logprobs the log probabilities of the tokens of {@code piece}
     * @return {@code false} once the consumer closed the stream: stop reading
     */
    public boolean text(String piece, List<TokenLogprob> logprobs) {
        return push(piece, null, null, logprobs);
    }

    /** @param piece reasoning text @return {@code false} once the consumer closed the stream: stop reading */
    public boolean thinking(String piece) {
        return push(null, piece, null, List.of());
    }

    /** @param piece part of a tool call @return {@code false} once the consumer closed the stream: stop reading */
    public boolean toolCall(ToolCallPiece piece) {
        return push(null, null, Objects.requireNonNull(piece, "piece"), List.of());
    }

    /** @return whether the consumer closed the stream, or it ended */
    public boolean isClosed() {
        return ended;
    }

    private boolean push(String t, String th, ToolCallPiece call, List<TokenLogprob> lp) {
        if ((t == null || t.isEmpty()) && (th == null || th.isEmpty()) && call == null && lp.isEmpty()) {
            return !ended;
        }
        if (step != null) {
            // A pulled feed's step runs on the consumer's thread, which owns what is joined and taken.
            if (ended) {
                return false;
            }
            ready.add(chunk(t, th, call, lp));
            return true;
        }
        lock.lock();
        try {
            while (!ended && step == null && queue.size() >= capacity) {
                producerWaiting = true;
                changed.awaitUninterruptibly();
                producerWaiting = false;
            }
            if (ended) {
                return false;
            }
            queue.add(chunk(t, th, call, lp));
            if (consumerWaiting) {
                changed.signalAll();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Joins a piece into the answer so far; @return its chunk */
    private GenerationChunk chunk(String t, String th, ToolCallPiece call, List<TokenLogprob> lp) {
        if (firstNanos == 0) {
            firstNanos = System.nanoTime();
        }
        if (call != null) {
            join(call);
            return GenerationChunk.toolCall(call, index++);
        }
        if (th != null) {
            thinking.append(th);
            return GenerationChunk.thinking(th, index++);
        }
        text.append(t);
        pieces++;
        if (lp.isEmpty()) {
            return new GenerationChunk(t, index++);
        }
        logprobs.addAll(lp);
        return new GenerationChunk(t, index++, lp);
    }

    private void join(ToolCallPiece piece) {
        while (calls.size() <= piece.position()) {
            calls.add(new ToolCallBuilder());
        }
        ToolCallBuilder b = calls.get(piece.position());
        if (piece.id() != null && !piece.id().isEmpty()) {
            b.id = piece.id();
        }
        if (piece.name() != null && !piece.name().isEmpty()) {
            b.name = piece.name();
        }
        b.arguments.append(piece.arguments());
    }

    /**
     * Ends the stream normally.
     *
     * @param reason why generation ended
     * @param usage the server's token counts, or {@code null} to count answer pieces
     */
    public void finish(FinishReason reason, Usage usage) {
        finish(reason, usage, null);
    }

    /**
     * Ends the stream normally.
     *
     * @param reason why generation ended
     * @param usage the server's token counts, or {@code null} to count answer pieces
     * @param metrics the server's own timings, or {@code null} to use those measured here
     */
    public void finish(FinishReason reason, Usage usage, GenerationMetrics metrics) {
        Objects.requireNonNull(reason, "reason");
        lock.lock();
        try {
            if (ended) {
                return;
            }
            if (timeout != null && System.nanoTime() - deadlineNanos > 0) {
                // The consumer was not waiting when the time ran out; an answer that came late is still late.
                failure = timeoutException();
                end();
                return;
            }
            FinishReason r = reason == FinishReason.STOP && !calls.isEmpty() ? FinishReason.TOOL_CALLS : reason;
            result = build(r, usage, metrics);
            end();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the stream with a failure, thrown to the consumer after the chunks already pushed.
     *
     * @param error what went wrong
     */
    public void fail(LocalLlmException error) {
        Objects.requireNonNull(error, "error");
        lock.lock();
        try {
            if (ended) {
                return;
            }
            failure = error;
            end();
        } finally {
            lock.unlock();
        }
    }

    private void end() {
        ended = true;
        if (step == null) {
            queue.add(END);
            changed.signalAll();
        }
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    private GenerationResult build(FinishReason reason, Usage usage, GenerationMetrics metrics) {
        Usage u = usage != null ? usage : new Usage(0, pieces);
        List<ToolCall> joined = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            ToolCallBuilder b = calls.get(i);
            if (b.name != null) {
                joined.add(new ToolCall(b.id != null ? b.id : "call_" + i, b.name, b.arguments.toString()));
            }
        }
        GenerationMetrics m = metrics != null ? metrics
                : GenerationMetrics.measure(loadTime, startNanos, firstNanos, System.nanoTime(), u);
        return GenerationResult.builder().text(text.toString()).thinking(thinking.toString()).toolCalls(joined)
                .logprobs(logprobs)
                .finishReason(reason).usage(u).metrics(m).model(model).build();
    }

    /** Cancels if still running; returns whether this call did it. */
    private boolean cancel() {
        lock.lock();
        try {
            if (ended) {
                return false;
            }
            cancelled = true;
            stopped = true;
            if (step == null) {
                result = build(FinishReason.CANCELLED, null, null);
                queue.clear();
            }
            // A pulled feed's answer so far belongs to the consumer's thread, perhaps in a step now:
            // its result is built when the consumer asks (see outcome()).
            end();
        } finally {
            lock.unlock();
        }
        onCancel.run();
        return true;
    }

    /** @return the next chunk or {@link #END}, which stays; the consumer lock is held */
    private Object next() {
        if (stopped) {
            // Closed or timed out: what was taken but not yet read is dropped, as cancel() drops what is queued.
            ready.clear();
            return END;
        }
        if (step != null) {
            return pull();
        }
        if (ready.isEmpty()) {
            lock.lock();
            try {
                awaitQueued();
                ready.addAll(queue);
                queue.clear();
                if (producerWaiting) {
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
        Object next = ready.peek();
        if (next != END) {
            ready.poll();
        }
        return next;
    }

    /** Waits until something is queued; the lock is held. */
    private void awaitQueued() {
        while (queue.isEmpty()) {
            long left = timeout == null ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
            if (left <= 0) {
                timeOut();
            }
            consumerWaiting = true;
            try {
                changed.awaitNanos(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lock.unlock();
                try {
                    cancel();
                } finally {
                    lock.lock();
                }
                throw new LocalLlmException("interrupted while waiting for " + model + "; the generation was cancelled", e);
            } finally {
                consumerWaiting = false;
            }
        }
    }

    /**
     * Runs the step until it has pushed a chunk, on the consumer's thread, which owns {@link #ready}
     * in a pulled feed; no lock per token. @return the next chunk or {@link #END}
     */
    private Object pull() {
        while (ready.isEmpty()) {
            if (ended) {
                return END;
            }
            if (timeout != null && deadlineNanos - System.nanoTime() <= 0) {
                expire();
                return END;
            }
            runStep();
            if (stopped) {
                ready.clear();
                return END;
            }
        }
        return ready.poll();
    }

    private void runStep() {
        boolean more;
        try {
            more = step.advance(this);
        } catch (LocalLlmException e) {
            fail(e);
            return;
        } catch (RuntimeException e) {
            fail(new GenerationException("reading the answer of " + model + " failed (" + e + "); retry the request",
                    e));
            return;
        }
        if (!more && !isClosed()) {
            fail(new GenerationException(model + " stopped answering without ending its answer; the answer is"
                    + " incomplete: retry the request"));
        }
    }

    /**
     * A pulled feed's deadline, run by the timer (while the consumer may be blocked in a step) or by
     * the consumer when it finds the time gone: ends it as timed out and stops the engine.
     */
    private void expire() {
        lock.lock();
        try {
            if (ended) {
                return;
            }
            failure = timeoutException();
            stopped = true;
            end();
        } finally {
            lock.unlock();
        }
        onCancel.run();
    }

    /**
     * @return the outcome once {@link #END} was reached: throws the failure, or gives the result;
     *     the consumer lock is held, so a pulled feed's answer so far may be read here
     */
    private GenerationResult outcome() {
        lock.lock();
        try {
            if (failure != null) {
                throw failure;
            }
            if (result == null && cancelled) {
                result = build(FinishReason.CANCELLED, null, null);
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    private GenerationTimeoutException timeoutException() {
        return new GenerationTimeoutException(model + " did not finish within " + timeout
                + " (" + pieces + " pieces of text so far); the generation was stopped. Raise the request's timeout,"
                + " lower maxTokens, or use a smaller model");
    }

    private void timeOut() {
        GenerationTimeoutException e = timeoutException();
        failure = e;
        ended = true;
        queue.clear();
        queue.add(END);
        changed.signalAll();
        if (deadline != null) {
            deadline.cancel(false);
        }
        lock.unlock();
        try {
            onCancel.run();
        } finally {
            lock.lock();
        }
        throw e;
    }

    private static final class ToolCallBuilder {
        private String id;
        private String name;
        private final StringBuilder arguments = new StringBuilder();
    }

    private final class FeedStream implements GenerationStream {
        @Override
        public Iterator<GenerationChunk> iterator() {
            lock.lock();
            try {
                if (iterated) {
                    throw new IllegalStateException("a generation stream can be iterated once");
                }
                iterated = true;
            } finally {
                lock.unlock();
            }
            return new Iterator<>() {
                private GenerationChunk next;

                @Override
                public boolean hasNext() {
                    if (next != null) {
                        return true;
                    }
                    consumer.lock();
                    try {
                        Object item = ChunkFeed.this.next();
                        if (item == END) {
                            outcome();
                            return false;
                        }
                        next = (GenerationChunk) item;
                        return true;
                    } finally {
                        consumer.unlock();
                    }
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
            consumer.lock();
            try {
                while (ChunkFeed.this.next() != END) {
                    // drain what the caller did not iterate
                }
                return outcome();
            } finally {
                consumer.unlock();
            }
        }

        @Override
        public void close() {
            cancel();
        }
    }

    /** Builds a {@link ChunkFeed}. */
    public static final class Builder {
        private final String model;
        private Duration loadTime = Duration.ZERO;
        private Runnable onCancel = () -> { };
        private int capacity = 1024;
        private Duration timeout;
        private Step step;

        private Builder(String model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /** @param v the model's load time, for the result's metrics @return this */
        public Builder loadTime(Duration v) {
            loadTime = Objects.requireNonNull(v, "loadTime");
            return this;
        }

        /**
         * @param v what stops the engine when the consumer closes the stream or its time runs out,
         *        e.g. closing the HTTP response; run once, on the closing thread
         * @return this
         */
        public Builder onCancel(Runnable v) {
            onCancel = Objects.requireNonNull(v, "onCancel");
            return this;
        }

        /** @param v chunks held before the reader waits; 1024 by default @return this */
        public Builder capacity(int v) {
            if (v <= 0) {
                throw new IllegalArgumentException("capacity must be positive");
            }
            capacity = v;
            return this;
        }

        /** @param v the whole request's time budget, or {@code null} for none @return this */
        public Builder timeout(Duration v) {
            timeout = v;
            return this;
        }

        /**
         * Makes the feed pulled: the consumer's thread runs {@code v} whenever it wants a chunk and
         * none is buffered, instead of a reader thread pushing. The cancel action must then unblock a
         * step blocked in a read or a send from another thread, as closing the HTTP answer does; the
         * request's timeout runs it from a shared timer thread. The capacity does not apply.
         *
         * @param v reads the next part of the answer into the feed
         * @return this
         */
        public Builder pull(Step v) {
            step = Objects.requireNonNull(v, "step");
            return this;
        }

        /** @return the feed, its clock started */
        public ChunkFeed build() {
            return new ChunkFeed(this);
        }
    }
}
