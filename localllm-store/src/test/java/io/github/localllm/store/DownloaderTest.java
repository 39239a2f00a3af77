package io.github.localllm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.InvalidModelFileException;
import io.github.localllm.ModelDownloadException;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.event.LocalLlmEvent;
import io.github.localllm.event.ModelDownloadProgress;
import io.github.localllm.testkit.FakeHub;
import io.github.localllm.testkit.FakeRangeServer;
import io.github.localllm.testkit.Fault;
import io.github.localllm.testkit.RecordedRequest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.Timeout(60)
class DownloaderTest {
    private static final String REPO = "acme/Tiny-GGUF";
    private static final String FILE = "tiny-Q8_0.gguf";
    private static final String GATED = "meta/Gated-GGUF";
    private static final byte[] MODEL = Fixtures.model();

    @TempDir
    Path dir;
    private FakeHub hub;
    private Downloader downloader;
    private final List<LocalLlmEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        hub = FakeHub.builder().file(REPO, FILE, MODEL).file(REPO, "notes.bin", Fixtures.random(300_000, 1))
                .file(GATED, FILE, MODEL).gated(GATED, "hf_accepted").start();
        downloader = downloader(Downloader.builder());
    }

    private Downloader downloader(Downloader.Builder builder) {
        return builder.chunkSize(64 << 10).connections(4).backoff(Duration.ofMillis(5))
                .progressInterval(Duration.ofMillis(5)).listener(events::add).build();
    }

    @AfterEach
    void stop() {
        downloader.close();
        hub.close();
    }

    private DownloadRequest.Builder request(String file) {
        return DownloadRequest.builder(hub.resolveUri(REPO, file), dir.resolve(file));
    }

    private List<RecordedRequest> cdnRanges() {
        return hub.cdn().requests().stream().filter(r -> r.header("Range").isPresent()).toList();
    }

    @Test
    void downloadsInParallelChunksAndVerifiesAgainstTheHubsLinkedEtag() {
        DownloadResult result = downloader.download(request(FILE).build());

        Path target = dir.resolve(FILE);
        assertThat(result.file()).isEqualTo(target);
        assertThat(target).hasBinaryContent(MODEL);
        assertThat(result.sha256()).isEqualTo(Fixtures.sha256(MODEL));
        assertThat(result.verifiedAgainst()).isEqualTo("x-linked-etag");
        assertThat(result.commit()).contains(FakeHub.COMMIT);
        assertThat(result.transferredBytes()).isEqualTo(MODEL.length);
        // One probe byte, then one request per 64 KiB chunk, all with a range.
        int chunks = (MODEL.length + (64 << 10) - 1) / (64 << 10);
        assertThat(cdnRanges()).hasSize(chunks + 1);
        assertThat(Downloader.partialFile(target)).doesNotExist();
        assertThat(Downloader.recordFile(target)).doesNotExist();
        assertThat(dir.resolve(FILE + Downloader.LOCK_SUFFIX)).doesNotExist();
    }

    @Test
    void sendsTheTokenToTheHubButNotToTheCdnItRedirectsTo() {
        DownloadResult result = downloader.download(DownloadRequest.builder(hub.resolveUri(GATED, FILE),
                dir.resolve(FILE)).bearerToken("hf_accepted").build());

        assertThat(result.sha256()).isEqualTo(Fixtures.sha256(MODEL));
        assertThat(hub.requests()).isNotEmpty().allSatisfy(r ->
                assertThat(r.header("Authorization")).contains("Bearer hf_accepted"));
        assertThat(hub.cdn().requests()).isNotEmpty().allSatisfy(r ->
                assertThat(r.header("Authorization")).isEmpty());
    }

    @Test
    void theTokenIsNeverLoggedNorPutInAMessage() {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        Throwable refused;
        try {
            hub.injectNext(1, Fault.httpStatus(503));
            hub.cdn().injectLater(1, 1, Fault.httpStatus(429, Duration.ofSeconds(1)));
            hub.cdn().injectLater(3, 1, Fault.truncateAfter(0));
            DownloadResult ok = downloader.download(DownloadRequest.builder(hub.resolveUri(GATED, FILE),
                    dir.resolve(FILE)).bearerToken("hf_accepted").build());
            assertThat(ok.sha256()).isEqualTo(Fixtures.sha256(MODEL));
            refused = org.assertj.core.api.Assertions.catchThrowable(() -> downloader.download(DownloadRequest.builder(
                    hub.resolveUri(GATED, FILE), dir.resolve("other.gguf")).bearerToken("hf_wrongSECRET").build()));
        } finally {
            System.setErr(original);
        }
        assertThat(refused).isInstanceOf(ModelNotFoundException.class).hasMessageContaining("GatedRepo");
        java.io.StringWriter trace = new java.io.StringWriter();
        refused.printStackTrace(new java.io.PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain("hf_wrongSECRET").doesNotContain("wrongSECRET");
        // Logged at debug (the build sets that level for this module): every line a user could enable is here.
        assertThat(log.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("attempt")
                .doesNotContain("hf_accepted").doesNotContain("wrongSECRET");
    }

    @Test
    void aGatedRepositoryWithoutATokenIsATypedErrorThatSaysSo() {
        assertThatThrownBy(() -> downloader.download(DownloadRequest.builder(hub.resolveUri(GATED, FILE),
                dir.resolve(FILE)).build()))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("401").hasMessageContaining("GatedRepo").hasMessageContaining("HF_TOKEN");
        assertThat(dir.resolve(FILE)).doesNotExist();
    }

    @Test
    void missingRepositoryRevisionAndFileAreTypedErrors() {
        assertThatThrownBy(() -> downloader.download(DownloadRequest.builder(hub.resolveUri("acme/Nope", FILE),
                dir.resolve(FILE)).build()))
                .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("RepoNotFound");
        assertThatThrownBy(() -> downloader.download(DownloadRequest.builder(hub.resolveUri(REPO, "v9", FILE),
                dir.resolve(FILE)).build()))
                .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("revision does not exist");
        assertThatThrownBy(() -> downloader.download(request("absent.gguf").build()))
                .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("EntryNotFound");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aConnectionDroppedMidChunkIsAskedAgainFromWhereItStopped() {
        // The probe is the first CDN request; the next three chunks break off halfway.
        hub.cdn().injectLater(1, 3, Fault.truncateAfter(0));

        DownloadResult result = downloader.download(request(FILE).build());

        assertThat(dir.resolve(FILE)).hasBinaryContent(MODEL);
        assertThat(result.sha256()).isEqualTo(Fixtures.sha256(MODEL));
        // A retried chunk asks only for the bytes it still lacks.
        assertThat(cdnRanges()).anySatisfy(r -> {
            String range = r.header("Range").orElseThrow();
            long from = Long.parseLong(range.substring(6, range.indexOf('-')));
            assertThat(from % (64 << 10)).isNotZero();
        });
    }

    @Test
    void aConnectionThatFallsSilentIsDroppedAndAskedAgain() {
        hub.cdn().injectLater(1, 1, Fault.stallAfter(0, Duration.ofSeconds(30)));
        try (Downloader d = downloader(Downloader.builder().idleTimeout(Duration.ofMillis(300)))) {
            DownloadResult result = d.download(request(FILE).build());
            assertThat(result.sha256()).isEqualTo(Fixtures.sha256(MODEL));
        }
        assertThat(cdnRanges()).anySatisfy(r -> {
            String range = r.header("Range").orElseThrow();
            assertThat(Long.parseLong(range.substring(6, range.indexOf('-'))) % (64 << 10)).isNotZero();
        });
    }

    @Test
    void aSingleStreamThatFallsSilentIsDroppedAndReadAgain() {
        hub.cdn().inject(Fault.ignoreRange());
        hub.cdn().injectNext(1, Fault.stallAfter(0, Duration.ofSeconds(30)));
        try (Downloader d = downloader(Downloader.builder().idleTimeout(Duration.ofMillis(300)))) {
            DownloadResult result = d.download(request(FILE).build());
            assertThat(result.sha256()).isEqualTo(Fixtures.sha256(MODEL));
        }
        assertThat(hub.cdn().requests()).hasSize(2);
    }

    @Test
    void aServerThatIgnoresRangesIsReadAsOneStream() {
        hub.cdn().inject(Fault.ignoreRange());

        DownloadResult result = downloader.download(request(FILE).build());

        assertThat(dir.resolve(FILE)).hasBinaryContent(MODEL);
        assertThat(result.verifiedAgainst()).isEqualTo("x-linked-etag");
        // The probe's whole-file answer is the download: no second request.
        assertThat(hub.cdn().requests()).hasSize(1);
    }

    @Test
    void aServerThatStopsHonouringRangesMidwayIsReadAgainAsOneStream() {
        hub.cdn().injectLater(1, 2, Fault.ignoreRange());

        DownloadResult result = downloader.download(request(FILE).build());

        assertThat(dir.resolve(FILE)).hasBinaryContent(MODEL);
        assertThat(result.sha256()).isEqualTo(Fixtures.sha256(MODEL));
    }

    @Test
    void busyServersAreWaitedOutAsTheirRetryAfterSays() {
        hub.cdn().injectNext(1, Fault.httpStatus(429, Duration.ofSeconds(1)));
        hub.cdn().injectLater(2, 1, Fault.httpStatus(503));

        long started = System.nanoTime();
        DownloadResult result = downloader.download(request(FILE).build());

        assertThat(result.sha256()).isEqualTo(Fixtures.sha256(MODEL));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void aServerThatStaysBusyFailsWithTheServersWordsAndKeepsThePartial() {
        hub.cdn().injectLater(3, 1000, Fault.httpStatus(503));

        assertThatThrownBy(() -> downloader.download(request(FILE).build()))
                .isInstanceOf(ModelDownloadException.class).hasMessageContaining("503")
                .hasMessageContaining("retry later");
        Path target = dir.resolve(FILE);
        assertThat(target).doesNotExist();
        assertThat(Downloader.partialFile(target)).exists();
        assertThat(Downloader.recordFile(target)).exists();

        hub.cdn().clearFaults();
        DownloadResult resumed = downloader.download(request(FILE).build());
        assertThat(target).hasBinaryContent(MODEL);
        assertThat(resumed.transferredBytes()).isLessThan(MODEL.length);
    }

    @Test
    void aRangeRefusedWith416MeansTheFileChangedAndThePartialIsDropped() {
        hub.cdn().injectLater(1, 1, Fault.httpStatus(416));

        assertThatThrownBy(() -> downloader.download(request(FILE).build()))
                .isInstanceOf(ModelDownloadException.class).hasMessageContaining("416")
                .hasMessageContaining("changed");
        Path target = dir.resolve(FILE);
        assertThat(target).doesNotExist();
        assertThat(Downloader.partialFile(target)).doesNotExist();
        assertThat(Downloader.recordFile(target)).doesNotExist();
    }

    @Test
    void aFirstByteRefusedWith416IsAnEmptyFileOnlyWhenTheServerSaysSo() {
        try (FakeRangeServer plain = FakeRangeServer.builder().file("/empty.bin", new byte[0])
                .file("/data.bin", Fixtures.random(100_000, 5)).start()) {
            // bytes */0: the file is empty, which a range cannot be asked of.
            DownloadResult empty = downloader.download(DownloadRequest.builder(plain.uri("/empty.bin"),
                    dir.resolve("empty.bin")).build());
            assertThat(empty.size()).isZero();
            assertThat(dir.resolve("empty.bin")).exists().isEmptyFile();
            // A 416 for the first byte of a file that has bytes: the server mishandles ranges.
            plain.injectNext(1, Fault.httpStatus(416));
            assertThatThrownBy(() -> downloader.download(DownloadRequest.builder(plain.uri("/data.bin"),
                    dir.resolve("data.bin")).build()))
                    .isInstanceOf(ModelDownloadException.class).hasMessageContaining("HTTP 416")
                    .hasMessageContaining("refused the first byte");
            assertThat(dir.resolve("data.bin")).doesNotExist();
            assertThat(Downloader.partialFile(dir.resolve("data.bin"))).doesNotExist();
        }
    }

    @Test
    void wrongBytesAreNeverInstalled() {
        hub.cdn().injectLater(1, 1, Fault.corruptBytes());

        assertThatThrownBy(() -> downloader.download(request(FILE).build()))
                .isInstanceOfSatisfying(ChecksumMismatchException.class, e -> {
                    assertThat(e.expected()).isEqualTo(Fixtures.sha256(MODEL));
                    assertThat(e.actual()).isNotEqualTo(e.expected());
                })
                .hasMessageContaining("nothing was installed");
        Path target = dir.resolve(FILE);
        assertThat(target).doesNotExist();
        assertThat(Downloader.partialFile(target)).doesNotExist();
        assertThat(Downloader.recordFile(target)).doesNotExist();
    }

    @Test
    void theRequestsHashWinsOverTheHubsAndAMismatchIsRefused() {
        String wrong = "0".repeat(64);
        assertThatThrownBy(() -> downloader.download(request(FILE).sha256(wrong).build()))
                .isInstanceOf(ChecksumMismatchException.class).hasMessageContaining(wrong);
        assertThat(dir.resolve(FILE)).doesNotExist();

        DownloadResult ok = downloader.download(request(FILE).sha256(Fixtures.sha256(MODEL)).build());
        assertThat(ok.verifiedAgainst()).isEqualTo("request");
    }

    @Test
    void aSizeThatDiffersFromTheExpectedOneFailsBeforeAnyDownload() {
        assertThatThrownBy(() -> downloader.download(request(FILE).size(MODEL.length + 1).build()))
                .isInstanceOf(ChecksumMismatchException.class).hasMessageContaining("Nothing was downloaded");
        assertThat(cdnRanges()).hasSize(1);
    }

    @Test
    void aFileThatIsNotGgufIsNotInstalledUnderAGgufName() {
        Path target = dir.resolve("fake.gguf");
        assertThatThrownBy(() -> downloader.download(DownloadRequest.builder(hub.resolveUri(REPO, "notes.bin"),
                target).build()))
                .isInstanceOf(InvalidModelFileException.class).hasMessageContaining("not a valid GGUF file");
        assertThat(target).doesNotExist();
        assertThat(Downloader.partialFile(target)).doesNotExist();

        // The same bytes under a name that does not claim GGUF are fine.
        assertThat(downloader.download(request("notes.bin").build()).size()).isEqualTo(300_000);
    }

    @Test
    void notEnoughFreeSpaceIsAClearErrorBeforeAnyByteIsWritten() {
        try (Downloader small = downloader(Downloader.builder().diskSpace(d -> 1000))) {
            assertThatThrownBy(() -> small.download(request(FILE).build()))
                    .isInstanceOf(io.github.localllm.StorageException.class)
                    .hasMessageContaining("needs " + MODEL.length + " more bytes")
                    .hasMessageContaining("only 1000 bytes");
        }
        assertThat(dir.resolve(FILE)).doesNotExist();
        assertThat(cdnRanges()).hasSize(1);
    }

    @Test
    void plainHttpToARemoteHostIsRefusedWithoutARequest() {
        assertThatThrownBy(() -> downloader.download(DownloadRequest.builder(
                URI.create("http://example.com/acme/m/resolve/main/m.gguf"), dir.resolve("m.gguf")).build()))
                .isInstanceOf(ModelDownloadException.class).hasMessageContaining("plain HTTP to a remote host")
                .hasMessageContaining("allowPlainHttp");
    }

    @Test
    void aRedirectFromLoopbackToPlainHttpOnARemoteHostIsNotFollowed() {
        try (FakeRangeServer origin = FakeRangeServer.builder()
                .redirect("/m.gguf", "http://example.com/m.gguf").start()) {
            assertThatThrownBy(() -> downloader.download(DownloadRequest.builder(origin.uri("/m.gguf"),
                    dir.resolve("m.gguf")).build()))
                    .isInstanceOf(ModelDownloadException.class).hasMessageContaining("redirected to")
                    .hasMessageContaining("plain HTTP");
        }
    }

    @Test
    void anExpiredCdnSignatureIsResolvedAgainAtTheHub() {
        hub.cdn().inject(Fault.throttle(4L << 20));
        java.util.concurrent.atomic.AtomicBoolean expired = new java.util.concurrent.atomic.AtomicBoolean();
        try (Downloader d = Downloader.builder().chunkSize(64 << 10).connections(1).backoff(Duration.ofMillis(5))
                .progressInterval(Duration.ofMillis(5)).listener(e -> {
                    if (e instanceof ModelDownloadProgress p && p.status().equals("downloading")
                            && p.completedBytes() > 0 && !expired.getAndSet(true)) {
                        hub.expireSignatures();
                    }
                }).build()) {
            DownloadResult result = d.download(request(FILE).build());
            assertThat(result.sha256()).isEqualTo(Fixtures.sha256(MODEL));
        }
        assertThat(expired).isTrue();
        assertThat(hub.requests().size()).isGreaterThan(1);
        assertThat(hub.cdn().requests().stream().map(r -> r.query()).distinct().count()).isGreaterThan(1);
    }

    @Test
    void progressEventsTellBytesRateAndTimeLeft() {
        hub.cdn().inject(Fault.throttle(4L << 20));

        downloader.download(request(FILE).build());

        List<ModelDownloadProgress> progress = events.stream().filter(ModelDownloadProgress.class::isInstance)
                .map(ModelDownloadProgress.class::cast).toList();
        assertThat(progress).extracting(ModelDownloadProgress::status).contains("starting", "downloading",
                "verifying", "done");
        assertThat(progress).filteredOn(p -> p.status().equals("downloading") && p.bytesPerSecond() > 0)
                .isNotEmpty().allSatisfy(p -> {
                    assertThat(p.totalBytes()).isEqualTo(MODEL.length);
                    assertThat(p.eta()).isPresent();
                });
        ModelDownloadProgress last = progress.get(progress.size() - 1);
        assertThat(last.status()).isEqualTo("done");
        assertThat(last.fraction()).isEqualTo(1.0);
    }

    @Test
    void aPausedDownloadKeepsItsPartialAndResumesFromIt() throws Exception {
        hub.cdn().inject(Fault.throttle(1L << 20));
        DownloadHandle handle = downloader.submit(request(FILE).build());
        waitUntil(() -> handle.completedBytes() > MODEL.length / 4);

        handle.pause();
        waitUntil(() -> handle.state() == DownloadState.PAUSED);
        Path target = dir.resolve(FILE);
        assertThat(Downloader.partialFile(target)).exists();
        assertThat(Downloader.recordFile(target)).exists();
        assertThat(handle.result()).isNotDone();

        hub.cdn().clearFaults();
        handle.resume();
        DownloadResult result = handle.await();
        assertThat(handle.state()).isEqualTo(DownloadState.DONE);
        assertThat(target).hasBinaryContent(MODEL);
        assertThat(result.transferredBytes()).isLessThan(MODEL.length);
    }

    @Test
    void closingTheDownloaderEndsItsDownloadsAndKeepsTheirPartials() throws Exception {
        hub.cdn().inject(Fault.throttle(1L << 20));
        Downloader closing = downloader(Downloader.builder());
        DownloadHandle handle = closing.submit(request(FILE).build());
        waitUntil(() -> handle.completedBytes() > 0);

        closing.close();

        assertThatThrownBy(handle::await).isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining("downloader was closed");
        waitUntil(() -> Files.exists(Downloader.recordFile(dir.resolve(FILE))));
        assertThat(Downloader.partialFile(dir.resolve(FILE))).exists();
    }

    @Test
    void aCancelledDownloadLeavesNothingBehind() throws Exception {
        hub.cdn().inject(Fault.throttle(1L << 20));
        DownloadHandle handle = downloader.submit(request(FILE).build());
        waitUntil(() -> handle.completedBytes() > 0);

        handle.cancel();

        assertThatThrownBy(handle::await).isInstanceOf(java.util.concurrent.CancellationException.class);
        assertThat(handle.state()).isEqualTo(DownloadState.CANCELLED);
        Path target = dir.resolve(FILE);
        assertThat(target).doesNotExist();
        assertThat(Downloader.partialFile(target)).doesNotExist();
        assertThat(Downloader.recordFile(target)).doesNotExist();
    }

    @Test
    void downloadsBeyondTheConcurrencyLimitWaitInTheQueue() throws Exception {
        hub.cdn().inject(Fault.throttle(2L << 20));
        try (Downloader one = downloader(Downloader.builder().maxConcurrentDownloads(1))) {
            DownloadHandle first = one.submit(request(FILE).build());
            DownloadHandle second = one.submit(request("notes.bin").build());
            waitUntil(() -> first.state() == DownloadState.RUNNING);
            assertThat(second.state()).isEqualTo(DownloadState.QUEUED);

            first.await();
            second.await();
            assertThat(dir.resolve("notes.bin")).exists();
        }
    }

    @Test
    void theSameTargetIsNotDownloadedTwiceAtOnce() throws Exception {
        hub.cdn().inject(Fault.throttle(1L << 20));
        DownloadHandle first = downloader.submit(request(FILE).build());
        waitUntil(() -> first.completedBytes() > 0);

        assertThatThrownBy(() -> downloader.download(request(FILE).build()))
                .isInstanceOf(ModelDownloadException.class).hasMessageContaining("already being downloaded");
        first.cancel();
    }

    @Test
    void aLoopbackServerWithoutTheHubIsDownloadedAndCheckedOnlyBySize() {
        byte[] bytes = Fixtures.random(200_000, 3);
        try (FakeRangeServer plain = FakeRangeServer.builder().file("/data.bin", bytes).start()) {
            DownloadResult result = downloader.download(DownloadRequest.builder(plain.uri("/data.bin"),
                    dir.resolve("data.bin")).build());
            assertThat(result.verifiedAgainst()).isEqualTo("none");
            assertThat(result.commit()).isEmpty();
            assertThat(dir.resolve("data.bin")).hasBinaryContent(bytes);
        }
    }

    @Test
    void requestsDoNotShowTheirHeaderValues() {
        DownloadRequest r = request(FILE).bearerToken("hf_secret").build();
        assertThat(r.toString()).doesNotContain("hf_secret").contains("Authorization");
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 20 s");
            }
            Thread.sleep(5);
        }
    }
}
