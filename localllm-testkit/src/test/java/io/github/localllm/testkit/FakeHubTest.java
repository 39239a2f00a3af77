package io.github.localllm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeHubTest {
    private static final String REPO = "acme/Tiny-GGUF";
    private static final byte[] FILE = "GGUF0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private FakeHub hub;

    @BeforeEach
    void start() {
        hub = FakeHub.builder().file(REPO, "tiny-Q8_0.gguf", FILE).file(REPO, "sub/dir/other.gguf", new byte[3])
                .gated("meta/Gated-GGUF", "hf_accepted").start();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private static HttpResponse<byte[]> get(URI uri, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void resolveRedirectsToASignedCdnAddressWithTheHubsHeaders() {
        HttpResponse<byte[]> resolve = get(hub.resolveUri(REPO, "tiny-Q8_0.gguf"));

        assertThat(resolve.statusCode()).isEqualTo(302);
        String location = resolve.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(hub.cdn().uri() + "/xet-bridge-us/")
                .contains("X-Amz-Signature=").endsWith("filename%3D%22tiny-Q8_0.gguf%22");
        assertThat(resolve.headers().firstValue("X-Repo-Commit")).contains(FakeHub.COMMIT);
        assertThat(resolve.headers().firstValue("X-Linked-Size")).contains("40");
        assertThat(resolve.headers().firstValue("X-Linked-Etag").orElseThrow()).matches("\"[0-9a-f]{64}\"");
        assertThat(text(resolve)).isEqualTo("Found. Redirecting to " + location);

        HttpResponse<byte[]> range = get(URI.create(location), "Range", "bytes=0-3");

        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(text(range)).isEqualTo("GGUF");
        assertThat(range.headers().firstValue("Content-Range")).contains("bytes 0-3/40");
        assertThat(hub.requests()).hasSize(1);
        assertThat(hub.cdn().requests()).singleElement().satisfies(r -> assertThat(r.header("Range")).contains("bytes=0-3"));
    }

    @Test
    void theLinkedEtagIsTheSha256OfTheContent() throws Exception {
        String etag = get(hub.resolveUri(REPO, "tiny-Q8_0.gguf")).headers().firstValue("X-Linked-Etag").orElseThrow();
        String expected = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(FILE));

        assertThat(etag).isEqualTo("\"" + expected + "\"");
    }

    @Test
    void theCommitIsARevisionAndFilesMayLieInFolders() {
        assertThat(get(hub.resolveUri(REPO, FakeHub.COMMIT, "tiny-Q8_0.gguf")).statusCode()).isEqualTo(302);
        assertThat(get(hub.resolveUri(REPO, "sub/dir/other.gguf")).headers().firstValue("X-Linked-Size")).contains("3");
    }

    @Test
    void theCdnServesOnlySignedAddressesThatHaveNotExpired() {
        String location = get(hub.resolveUri(REPO, "tiny-Q8_0.gguf")).headers().firstValue("Location").orElseThrow();
        URI unsigned = URI.create(location.substring(0, location.indexOf('?')));

        assertThat(get(unsigned, "Range", "bytes=0-3").statusCode()).isEqualTo(403);
        hub.expireSignatures();
        assertThat(get(URI.create(location), "Range", "bytes=0-3").statusCode()).isEqualTo(403);

        String renewed = get(hub.resolveUri(REPO, "tiny-Q8_0.gguf")).headers().firstValue("Location").orElseThrow();

        assertThat(renewed).isNotEqualTo(location);
        assertThat(get(URI.create(renewed), "Range", "bytes=0-3").statusCode()).isEqualTo(206);
    }

    @Test
    void anUnknownRepositoryIsA401LikeAPrivateOne() {
        HttpResponse<byte[]> r = get(hub.resolveUri("acme/Nothing", "x.gguf"), "Authorization", "Bearer hf_x");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("X-Error-Code")).contains("RepoNotFound");
        assertThat(r.headers().firstValue("X-Error-Message")).contains("Invalid username or password.");
        assertThat(text(r)).isEqualTo("{\"error\":\"Invalid username or password.\"}");
    }

    @Test
    void aMissingFileOrRevisionIsA404WithItsCode() {
        HttpResponse<byte[]> file = get(hub.resolveUri(REPO, "tiny-Q2_K.gguf"));
        HttpResponse<byte[]> revision = get(hub.resolveUri(REPO, "v9", "tiny-Q8_0.gguf"));

        assertThat(file.statusCode()).isEqualTo(404);
        assertThat(file.headers().firstValue("X-Error-Code")).contains("EntryNotFound");
        assertThat(revision.statusCode()).isEqualTo(404);
        assertThat(revision.headers().firstValue("X-Error-Code")).contains("RevisionNotFound");
        assertThat(revision.headers().firstValue("X-Error-Message")).contains("Invalid rev id: v9");
    }

    @Test
    void aGatedRepositoryAsksAnonymousUsersToLogInAndOthersToAskForAccess() {
        URI gated = hub.resolveUri("meta/Gated-GGUF", "model.gguf");

        HttpResponse<byte[]> anonymous = get(gated);
        HttpResponse<byte[]> refused = get(gated, "Authorization", "Bearer hf_other");
        HttpResponse<byte[]> accepted = get(gated, "Authorization", "Bearer hf_accepted");

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("X-Error-Code")).contains("GatedRepo");
        assertThat(text(anonymous)).contains("Access to model meta/Gated-GGUF is restricted. You must have access to it"
                + " and be authenticated to access it. Please log in.");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(text(refused)).contains("is restricted and you are not in the authorized list. Visit"
                + " https://huggingface.co/meta/Gated-GGUF to ask for access.");
        // Through the gate, the repository has no such file.
        assertThat(accepted.headers().firstValue("X-Error-Code")).contains("EntryNotFound");
    }

    @Test
    void faultsOnTheCdnBreakTheTransferNotTheResolve() {
        hub.cdn().inject(Fault.httpStatus(503));

        HttpResponse<byte[]> resolve = get(hub.resolveUri(REPO, "tiny-Q8_0.gguf"));
        HttpResponse<byte[]> transfer = get(URI.create(resolve.headers().firstValue("Location").orElseThrow()));

        assertThat(resolve.statusCode()).isEqualTo(302);
        assertThat(transfer.statusCode()).isEqualTo(503);
    }

    @Test
    void closingStopsBothHosts() {
        URI cdn = hub.cdn().uri("/");
        hub.close();

        assertThatThrownBy(() -> get(cdn)).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void repositoriesAreOwnerSlashName() {
        assertThatThrownBy(() -> FakeHub.builder().file("no-owner", "a.gguf", new byte[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("owner/name");
    }
}
