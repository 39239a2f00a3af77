package io.github.localllm.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ModelDownloadException;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.testkit.FakeHub;
import io.github.localllm.testkit.FakeRangeServer;
import io.github.localllm.testkit.Fault;
import io.github.localllm.testkit.RecordedRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The range reader against Hugging Face's resolve endpoint and CDN, as the testkit fakes them. */
class HttpRangeReaderTest {
    private static final String REPO = "acme/Tiny-GGUF";
    private static final String GATED = "meta/Gated-GGUF";
    private static final String FILE = "tiny-Q8_0.gguf";
    private static final String TOKEN = "hf_secretTOKEN123";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");
    /** 12 MB, like a small model: large enough that reading all of it would show. */
    private static final byte[] MODEL = pattern(12_000_000);

    private FakeHub hub;

    @BeforeEach
    void start() {
        hub = FakeHub.builder().file(REPO, FILE, MODEL).file(GATED, FILE, MODEL).gated(GATED, TOKEN).start();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + (i >>> 16));
        }
        return bytes;
    }

    private HttpRangeReader.Builder reader(String repository) {
        return HttpRangeReader.builder(hub.resolveUri(repository, FILE)).client(CLIENT).timeout(Duration.ofSeconds(10));
    }

    /** Reads {@code length} bytes from {@code position} in pieces of {@code piece}, as a header parser does. */
    private static byte[] read(HttpRangeReader reader, long position, int length, int piece) {
        byte[] out = new byte[length];
        int done = 0;
        while (done < length) {
            ByteBuffer dst = ByteBuffer.wrap(out, done, Math.min(piece, length - done));
            int n = reader.read(position + done, dst);
            assertThat(n).isPositive();
            done += n;
        }
        return out;
    }

    private static List<String> ranges(FakeRangeServer cdn) {
        return cdn.requests().stream().map(r -> r.header("Range").orElse("none")).toList();
    }

    /** What the CDN sent: the ranges asked for, which every test keeps inside the file. */
    private static long bytesServed(FakeRangeServer cdn) {
        return ranges(cdn).stream().map(RANGE::matcher).filter(Matcher::matches)
                .mapToLong(m -> Long.parseLong(m.group(2)) - Long.parseLong(m.group(1)) + 1).sum();
    }

    @Test
    void readsPartsOfTheFileWithOneRangeRequestAndASizeFromContentRange() {
        try (HttpRangeReader file = reader(REPO).open()) {
            assertThat(file.size()).isEqualTo(MODEL.length);
            assertThat(read(file, 0, 4096, 4096)).isEqualTo(Arrays.copyOf(MODEL, 4096));
            assertThat(read(file, 1000, 100, 7)).isEqualTo(Arrays.copyOfRange(MODEL, 1000, 1100));
        }

        assertThat(ranges(hub.cdn())).containsExactly("bytes=0-" + (HttpRangeReader.DEFAULT_FIRST_CHUNK - 1));
        assertThat(bytesServed(hub.cdn())).isLessThan(MODEL.length / 4);
        assertThat(hub.requests()).singleElement()
                .satisfies(r -> assertThat(r.header("User-Agent").orElseThrow()).startsWith("localllm/"));
    }

    @Test
    void aUserAgentOfTheCallersOwnIsKept() {
        try (HttpRangeReader file = reader(REPO).header("User-Agent", "my-app/2.1").firstChunk(16 * 1024).open()) {
            assertThat(file.size()).isEqualTo(MODEL.length);
        }

        assertThat(hub.requests()).extracting(r -> r.header("User-Agent").orElse("none")).containsExactly("my-app/2.1");
    }

    @Test
    void readsOnInGrowingChunksFromTheCdnResolvingTheRedirectOnce() {
        try (HttpRangeReader file = reader(REPO).firstChunk(16 * 1024).open()) {
            assertThat(read(file, 0, 300_000, 4096)).isEqualTo(Arrays.copyOf(MODEL, 300_000));
            assertThat(read(file, MODEL.length - 10, 10, 10))
                    .isEqualTo(Arrays.copyOfRange(MODEL, MODEL.length - 10, MODEL.length));
            assertThat(file.read(MODEL.length, ByteBuffer.allocate(1))).isEqualTo(-1);
        }

        assertThat(ranges(hub.cdn())).startsWith("bytes=0-16383", "bytes=16384-49151", "bytes=49152-114687",
                "bytes=114688-245759", "bytes=245760-507903");
        assertThat(hub.requests()).hasSize(1);
    }

    @Test
    void sendsTheTokenToTheHubButNeverToTheCdnHostItRedirectsTo() {
        try (HttpRangeReader file = reader(GATED).header("Authorization", "Bearer " + TOKEN).firstChunk(16 * 1024)
                .open()) {
            read(file, 0, 100_000, 8192);
        }

        assertThat(hub.requests()).extracting(r -> r.header("Authorization").orElse("none"))
                .containsOnly("Bearer " + TOKEN);
        assertThat(hub.cdn().requests()).hasSizeGreaterThan(1)
                .allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
    }

    @Test
    void reResolvesOnceWhenTheSignedCdnAddressHasExpired() {
        try (HttpRangeReader file = reader(REPO).firstChunk(16 * 1024).open()) {
            hub.expireSignatures();

            assertThat(read(file, 20_000, 1000, 1000)).isEqualTo(Arrays.copyOfRange(MODEL, 20_000, 21_000));
        }

        assertThat(hub.requests()).hasSize(2);
        assertThat(hub.cdn().requests()).extracting(RecordedRequest::path).hasSize(3);
    }

    @Test
    void aMissingFileIsNotFoundWithTheHubsErrorCode() {
        assertThatThrownBy(() -> HttpRangeReader.open(hub.resolveUri(REPO, "tiny-Q2_K.gguf")))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("HTTP 404 (EntryNotFound: Entry not found)")
                .hasMessageContaining("check the repository, revision and file name");
    }

    @Test
    void anUnknownRevisionIsNotFound() {
        assertThatThrownBy(() -> HttpRangeReader.open(hub.resolveUri(REPO, "v2", FILE)))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("HTTP 404 (RevisionNotFound: Invalid rev id: v2)");
    }

    @Test
    void anUnknownOrPrivateRepositoryIsNotFoundAndTheTokenIsNotInTheMessage() {
        URI unknown = hub.resolveUri("acme/Nothing-GGUF", FILE);

        assertThatThrownBy(() -> HttpRangeReader.builder(unknown).header("Authorization", "Bearer " + TOKEN).open())
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("HTTP 401 (RepoNotFound: Invalid username or password.)")
                .hasMessageContaining("private or gated")
                .message().doesNotContain(TOKEN);
    }

    @Test
    void aGatedRepositoryWithoutATokenSaysToAcceptTheTermsAndPassOne() {
        assertThatThrownBy(() -> HttpRangeReader.open(hub.resolveUri(GATED, FILE)))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("HTTP 401 (GatedRepo: Access to model meta/Gated-GGUF is restricted. You must"
                        + " have access to it and be authenticated to access it. Please log in.)")
                .hasMessageContaining("accept the model's terms on its page and pass an access token");
    }

    @Test
    void aGatedRepositoryWhoseTermsTheTokenDidNotAcceptIsRefusedWithoutShowingTheToken() {
        assertThatThrownBy(() -> reader(GATED).header("Authorization", "Bearer hf_otherUser").open())
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("HTTP 403 (GatedRepo: Access to model meta/Gated-GGUF is restricted and you are"
                        + " not in the authorized list.")
                .hasMessageContaining("accept the model's terms")
                .message().doesNotContain("hf_otherUser");
    }

    @Test
    void aServerThatIgnoresRangesIsRefusedAfterTheFirstBytes() {
        hub.cdn().inject(Fault.ignoreRange());

        assertThatThrownBy(() -> reader(REPO).open())
                .isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining("HTTP 200")
                .hasMessageContaining("does not serve byte ranges")
                .hasMessageContaining("download it and read it locally");
    }

    @Test
    void aSmallFileSentWholeInsteadOfARangeIsAccepted() {
        byte[] small = Arrays.copyOf(MODEL, 1000);
        try (FakeHub smallHub = FakeHub.builder().file(REPO, "small.gguf", small).start()) {
            smallHub.cdn().inject(Fault.ignoreRange());

            try (HttpRangeReader file = HttpRangeReader.open(smallHub.resolveUri(REPO, "small.gguf"))) {
                assertThat(file.size()).isEqualTo(1000);
                assertThat(read(file, 0, 1000, 1000)).isEqualTo(small);
            }
        }
    }

    @Test
    void anEmptyFileHasSizeZeroFromThe416() {
        try (FakeHub emptyHub = FakeHub.builder().file(REPO, "empty.gguf", new byte[0]).start();
             HttpRangeReader file = HttpRangeReader.open(emptyHub.resolveUri(REPO, "empty.gguf"))) {
            assertThat(file.size()).isZero();
            assertThat(file.read(0, ByteBuffer.allocate(1))).isEqualTo(-1);
        }
    }

    @Test
    void readingMoreThanTheByteBudgetIsCutOff() {
        try (HttpRangeReader file = reader(REPO).firstChunk(16 * 1024).byteBudget(64 * 1024).open()) {
            assertThatThrownBy(() -> read(file, 0, 200_000, 4096))
                    .isInstanceOf(ModelDownloadException.class)
                    .hasMessageContaining("reading its header took more than 65536 bytes")
                    .hasMessageContaining("download it and read it locally");
        }

        assertThat(bytesServed(hub.cdn())).isLessThanOrEqualTo(64 * 1024);
    }

    @Test
    void aBodyThatBreaksOffIsADownloadErrorNamingTheAddressWithoutItsSignature() {
        hub.cdn().inject(Fault.truncateAfter(0));

        assertThatThrownBy(() -> reader(REPO).firstChunk(16 * 1024).open())
                .isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining(hub.resolveUri(REPO, FILE).toString())
                .hasMessageContaining("retry")
                .message().doesNotContain("X-Amz-Signature");
    }

    @Test
    void aWrongContentRangeIsRefused() {
        try (FakeRangeServer server = FakeRangeServer.builder().file("/f.gguf", MODEL)
                .header("/f.gguf", "Content-Range", "bytes 1-16383/" + MODEL.length).start()) {
            assertThatThrownBy(() -> HttpRangeReader.builder(server.uri("/f.gguf")).firstChunk(16 * 1024).open())
                    .isInstanceOf(ModelDownloadException.class)
                    .hasMessageContaining("answered bytes 1-16383 of " + MODEL.length + " when asked for 0-16383");
        }
    }

    @Test
    void anOverflowingOrUnknownSizeInContentRangeIsRefused() {
        try (FakeRangeServer huge = FakeRangeServer.builder().file("/f.gguf", MODEL)
                .header("/f.gguf", "Content-Range", "bytes 0-16383/99999999999999999999999999").start();
             FakeRangeServer unknown = FakeRangeServer.builder().file("/f.gguf", MODEL)
                .header("/f.gguf", "Content-Range", "bytes 0-16383/*").start()) {
            assertThatThrownBy(() -> HttpRangeReader.builder(huge.uri("/f.gguf")).firstChunk(16 * 1024).open())
                    .isInstanceOf(ModelDownloadException.class)
                    .hasMessageContaining("which is not 'bytes first-last/size'");
            assertThatThrownBy(() -> HttpRangeReader.builder(unknown.uri("/f.gguf")).firstChunk(16 * 1024).open())
                    .isInstanceOf(ModelDownloadException.class)
                    .hasMessageContaining("did not say how large the file is");
        }
    }

    @Test
    void aServerThatStallsTimesOut() {
        hub.cdn().inject(Fault.slowFirstByte(Duration.ofSeconds(5)));

        assertThatThrownBy(() -> reader(REPO).timeout(Duration.ofMillis(300)).open())
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

        assertThatThrownBy(() -> HttpRangeReader.builder(dead).timeout(Duration.ofSeconds(5)).open())
                .isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining("could not connect to 127.0.0.1:" + port);
    }

    @Test
    void aRateLimitSaysWhenToRetry() {
        hub.cdn().inject(Fault.httpStatus(429, Duration.ofSeconds(7)));

        assertThatThrownBy(() -> reader(REPO).open())
                .isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining("HTTP 429")
                .hasMessageContaining("retry after 7 s");
    }

    @Test
    void aServerErrorSaysToRetryLater() {
        hub.cdn().inject(Fault.httpStatus(503));

        assertThatThrownBy(() -> reader(REPO).open())
                .isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining("retry later");
    }

    @Test
    void aFileThatChangesWhileBeingReadIsRefused(@TempDir Path dir) throws IOException {
        Path model = Files.write(dir.resolve("model.gguf"), Arrays.copyOf(MODEL, 100_000));
        try (FakeRangeServer server = FakeRangeServer.builder().file("/model.gguf", model).start();
             HttpRangeReader file = HttpRangeReader.builder(server.uri("/model.gguf")).firstChunk(16 * 1024).open()) {
            Files.write(model, new byte[4096], StandardOpenOption.APPEND);

            assertThatThrownBy(() -> read(file, 20_000, 100, 100))
                    .isInstanceOf(ModelDownloadException.class)
                    .hasMessageContaining("changed while it was being read (it was 100000 bytes, now 104096)")
                    .hasMessageContaining("pin a revision");
        }
    }

    @Test
    void aRedirectToPlainHttpOnAnotherRemoteHostIsNotFollowed() {
        try (FakeRangeServer server = FakeRangeServer.builder()
                .redirect("/m.gguf", URI.create("http://mirror.example.com/m.gguf")).start()) {
            assertThatThrownBy(() -> HttpRangeReader.open(server.uri("/m.gguf")))
                    .isInstanceOf(ModelDownloadException.class)
                    .hasMessageContaining("plain HTTP on another host");
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void aRedirectLoopIsCutOff() {
        try (FakeRangeServer server = FakeRangeServer.builder().redirect("/loop.gguf", "/loop.gguf").start()) {
            assertThatThrownBy(() -> HttpRangeReader.open(server.uri("/loop.gguf")))
                    .isInstanceOf(ModelDownloadException.class)
                    .hasMessageContaining("redirected more than " + HttpRangeReader.MAX_REDIRECTS + " times");
            assertThat(server.requests()).hasSize(HttpRangeReader.MAX_REDIRECTS + 1);
        }
    }

    @Test
    void onlyHttpAddressesPositiveTimeoutsAndClientsThatDoNotFollowRedirectsAreAccepted() {
        assertThatThrownBy(() -> HttpRangeReader.open(URI.create("file:///tmp/model.gguf")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an http(s) address: file://");
        assertThatThrownBy(() -> reader(REPO).timeout(Duration.ZERO).open())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout must be positive");
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        assertThatThrownBy(() -> reader(REPO).client(following).open())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the client follows redirects (NORMAL)");
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void theLabelDropsUserInfoAndQuery() {
        assertThat(Text.label(URI.create("https://user:pw@cdn.example:8443/a/b.gguf?X-Amz-Signature=s")))
                .isEqualTo("https://cdn.example:8443/a/b.gguf");
        try (HttpRangeReader file = reader(REPO).open()) {
            assertThat(file.label()).isEqualTo(hub.resolveUri(REPO, FILE).toString());
        }
    }

    @Test
    void headersAreGivenAsAMapToo() {
        try (HttpRangeReader file = reader(GATED).headers(Map.of("Authorization", "Bearer " + TOKEN)).open()) {
            assertThat(file.size()).isEqualTo(MODEL.length);
        }
    }
}
