package io.github.localllm.http;

import io.github.localllm.LocalLlmException;
import java.util.Objects;

/**
 * One streamed call sent on the caller's thread that any other thread may cancel at any moment,
 * for engines that read their answers on the consumer's thread (a pulled
 * {@code io.github.localllm.spi.ChunkFeed}). Before the answer has come, {@link #cancel()}
 * interrupts the sending thread, which makes the JDK's client abort the exchange, and only that
 * interrupt is cleared afterwards; once the answer is open, it closes the answer, which ends a read
 * blocked on it. So a close of the stream and the request's timeout apply from the first byte sent,
 * also while a server loads the model or reads the prompt.
 */
public final class CancellableStream {
    private final HttpTransport transport;
    private final HttpCall call;
    /** Guarded by this. */
    private HttpStream answer;
    private boolean cancelled;
    private Thread sending;
    private boolean interrupted;
    private LocalLlmException failureAfterCancel;

    /**
     * @param transport where to send
     * @param call what to send
     */
    public CancellableStream(HttpTransport transport, HttpCall call) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.call = Objects.requireNonNull(call, "call");
    }

    /**
     * Sends the call on this thread and waits for the answer's status.
     *
     * @return the open answer, or {@code null} if {@link #cancel()} came before or during the send
     *         (an answer that came anyway is closed)
     * @throws LocalLlmException if the send failed and nobody cancelled it
     */
    public HttpStream open() {
        synchronized (this) {
            if (cancelled) {
                return null;
            }
            sending = Thread.currentThread();
        }
        HttpStream opened = null;
        LocalLlmException failure = null;
        try {
            opened = transport.stream(call);
        } catch (LocalLlmException e) {
            failure = e;
        }
        boolean abandoned;
        synchronized (this) {
            sending = null;
            if (interrupted) {
                // Only this call's own interrupt is cleared: it must not outlive the request on the caller's thread.
                Thread.interrupted();
            }
            abandoned = cancelled;
            if (abandoned) {
                failureAfterCancel = failure;
            } else {
                answer = opened;
            }
        }
        if (abandoned) {
            if (opened != null) {
                opened.close();
            }
            return null;
        }
        if (failure != null) {
            throw failure;
        }
        return opened;
    }

    /** @return the open answer, or {@code null} before {@link #open()} gave one */
    public synchronized HttpStream answer() {
        return answer;
    }

    /** @return whether {@link #cancel()} was called */
    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /** @return how the send failed when it was cancelled while sending, or {@code null}: a cause for the caller's message */
    public synchronized LocalLlmException failureAfterCancel() {
        return failureAfterCancel;
    }

    /** Stops the call, from any thread: closes the answer, or interrupts the thread still sending. Idempotent. */
    public void cancel() {
        HttpStream open;
        synchronized (this) {
            cancelled = true;
            open = answer;
            if (open == null && sending != null && !interrupted) {
                interrupted = true;
                sending.interrupt();
            }
        }
        if (open != null) {
            open.close();
        }
    }
}
