package io.github.localllm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FakeRangeServerTest {
    private static final byte[] FILE = "GGUF0123456789abcdefghijklmnopqrstuvwxyz".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static HttpResponse<byte[]> get(URI uri, String range) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        if (range != null) {
            b.header("Range", range);
        }
        try {
            return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Test
    void answersRangesWith206AndContentRange() {
        try (FakeRangeServer server = FakeRangeServer.builder().file("/model.gguf", FILE).start()) {
            HttpResponse<byte[]> first = get(server.uri("/model.gguf"), "bytes=0-3");
            HttpResponse<byte[]> open = get(server.uri("/model.gguf"), "bytes=36-");
            HttpResponse<byte[]> suffix = get(server.uri("/model.gguf"), "bytes=-4");
            HttpResponse<byte[]> clipped = get(server.uri("/model.gguf"), "bytes=38-1000");
            HttpResponse<byte[]> whole = get(server.uri("/model.gguf"), null);

            assertThat(first.statusCode()).isEqualTo(206);
            assertThat(text(first)).isEqualTo("GGUF");
            assertThat(first.headers().firstValue("Content-Range")).contains("bytes 0-3/40");
            assertThat(first.headers().firstValue("Content-Length")).contains("4");
            assertThat(first.headers().firstValue("Accept-Ranges")).contains("bytes");
            assertThat(text(open)).isEqualTo("wxyz");
            assertThat(open.headers().firstValue("Content-Range")).contains("bytes 36-39/40");
            assertThat(text(suffix)).isEqualTo("wxyz");
            assertThat(clipped.headers().firstValue("Content-Range")).contains("bytes 38-39/40");
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(whole.body()).isEqualTo(FILE);
            assertThat(whole.headers().firstValue("Accept-Ranges")).contains("bytes");
            assertThat(server.requests()).extracting(r -> r.header("Range").orElse("none"))
                    .containsExactly("bytes=0-3", "bytes=36-", "bytes=-4", "bytes=38-1000", "none");
        }
    }

    @Test
    void answersARangePastTheEndWith416AndHeadWithTheLengthOnly() {
        try (FakeRangeServer server = FakeRangeServer.builder().file("/model.gguf", FILE).start()) {
            HttpResponse<byte[]> past = get(server.uri("/model.gguf"), "bytes=40-50");
            Raw.Response head = Raw.exchange(server.uri("/model.gguf"), "HEAD", null);
            HttpResponse<byte[]> missing = get(server.uri("/other.gguf"), null);

            assertThat(past.statusCode()).isEqualTo(416);
            assertThat(past.headers().firstValue("Content-Range")).contains("bytes */40");
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.headers()).containsEntry("content-length", "40").containsEntry("accept-ranges", "bytes");
            assertThat(head.payload()).isEmpty();
            assertThat(missing.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void redirectsToASecondServerWithHubHeadersLikeHuggingFace() {
        try (FakeRangeServer cdn = FakeRangeServer.builder().file("/blob", FILE).header("/blob", "ETag", "\"abc\"").start();
                FakeRangeServer hub = FakeRangeServer.builder()
                        .redirect("/org/repo/resolve/main/model.gguf", cdn.uri("/blob"))
                        .header("/org/repo/resolve/main/model.gguf", "X-Linked-Size", "40")
                        .header("/org/repo/resolve/main/model.gguf", "X-Repo-Commit", "9217f5db79a29953eb74d5343926648285ec7e67").start()) {
            URI resolve = hub.uri("/org/repo/resolve/main/model.gguf");
            HttpResponse<byte[]> redirect = get(resolve, null);
            HttpResponse<byte[]> followed;
            try {
                followed = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                        .send(HttpRequest.newBuilder(resolve).header("Range", "bytes=0-3").build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (Exception e) {
                throw new AssertionError(e);
            }

            assertThat(redirect.statusCode()).isEqualTo(302);
            assertThat(redirect.headers().firstValue("Location")).contains(cdn.uri("/blob").toString());
            assertThat(redirect.headers().firstValue("X-Linked-Size")).contains("40");
            assertThat(redirect.headers().firstValue("X-Repo-Commit")).contains("9217f5db79a29953eb74d5343926648285ec7e67");
            assertThat(followed.statusCode()).isEqualTo(206);
            assertThat(text(followed)).isEqualTo("GGUF");
            assertThat(followed.headers().firstValue("ETag")).contains("\"abc\"");
        }
    }

    @Test
    void servesAFileReadingOnlyTheAskedRange(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.gguf");
        byte[] content = new byte[1 << 20];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31);
        }
        Files.write(file, content);
        try (FakeRangeServer server = FakeRangeServer.builder().file("/big.gguf", file).start()) {
            HttpResponse<byte[]> tail = get(server.uri("/big.gguf"), "bytes=1048000-1048575");

            assertThat(tail.statusCode()).isEqualTo(206);
            assertThat(tail.body()).isEqualTo(java.util.Arrays.copyOfRange(content, 1048000, 1048576));
        }
    }

    @Test
    void faultsIgnoreTheRangeOrCutTheBodyShort() {
        try (FakeRangeServer server = FakeRangeServer.builder().file("/model.gguf", FILE).start()) {
            server.injectNext(1, Fault.ignoreRange());
            HttpResponse<byte[]> ignored = get(server.uri("/model.gguf"), "bytes=0-3");
            server.injectNext(1, Fault.truncateAfter(1));
            Raw.Response cut = Raw.get(server.uri("/model.gguf"));
            server.injectNext(1, Fault.truncateAfter(1));

            assertThat(ignored.statusCode()).isEqualTo(200);
            assertThat(ignored.body()).isEqualTo(FILE);
            assertThat(cut.headers()).containsEntry("content-length", "40");
            assertThat(cut.payload()).hasSize(20);
            assertThatThrownBy(() -> get(server.uri("/model.gguf"), "bytes=0-9")).isInstanceOf(UncheckedIOException.class);
            assertThat(get(server.uri("/model.gguf"), "bytes=0-9").statusCode()).isEqualTo(206);
        }
    }
}
