package io.github.localllm.backend.llamaserver.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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

    /** @return the status of {@code GET /health}, or {@link #NO_ANSWER} */
    static int health(int port) throws InterruptedException {
        return status(port, "/health", null);
    }

    /** @return whether the server on {@code port} takes {@code key}, and only it */
    static boolean isOurs(int port, String key) throws InterruptedException {
        return status(port, "/props", key) == 200 && status(port, "/props", null) == 401;
    }

    private static int status(int port, String path, String key) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(ASK_TIMEOUT).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return NO_ANSWER;
        }
    }
}
