package io.github.localllm.backend.llamacpp;

import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaOutput;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationMetrics;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.GenerationTimeoutException;
import io.github.localllm.Usage;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One running completion task in llama.cpp's server loop.
 *
 * <p>{@link #close()} may come from any thread. The binding's cancel removes the task
 * from the result queue, so cancelling while another thread waits for that task's next
 * token would leave the waiter blocked forever. Therefore close only flags the stream
 * while a wait is in progress, and the waiting thread cancels once its token arrives;
 * a stream nobody is reading is cancelled at once.
 *
 * <p>The request's timeout is checked the same way, on the reading thread: before each wait for a
 * token and when each token arrives. A wait that has begun cannot be cut short, so a timeout shows
 * when the next token comes (milliseconds apart once generation runs; a long prompt's evaluation
 * before the first token is the one long wait).
 */
final class LlamaCppStream implements GenerationStream {
    private final LlamaCppModel model;
    private final LlamaIterator natives;
    private final StopSequenceFilter stops;
    /** The answer is JSON sampled under a grammar, which can only end where the JSON is complete. */
    private final boolean jsonAnswer;
    private final int promptTokens;
    private final int tokenLimit;
    private final long startNanos;
    /** The request's timeout, or {@code null} for none. */
    private final Duration timeout;
    /** The timeout in nanoseconds; {@link Long#MAX_VALUE} for none (or one too long to count in nanoseconds). */
    private final long timeoutNanos;
    private final StringBuilder text = new StringBuilder();
    /** One thread at a time waits on the native task; result() and an iterator may race. */
    private final ReentrantLock reader = new ReentrantLock();

    private long firstTokenNanos;
    private int completionTokens;
    private boolean lastOutputEmpty;
    private int chunkIndex;
    private boolean iteratorTaken;
    private boolean receiving;
    private boolean closeRequested;
    private boolean nativeDone;
    private GenerationResult result;
    private RuntimeException failure;

    LlamaCppStream(LlamaCppModel model, LlamaIterator natives, StopSequenceFilter stops, boolean jsonAnswer,
                   int promptTokens, int tokenLimit, long startNanos, Duration timeout) {
        this.model = model;
        this.natives = natives;
        this.stops = stops;
        this.jsonAnswer = jsonAnswer;
        this.promptTokens = promptTokens;
        this.tokenLimit = tokenLimit;
        this.startNanos = startNanos;
        this.timeout = timeout;
        long nanos = Long.MAX_VALUE;
        if (timeout != null && timeout.compareTo(Duration.ofNanos(Long.MAX_VALUE)) < 0) {
            nanos = timeout.toNanos();
        }
        this.timeoutNanos = nanos;
    }

    @Override
    public synchronized Iterator<GenerationChunk> iterator() {
        if (iteratorTaken) {
            throw new IllegalStateException("a generation stream can be iterated once; use result() for the text");
        }
        iteratorTaken = true;
        return new Iterator<>() {
            private GenerationChunk next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    next = advance();
                }
                return next != null;
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

    /** @return the next chunk with text, or {@code null} at the end */
    private GenerationChunk advance() {
        reader.lock();
        try {
            return advanceLocked();
        } finally {
            reader.unlock();
        }
    }

    private GenerationChunk advanceLocked() {
        while (true) {
            synchronized (this) {
                if (failure != null) {
                    throw failure;
                }
                if (result != null) {
                    return null;
                }
                if (closeRequested) {
                    finish(FinishReason.CANCELLED, true);
                    return null;
                }
                if (timedOut()) {
                    throw timeOut();
                }
                receiving = true;
            }
            LlamaOutput output = null;
            RuntimeException error = null;
            try {
                output = natives.hasNext() ? natives.next() : null;
            } catch (RuntimeException e) {
                error = e;
            }
            synchronized (this) {
                receiving = false;
                if (error != null) {
                    nativeDone = true;
                    failure = NativeFailures.duringGeneration(error);
                    finish(FinishReason.ERROR, false);
                    throw failure;
                }
                if (timedOut() && !closeRequested) {
                    if (output == null) {
                        nativeDone = true;
                    }
                    throw timeOut();
                }
                if (output == null) {
                    nativeDone = true;
                    GenerationChunk last = chunk(stops.flush());
                    finish(endedByLimit() ? FinishReason.LENGTH : FinishReason.STOP, false);
                    return last;
                }
                // b4916 sends one output per sampled token, empty for end-of-text and for control
                // tokens, and none for a token that ends inside a multi-byte character (its bytes wait
                // for the token that completes it); the task then ends with one more empty output that
                // is not a token (measured; StructuredOutputFailuresTest keeps it so).
                if (natives.hasNext()) {
                    completionTokens++;
                    lastOutputEmpty = output.text.isEmpty();
                    if (firstTokenNanos == 0) {
                        firstTokenNanos = System.nanoTime();
                    }
                }
                GenerationChunk piece = chunk(stops.accept(output.text));
                if (stops.matched()) {
                    finish(FinishReason.STOP, true);
                } else if (closeRequested) {
                    finish(FinishReason.CANCELLED, true);
                }
                if (piece != null || result != null) {
                    return piece;
                }
            }
        }
    }

    private boolean timedOut() {
        return System.nanoTime() - startNanos > timeoutNanos;
    }

    /** Ends the generation as timed out; the caller throws what this returns. */
    private GenerationTimeoutException timeOut() {
        GenerationTimeoutException e = new GenerationTimeoutException(model.info().name() + " did not finish within "
                + timeout + " (" + completionTokens + " tokens so far); the generation was stopped. Raise the"
                + " request's timeout, lower maxTokens, or use a smaller model");
        failure = e;
        finish(FinishReason.CANCELLED, true);
        return e;
    }

    /** Appends text to the answer; @return its chunk, or {@code null} for no text. */
    private GenerationChunk chunk(String piece) {
        if (piece.isEmpty()) {
            return null;
        }
        text.append(piece);
        return new GenerationChunk(piece, chunkIndex++);
    }

    private void finish(FinishReason reason, boolean cancelNative) {
        if (cancelNative && !nativeDone) {
            natives.cancel();
            nativeDone = true;
        }
        long end = System.nanoTime();
        Usage usage = new Usage(promptTokens, tokensSampled(reason));
        result = new GenerationResult(text.toString(), reason, usage,
                GenerationMetrics.measure(model.info().loadTime(), startNanos, firstTokenNanos, end, usage),
                model.info().name());
        model.streamEnded(this);
    }

    /**
     * The binding does not say why the task ended. For a JSON answer the grammar mostly settles it:
     * it lets the model end only where the JSON is complete (a top-level number excepted, which could
     * have had more digits). Otherwise only end-of-text ends a task early,
     * and it leaves an empty last output; a task that ends on text, or after as many outputs as the
     * limit, was stopped by the limit. An empty last output can also be a control token (b4916
     * writes them as nothing) that used the last token the limit allowed, and tokens of a split
     * character send no output at all, so non-ASCII text is counted again to catch that case.
     */
    private boolean endedByLimit() {
        if (jsonAnswer) {
            CompleteJson.State json = CompleteJson.of(text);
            if (json != CompleteJson.State.OPEN) {
                return json == CompleteJson.State.CUT;
            }
        }
        if (completionTokens >= tokenLimit || !lastOutputEmpty) {
            return true;
        }
        return hidesTokens() && tokensOfText() + 1 >= tokenLimit;
    }

    private boolean hidesTokens() {
        return text.chars().anyMatch(c -> c >= 0x80);
    }

    private int tokensOfText() {
        try {
            return model.tokenize(text.toString()).length;
        } catch (RuntimeException e) {
            return completionTokens; // the model is closing; the count from the outputs is close
        }
    }

    /**
     * Outputs undercount tokens wherever a character took several; the limit says how many a cut-off
     * answer took, and otherwise the text is counted again (only non-ASCII text can hide tokens).
     */
    private int tokensSampled(FinishReason reason) {
        if (reason == FinishReason.LENGTH) {
            return tokenLimit;
        }
        if (reason == FinishReason.STOP && hidesTokens()) {
            // An end-of-text token is one more than the text holds.
            return Math.max(completionTokens, tokensOfText() + (stops.matched() ? 0 : 1));
        }
        return completionTokens;
    }

    @Override
    public GenerationResult result() {
        while (advance() != null) {
            // Drain: the text accumulates inside the stream.
        }
        synchronized (this) {
            return result;
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (result != null || closeRequested) {
                return;
            }
            closeRequested = true;
            if (receiving) {
                return;
            }
            finish(FinishReason.CANCELLED, true);
        }
    }
}
