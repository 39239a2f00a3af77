package io.github.localllm.internal;

import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.LanguageModel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a generation on a daemon thread of its own. A platform thread per request is
 * deliberate: generation blocks in native code for seconds, which would starve the
 * common fork-join pool.
 */
public final class AsyncGeneration extends CompletableFuture<GenerationResult> {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private GenerationStream stream;
    private boolean cancelled;

    private AsyncGeneration() {
    }

    /**
     * @param model the model
     * @param request what to generate
     * @return a future whose cancellation closes the underlying stream
     */
    public static CompletableFuture<GenerationResult> start(LanguageModel model, GenerationRequest request) {
        AsyncGeneration future = new AsyncGeneration();
        Thread thread = new Thread(() -> future.run(model, request),
                "localllm-generate-" + COUNTER.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
        return future;
    }

    private void run(LanguageModel model, GenerationRequest request) {
        try {
            GenerationStream opened = model.stream(request);
            synchronized (this) {
                if (cancelled) {
                    opened.close();
                    return;
                }
                stream = opened;
            }
            GenerationResult result;
            try (opened) {
                result = opened.result();
            }
            // Complete only after close, so that a caller who sees the result knows the engine's slot is free.
            complete(result);
        } catch (Throwable t) {
            completeExceptionally(t);
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        GenerationStream toClose;
        synchronized (this) {
            cancelled = true;
            toClose = stream;
        }
        // Cancel the future before closing the stream: closing releases the worker, whose
        // complete(result) would otherwise win the race and leave the future not cancelled.
        boolean result = super.cancel(mayInterruptIfRunning);
        if (toClose != null) {
            toClose.close();
        }
        return result;
    }
}
