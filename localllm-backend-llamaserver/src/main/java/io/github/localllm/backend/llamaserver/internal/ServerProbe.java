package io.github.localllm.backend.llamaserver.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks a starting server whether it is ready ({@code GET /health}: 503 while loading, 200 when ready)
 * and whether it is the server this SDK started: {@code GET /props} answers 200 to its key only,
 * and 401 without it. Another program that took the port first would fail that check.
 */
final class ServerProbe {
    /** Status for "nothing answered". */
    static final int NO_ANSWER = -1;
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(2);
    private static final HttpClient CLIENT = client();

    private ServerProbe() {
    }

    private static HttpClient client() {
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "llama-server-probe");
            t.setDaemon(true);
            return t;
        });
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(ASK_TIMEOUT)
                .executor(executor).build();
    }

    /**
     * @param exit completes when the server's process ends: the question is given up then, as an
     *     answer may never come (another program may hold the port without answering)
     * @return the status of {@code GET /health}, or {@link #NO_ANSWER}
     */
    static int health(int port, CompletableFuture<?> exit) throws InterruptedException {
        CompletableFuture<HttpResponse<Void>> answer = CLIENT.sendAsync(request(port, "/health", null),
                HttpResponse.BodyHandlers.discarding());
        try {
            CompletableFuture.anyOf(answer, exit).get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // no answer: reported below
        } finally {
            answer.cancel(true);
        }
        return answer.isDone() && !answer.isCompletedExceptionally() ? answer.join().statusCode() : NO_ANSWER;
    }

    /** @return whether the server on {@code port} takes {@code key}, and only it */
    static boolean isOurs(int port, String key) throws InterruptedException {
        return status(port, "/props", key) == 200 && status(port, "/props", null) == 401;
    }

    private static HttpRequest request(int port, String path, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(ASK_TIMEOUT).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return request.build();
    }

    private static int status(int port, String path, String key) throws InterruptedException {
        try {
            return CLIENT.send(request(port, path, key), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return NO_ANSWER;
        }
    }
}
