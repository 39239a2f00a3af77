package io.github.localllm.internal;

import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationStream;
import java.util.Iterator;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link Flow.Publisher} over one {@link GenerationStream}. Chunks are pulled on a
 * daemon thread of its own so that a subscriber's {@code request(n)} never blocks on
 * the engine.
 */
public final class StreamPublisher implements Flow.Publisher<GenerationChunk> {
    private final GenerationStream stream;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    /** @param stream the stream to publish */
    public StreamPublisher(GenerationStream stream) {
        this.stream = stream;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super GenerationChunk> subscriber) {
        if (!subscribed.compareAndSet(false, true)) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            subscriber.onError(new IllegalStateException("a generation stream has one subscriber only"));
            return;
        }
        Pump pump = new Pump(subscriber);
        subscriber.onSubscribe(pump);
        Thread thread = new Thread(pump, "localllm-publisher");
        thread.setDaemon(true);
        thread.start();
    }

    private final class Pump implements Flow.Subscription, Runnable {
        private final Flow.Subscriber<? super GenerationChunk> subscriber;
        private long demand;
        private boolean cancelled;
        private Throwable badRequest;

        Pump(Flow.Subscriber<? super GenerationChunk> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            synchronized (this) {
                if (n > 0) {
                    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                    notifyAll();
                    return;
                }
                if (badRequest == null) {
                    badRequest = new IllegalArgumentException("request(" + n
                            + "): demand must be positive (rule 3.9)");
                }
                notifyAll();
            }
            // The pump may be blocked in the engine waiting for the next token; closing the
            // stream ends that wait so the error is signalled now rather than after the next token.
            stream.close();
        }

        @Override
        public void cancel() {
            synchronized (this) {
                cancelled = true;
                notifyAll();
            }
            stream.close();
        }

        private synchronized boolean awaitDemand() throws InterruptedException {
            while (demand == 0 && !cancelled && badRequest == null) {
                wait();
            }
            if (cancelled || badRequest != null) {
                return false;
            }
            demand--;
            return true;
        }

        @Override
        public void run() {
            try {
                Iterator<GenerationChunk> chunks = stream.iterator();
                while (chunks.hasNext()) {
                    GenerationChunk chunk = chunks.next();
                    if (!awaitDemand()) {
                        break;
                    }
                    subscriber.onNext(chunk);
                }
                Throwable error;
                boolean stop;
                synchronized (this) {
                    error = badRequest;
                    stop = cancelled;
                }
                if (error != null) {
                    stream.close();
                    subscriber.onError(error);
                } else if (!stop) {
                    subscriber.onComplete();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stream.close();
            } catch (RuntimeException e) {
                stream.close();
                subscriber.onError(e);
            }
        }
    }
}
