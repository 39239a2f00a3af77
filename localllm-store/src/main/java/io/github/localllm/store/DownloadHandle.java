package io.github.localllm.store;

import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelDownloadException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A download submitted to a {@link Downloader}: its state and progress, and pause, resume and cancel.
 * Thread-safe.
 */
public final class DownloadHandle {
    private final Downloader downloader;
    private final DownloadRequest request;
    private final CompletableFuture<DownloadResult> result = new CompletableFuture<>();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong total = new AtomicLong(-1);
    private DownloadState state = DownloadState.QUEUED;
    private DownloadTask running;
    private boolean pauseRequested;
    private boolean cancelRequested;

    DownloadHandle(Downloader downloader, DownloadRequest request) {
        this.downloader = downloader;
        this.request = request;
    }

    /** @return what is downloaded */
    public DownloadRequest request() {
        return request;
    }

    /** @return where the download stands */
    public synchronized DownloadState state() {
        return state;
    }

    /** @return bytes on disk so far */
    public long completedBytes() {
        return completed.get();
    }

    /** @return the file's size, or {@code -1} while unknown */
    public long totalBytes() {
        return total.get();
    }

    /**
     * @return the outcome: the verified file, or the failure ({@link io.github.localllm.LocalLlmException}),
     *     or cancelled; it does not complete while the download is paused
     */
    public CompletableFuture<DownloadResult> result() {
        return result;
    }

    /**
     * Waits for the download to end.
     *
     * @return the verified file in place
     * @throws LocalLlmException the download's failure, as thrown
     * @throws CancellationException if it was cancelled
     */
    public DownloadResult await() {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelDownloadException("interrupted while waiting for " + request.name()
                    + "; the download goes on in the background", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LocalLlmException l) {
                throw l;
            }
            throw new ModelDownloadException("the download of " + request.name() + " failed: " + e.getCause(),
                    e.getCause());
        }
    }

    /**
     * Stops fetching; the partial file and its record stay, and {@link #resume()} goes on from them
     * (so does a later download of the same file, in this program or the next). No effect once the
     * download has ended.
     */
    public void pause() {
        DownloadTask task;
        synchronized (this) {
            if (state == DownloadState.QUEUED) {
                state = DownloadState.PAUSED;
                return;
            }
            if (state != DownloadState.RUNNING) {
                return;
            }
            pauseRequested = true;
            task = running;
        }
        if (task != null) {
            task.stop();
        }
    }

    /** Queues a paused download again. No effect in any other state. */
    public void resume() {
        synchronized (this) {
            if (state != DownloadState.PAUSED || pauseRequested && running != null) {
                return;
            }
            pauseRequested = false;
            state = DownloadState.QUEUED;
        }
        downloader.enqueue(this);
    }

    /** Stops the download for good and deletes its partial file and record. No effect once it has ended. */
    public void cancel() {
        DownloadTask task;
        synchronized (this) {
            if (state.isFinal()) {
                return;
            }
            cancelRequested = true;
            task = running;
            if (task == null) {
                state = DownloadState.CANCELLED;
            }
        }
        if (task != null) {
            task.stop();
        } else {
            DownloadTask.deletePartial(request.target());
            result.completeExceptionally(new CancellationException("the download of " + request.name()
                    + " was cancelled"));
        }
    }

    @Override
    public String toString() {
        return "DownloadHandle[" + request.name() + ", " + state() + ", " + completed.get() + "/" + total.get() + "]";
    }

    /** The downloader closed: whoever waits is told, and the partial file stays for a later download. */
    void closed() {
        result.completeExceptionally(new ModelDownloadException("the download of " + request.name() + " stopped "
                + "because its downloader was closed; the partial download is kept, and downloading it again resumes"));
    }

    // --- for the task ---

    synchronized boolean begin(DownloadTask task) {
        if (state != DownloadState.QUEUED) {
            return false;
        }
        state = DownloadState.RUNNING;
        running = task;
        return true;
    }

    synchronized boolean stopRequested() {
        return pauseRequested || cancelRequested;
    }

    synchronized boolean cancelRequested() {
        return cancelRequested;
    }

    synchronized void verifying() {
        if (state == DownloadState.RUNNING) {
            state = DownloadState.VERIFYING;
        }
    }

    void progress(long done, long size) {
        completed.set(done);
        total.set(size);
    }

    void succeeded(DownloadResult r) {
        synchronized (this) {
            running = null;
            state = DownloadState.DONE;
        }
        result.complete(r);
    }

    void failed(LocalLlmException e) {
        synchronized (this) {
            running = null;
            state = DownloadState.FAILED;
        }
        result.completeExceptionally(e);
    }

    /** The task stopped on request: paused (files kept) or cancelled (files deleted by the task). */
    void stopped() {
        boolean cancelled;
        synchronized (this) {
            running = null;
            cancelled = cancelRequested;
            if (cancelled) {
                state = DownloadState.CANCELLED;
            } else {
                state = DownloadState.PAUSED;
                pauseRequested = false;
            }
        }
        if (cancelled) {
            result.completeExceptionally(new CancellationException("the download of " + request.name()
                    + " was cancelled"));
        }
    }
}
