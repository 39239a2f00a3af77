package io.github.localllm.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.InvalidModelFileException;
import io.github.localllm.ModelDownloadException;
import io.github.localllm.ModelNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpRangeSourceTest {
    private static final String REPO = "acme/Tiny-GGUF";
    private static final String FILE = "tiny-Q8_0.gguf";
    private static final String TOKEN = "hf_secretTOKEN123";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static byte[] model;
    private static GgufFile local;

    private FakeHub hub;

    @BeforeAll
    static void writeModel(@TempDir Path dir) throws IOException {
        // About 3M parameters: a 12 MB file whose header (8192-token vocabulary) is a small part of it.
        Path file = dir.resolve(FILE);
        SyntheticModel.withParameterCount(3_000_000).build().write(file);
        model = Files.readAllBytes(file);
        local = GgufFile.read(file);
    }

    @AfterAll
    static void release() {
        model = null;
    }

    @BeforeEach
    void start() throws IOException {
        hub = new FakeHub().put(REPO, FILE, model);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private GgufSource open(Map<String, String> headers, int firstChunk, Duration timeout) {
        return HttpRangeSource.open(CLIENT, hub.resolveUri(REPO, FILE), headers, timeout, firstChunk,
                HttpRangeSource.MAX_BYTES);
    }

    @Test
    void readsTheSameHeaderAsTheLocalFileWithoutDownloadingTheTensors() {
        GgufFile remote;
        try (GgufSource source = GgufSource.http(CLIENT, hub.resolveUri(REPO, FILE), Map.of(), Duration.ofSeconds(10))) {
            assertThat(source.size()).isEqualTo(model.length);
            remote = GgufFile.read(source);
        }

        assertThat(remote.metadata().keys()).isEqualTo(local.metadata().keys());
        assertThat(remote.tensors()).isEqualTo(local.tensors());
        assertThat(remote.tensorDataOffset()).isEqualTo(local.tensorDataOffset());
        assertThat(remote.model().blockCount()).isEqualTo(local.model().blockCount());
        assertThat(MemoryModel.of(remote).estimate(LoadSettings.builder(2048).build()))
                .isEqualTo(MemoryModel.of(local).estimate(LoadSettings.builder(2048).build()));
        assertThat(hub.bytesServed()).isLessThan(model.length / 4);
        assertThat(hub.cdnRanges()).containsExactly("bytes=0-" + (HttpRangeSource.FIRST_CHUNK - 1));
        assertThat(hub.userAgents()).singleElement().asString().startsWith("localllm/");
    }

    @Test
    void aUserAgentOfTheCallersOwnIsKept() {
        try (GgufSource source = open(Map.of("User-Agent", "my-app/2.1"), 16 * 1024, Duration.ofSeconds(10))) {
            assertThat(source.size()).isEqualTo(model.length);
        }

        assertThat(hub.userAgents()).containsExactly("my-app/2.1");
    }

    @Test
    void readsAHeaderLargerThanTheFirstChunkInGrowingChunksResolvingTheRedirectOnce() {
        GgufFile remote;
        try (GgufSource source = open(Map.of(), 16 * 1024, Duration.ofSeconds(10))) {
            remote = GgufFile.read(source);
        }

        assertThat(remote.tensors()).isEqualTo(local.tensors());
        assertThat(hub.cdnRanges()).hasSizeGreaterThan(2)
                .startsWith("bytes=0-16383", "bytes=16384-65535", "bytes=65536-131071");
        assertThat(hub.hubRequests()).isEqualTo(1);
    }

    @Test
    void sendsTheTokenToTheHubButNeverToTheCdnHostItRedirectsTo() {
        try (GgufSource source = open(Map.of("Authorization", "Bearer " + TOKEN), 16 * 1024, Duration.ofSeconds(10))) {
            GgufFile.read(source);
        }

        assertThat(hub.hubAuthorizations()).containsOnly("Bearer " + TOKEN);
        assertThat(hub.cdnAuthorizations()).isNotEmpty().containsOnly("null");
    }

    @Test
    void reResolvesOnceWhenTheSignedCdnAddressHasExpired() {
        hub.fault(FakeHub.Fault.EXPIRE_SIGNATURE_ONCE);

        GgufFile remote;
        try (GgufSource source = open(Map.of(), 16 * 1024, Duration.ofSeconds(10))) {
            remote = GgufFile.read(source);
        }

        assertThat(remote.tensors()).isEqualTo(local.tensors());
        assertThat(hub.hubRequests()).isEqualTo(2);
    }

    @Test
    void aMissingFileIsNotFoundWithTheHubsErrorCode() {
        URI missing = hub.resolveUri(REPO, "tiny-Q2_K.gguf");

        assertThatThrownBy(() -> GgufFile.read(missing))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("HTTP 404 (EntryNotFound: Entry not found)")
                .hasMessageContaining("check the repository, revision and file name");
    }

    @Test
    void anUnknownOrPrivateRepositoryIsNotFoundAndTheTokenIsNotInTheMessage() {
        URI unknown = hub.resolveUri("acme/Nothing-GGUF", FILE);

        assertThatThrownBy(() -> GgufSource.http(CLIENT, unknown, Map.of("Authorization", "Bearer " + TOKEN),
                Duration.ofSeconds(10)))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("HTTP 401 (RepoNotFound: Invalid username or password.)")
                .hasMessageContaining("private or gated")
                .message().doesNotContain(TOKEN);
    }

    @Test
    void aGatedRepositorySaysToAcceptTheTermsAndPassAToken() {
        hub.fault(FakeHub.Fault.GATED);

        assertThatThrownBy(() -> GgufFile.read(hub.resolveUri(REPO, FILE)))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("HTTP 403 (GatedRepo: Access to model acme/Tiny-GGUF is restricted")
                .hasMessageContaining("accept the model's terms");
    }

    @Test
    void aServerThatIgnoresRangesIsRefusedWithoutDownloadingTheFile() {
        hub.fault(FakeHub.Fault.IGNORE_RANGE);

        assertThatThrownBy(() -> GgufFile.read(hub.resolveUri(REPO, FILE)))
                .isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining("does not serve byte ranges")
                .hasMessageContaining("download it and read it locally");
    }

    @Test
    void aHeaderThatNeedsMoreThanTheByteBudgetIsCutOff() {
        // The 8192-token header needs more than 64 KiB; with that budget it reads like a hostile one.
        try (GgufSource source = HttpRangeSource.open(CLIENT, hub.resolveUri(REPO, FILE), Map.of(),
                Duration.ofSeconds(10), 16 * 1024, 64 * 1024)) {
            assertThatThrownBy(() -> GgufFile.read(source))
                    .isInstanceOf(ModelDownloadException.class)
                    .hasMessageContaining("reading its header took more than 65536 bytes")
                    .hasMessageContaining("download it and read it locally");
        }
        assertThat(hub.bytesServed()).isLessThanOrEqualTo(64 * 1024);
    }

    @Test
    void aSmallFileSentWholeInsteadOfARangeIsAccepted(@TempDir Path dir) {
        Path tiny = dir.resolve("tiny.gguf");
        SyntheticModel.tiny().write(tiny);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(tiny);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        hub.put(REPO, "tiny.gguf", bytes).fault(FakeHub.Fault.IGNORE_RANGE);

        GgufFile remote = GgufFile.read(hub.resolveUri(REPO, "tiny.gguf"));

        assertThat(remote.tensors()).isEqualTo(GgufFile.read(tiny).tensors());
        assertThat(remote.fileSize()).isEqualTo(bytes.length);
    }

    @Test
    void aBodyThatBreaksOffIsADownloadErrorNamingTheAddressWithoutItsSignature() {
        hub.fault(FakeHub.Fault.TRUNCATE);

        assertThatThrownBy(() -> open(Map.of(), 16 * 1024, Duration.ofSeconds(10)))
                .isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining(hub.resolveUri(REPO, FILE).toString())
                .hasMessageContaining("retry")
                .message().doesNotContain("X-Amz-Signature");
    }

    @Test
    void aWrongContentRangeIsRefused() {
        hub.fault(FakeHub.Fault.WRONG_RANGE);

        assertThatThrownBy(() -> open(Map.of(), 16 * 1024, Duration.ofSeconds(10)))
                .isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining("answered bytes 1-16383 of " + model.length + " when asked for 0-16383");
    }

    @Test
    void anOverflowingSizeInContentRangeIsRefused() {
        hub.fault(FakeHub.Fault.HUGE_TOTAL);

        assertThatThrownBy(() -> open(Map.of(), 16 * 1024, Duration.ofSeconds(10)))
                .isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining("which is not 'bytes first-last/size'");
    }

    @Test
    void aServerThatStallsTimesOut() {
        hub.fault(FakeHub.Fault.STALL);

        assertThatThrownBy(() -> open(Map.of(), 16 * 1024, Duration.ofMillis(300)))
                .isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining("did not answer within 300 ms");
    }

    @Test
    void aDeadServerCannotBeConnectedTo() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        URI dead = URI.create("http://127.0.0.1:" + port + "/" + REPO + "/resolve/main/" + FILE);

        assertThatThrownBy(() -> GgufSource.http(CLIENT, dead, Map.of(), Duration.ofSeconds(5)))
                .isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining("could not connect to 127.0.0.1:" + port);
    }

    @Test
    void aRateLimitSaysWhenToRetry() {
        hub.fault(FakeHub.Fault.RATE_LIMIT);

        assertThatThrownBy(() -> GgufFile.read(hub.resolveUri(REPO, FILE)))
                .isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining("HTTP 429")
                .hasMessageContaining("retry after 7 s");
    }

    @Test
    void aServerErrorSaysToRetryLater() {
        hub.fault(FakeHub.Fault.SERVER_ERROR);

        assertThatThrownBy(() -> GgufFile.read(hub.resolveUri(REPO, FILE)))
                .isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining("retry later");
    }

    @Test
    void aFileThatChangesWhileBeingReadIsRefused() {
        hub.fault(FakeHub.Fault.GROW_AFTER_FIRST);

        try (GgufSource source = open(Map.of(), 16 * 1024, Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> GgufFile.read(source))
                    .isInstanceOf(ModelDownloadException.class)
                    .hasMessageContaining("changed while it was being read")
                    .hasMessageContaining("pin a revision");
        }
    }

    @Test
    void aRedirectLoopIsCutOff() {
        hub.fault(FakeHub.Fault.REDIRECT_LOOP);

        assertThatThrownBy(() -> GgufFile.read(hub.resolveUri(REPO, FILE)))
                .isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining("redirected more than " + HttpRangeSource.MAX_REDIRECTS + " times");
    }

    @Test
    void aPageThatIsNotGgufIsAnInvalidModelFileNamingTheAddress() {
        hub.put(REPO, "README.md", "<!doctype html><html>model card</html>".getBytes(StandardCharsets.UTF_8));
        URI page = hub.resolveUri(REPO, "README.md");

        assertThatThrownBy(() -> GgufFile.read(page))
                .isInstanceOf(InvalidModelFileException.class)
                .hasMessageStartingWith(page + ": magic at byte 0: not a GGUF file");
    }

    @Test
    void anEmptyRemoteFileIsReportedAsEmpty() {
        hub.put(REPO, "empty.gguf", new byte[0]);

        assertThatThrownBy(() -> GgufFile.read(hub.resolveUri(REPO, "empty.gguf")))
                .isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining("the file is empty (0 bytes)");
    }

    @Test
    void onlyHttpAddressesAreAccepted() {
        assertThatThrownBy(() -> GgufSource.http(URI.create("file:///tmp/model.gguf")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an http(s) address: file://");
        assertThatThrownBy(() -> GgufSource.http(CLIENT, hub.resolveUri(REPO, FILE), Map.of(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout must be positive");
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        assertThatThrownBy(() -> GgufSource.http(following, hub.resolveUri(REPO, FILE), Map.of(), Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the client follows redirects (NORMAL)");
    }

    @Test
    void theLabelDropsUserInfoAndQuery() {
        assertThat(HttpRangeSource.label(URI.create("https://user:pw@cdn.example:8443/a/b.gguf?X-Amz-Signature=s")))
                .isEqualTo("https://cdn.example:8443/a/b.gguf");
    }
}
