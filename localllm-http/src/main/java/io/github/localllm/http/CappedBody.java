package io.github.localllm.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body up to a cap, then cancels the transfer, so a server that ignores the
 * Range header cannot make the client download a whole multi-gigabyte model into memory.
 */
final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int cap;
    private final boolean failOverCap;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    /**
     * @param cap the most bytes kept
     * @param failOverCap whether more bytes than the cap is an error (a range answer) or just the
     *        end of what is worth reading (an error page)
     */
    CappedBody(int cap, boolean failOverCap) {
        this.cap = cap;
        this.failOverCap = failOverCap;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : items) {
            int room = cap - out.size();
            int n = Math.min(room, b.remaining());
            byte[] bytes = new byte[n];
            b.get(bytes);
            out.write(bytes, 0, n);
            if (b.hasRemaining()) {
                subscription.cancel();
                if (failOverCap) {
                    result.completeExceptionally(new IOException("the server sent more than the "
                            + cap + " bytes asked for"));
                } else {
                    result.complete(out.toByteArray());
                }
                return;
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(out.toByteArray());
    }
}
