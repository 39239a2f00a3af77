package io.github.localllm.gguf;

import java.net.http.HttpClient;
import java.time.Duration;

/** One shared client for {@link GgufSource#http(java.net.URI)}: redirects are followed by the source, not by it. */
final class DefaultHttpClient {
    static final HttpClient INSTANCE = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private DefaultHttpClient() {
    }
}
