package io.github.localllm.schema;

import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.ModelInstance;
import io.github.localllm.StructuredOutputException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An engine's stream whose answer is checked when it ends. Chunks pass through untouched; the
 * verdict comes from {@link #result()}, which the iterator consults once the engine's chunks run
 * out. Only a stream nobody iterated is retried: its chunks were never shown to anyone.
 */
final class SchemaCheckedStream implements GenerationStream {
    private final ModelInstance model;
    private final Attempts attempts;
    /** Guards {@link #current} and {@link #closed}; never held while the engine works, so close() never waits. */
    private final Object lock = new Object();
    private GenerationStream current;
    private boolean closed;
    private volatile boolean iterated;
    /** Guards the verdict, computed once however many threads and calls ask for it. */
    private final Object verdictLock = new Object();
    private GenerationResult result;
    private RuntimeException failure;

    SchemaCheckedStream(ModelInstance model, Attempts attempts, GenerationStream first) {
        this.model = model;
        this.attempts = attempts;
        this.current = first;
    }

    @Override
    public Iterator<GenerationChunk> iterator() {
        GenerationStream stream;
        synchronized (lock) {
            stream = current;
        }
        // The engine's stream enforces iterate-once: a second call throws here.
        Iterator<GenerationChunk> chunks = stream.iterator();
        iterated = true;
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                if (chunks.hasNext()) {
                    return true;
                }
                result();
                return false;
            }

            @Override
            public GenerationChunk next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the stream has ended; result() holds the whole answer");
                }
                return chunks.next();
            }
        };
    }

    /**
     * @return the answer, once it is known to match its schema, or as it is when cancelled or failed
     * @throws StructuredOutputException if the answer does not match, or was cut off by the token limit
     */
    @Override
    public GenerationResult result() {
        synchronized (verdictLock) {
            if (result == null && failure == null) {
                decide();
            }
        }
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    private void decide() {
        GenerationStream stream;
        synchronized (lock) {
            stream = current;
        }
        while (true) {
            GenerationResult answer;
            GenerationResult done;
            try {
                answer = stream.result();
                done = attempts.accept(answer, !iterated);
            } catch (RuntimeException e) {
                failure = attempts.failed(e);
                return;
            }
            if (done != null) {
                result = done;
                return;
            }
            GenerationRequest next = attempts.next();
            // Free the engine's slot before the next attempt asks for one.
            stream.close();
            synchronized (lock) {
                if (closed) {
                    failure = attempts.lastFailure();
                    return;
                }
                try {
                    current = model.stream(next);
                } catch (RuntimeException e) {
                    failure = attempts.failed(e);
                    return;
                }
                stream = current;
            }
        }
    }

    @Override
    public void close() {
        GenerationStream stream;
        synchronized (lock) {
            closed = true;
            stream = current;
        }
        stream.close();
    }
}
