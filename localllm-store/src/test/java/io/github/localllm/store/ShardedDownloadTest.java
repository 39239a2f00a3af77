package io.github.localllm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelRef;
import io.github.localllm.registry.GgufVariant;
import io.github.localllm.registry.RepoFile;
import io.github.localllm.testkit.FakeHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A split model ({@code -00001-of-00003.gguf}, as {@code llama-gguf-split} names shards) is downloaded as one unit. */
@Timeout(60)
class ShardedDownloadTest {
    private static final String REPO = "acme/Big-GGUF";
    private static final String[] SHARDS = {"Q8_0/big-Q8_0-00001-of-00003.gguf", "Q8_0/big-Q8_0-00002-of-00003.gguf",
        "Q8_0/big-Q8_0-00003-of-00003.gguf"};
    private static final String PROJECTOR = "mmproj-big-F16.gguf";
    private static final byte[][] BYTES = {Fixtures.model(31), Fixtures.model(32), Fixtures.model(33)};
    private static final byte[] PROJECTOR_BYTES = Fixtures.model(34);

    @TempDir
    Path dir;
    private FakeHub hub;
    private ModelLibrary library;

    @BeforeEach
    void start() {
        FakeHub.Builder b = FakeHub.builder().file(REPO, PROJECTOR, PROJECTOR_BYTES);
        for (int i = 0; i < SHARDS.length; i++) {
            b.file(REPO, SHARDS[i], BYTES[i]);
        }
        hub = b.start();
        library = ModelLibrary.builder().hfCache(dir.resolve("hf")).home(dir.resolve("home"))
                .readOtherTools(false).endpoint(hub.uri()).environment(Map.of())
                .clock(Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC))
                .downloader(Downloader.builder().chunkSize(64 << 10).build()).build();
    }

    @AfterEach
    void stop() {
        library.close();
        hub.close();
    }

    private static RepoFile file(String path, byte[] bytes) {
        return new RepoFile(path, bytes.length, Optional.of(Fixtures.sha256(bytes)));
    }

    private static GgufVariant variant(List<RepoFile> shards) {
        return new GgufVariant(REPO, FakeHub.COMMIT, Optional.of("Q8_0"), shards,
                Optional.of(file(PROJECTOR, PROJECTOR_BYTES)));
    }

    private static List<RepoFile> shards() {
        return List.of(file(SHARDS[0], BYTES[0]), file(SHARDS[1], BYTES[1]), file(SHARDS[2], BYTES[2]));
    }

    @Test
    void everyShardAndTheProjectorArriveTogetherAndThePathIsTheFirstShard() {
        StoredModel m = library.download(variant(shards()));

        Path snapshot = dir.resolve("hf/models--acme--Big-GGUF/snapshots").resolve(FakeHub.COMMIT);
        assertThat(m.path()).isEqualTo(snapshot.resolve(SHARDS[0]));
        assertThat(m.sharded()).isTrue();
        assertThat(m.shards()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(m.shards().get(i)).isEqualTo(snapshot.resolve(SHARDS[i])).hasBinaryContent(BYTES[i]);
            assertThat(Files.isSymbolicLink(m.shards().get(i))).isTrue();
        }
        assertThat(m.size()).isEqualTo(BYTES[0].length + BYTES[1].length + BYTES[2].length);
        assertThat(m.projector()).contains(snapshot.resolve(PROJECTOR));
        assertThat(m.projector().orElseThrow()).hasBinaryContent(PROJECTOR_BYTES);
        assertThat(m.quantization()).contains("Q8_0");

        hub.close();
        // Found again without the network, listed once (not shard by shard, not the projector).
        assertThat(library.list()).singleElement().satisfies(found -> {
            assertThat(found.id()).isEqualTo(m.id());
            assertThat(found.size()).isEqualTo(m.size());
            assertThat(found.projector()).contains(snapshot.resolve(PROJECTOR));
        });
        assertThat(library.download(variant(shards()))).isEqualTo(m);
    }

    @Test
    void aBadShardInstallsNothingAndTheNextAttemptFetchesOnlyWhatIsMissing() {
        List<RepoFile> wrong = List.of(file(SHARDS[0], BYTES[0]), file(SHARDS[1], BYTES[1]),
                new RepoFile(SHARDS[2], BYTES[2].length, Optional.of("0".repeat(64))));
        assertThatThrownBy(() -> library.download(variant(wrong))).isInstanceOf(ChecksumMismatchException.class);
        assertThat(library.list()).isEmpty();
        assertThat(dir.resolve("hf/models--acme--Big-GGUF/snapshots")).doesNotExist();
        assertThat(dir.resolve("hf/models--acme--Big-GGUF/blobs").resolve(Fixtures.sha256(BYTES[0]))).exists();

        hub.clearRequests();
        StoredModel m = library.download(variant(shards()));

        assertThat(m.shards().get(2)).hasBinaryContent(BYTES[2]);
        assertThat(hub.requests()).extracting(r -> r.path())
                .noneMatch(p -> p.contains("00001-of") || p.contains("00002-of")).anyMatch(p -> p.contains("00003-of"));
    }

    @Test
    void verifiedShardsLeftUnlinkedAreCleanedOnceStaleAndLinkedBlobsNever() throws Exception {
        StoredModel other = library.download(new GgufVariant(REPO, FakeHub.COMMIT, Optional.empty(),
                List.of(file(PROJECTOR, PROJECTOR_BYTES)), Optional.empty()));
        List<RepoFile> wrong = List.of(file(SHARDS[0], BYTES[0]), file(SHARDS[1], BYTES[1]),
                new RepoFile(SHARDS[2], BYTES[2].length, Optional.of("0".repeat(64))));
        assertThatThrownBy(() -> library.download(variant(wrong))).isInstanceOf(ChecksumMismatchException.class);
        Path blobs = dir.resolve("hf/models--acme--Big-GGUF/blobs");
        Path one = blobs.resolve(Fixtures.sha256(BYTES[0]));
        Path two = blobs.resolve(Fixtures.sha256(BYTES[1]));
        Path linked = blobs.resolve(Fixtures.sha256(PROJECTOR_BYTES));

        // Fresh: kept, the download may be resumed.
        assertThat(library.cleanPartials(java.time.Duration.ofDays(7))).isEmpty();
        FileTime old = FileTime.from(Instant.parse("2026-10-01T00:00:00Z"));
        for (Path p : List.of(one, two, linked)) {
            Files.setLastModifiedTime(p, old);
        }

        assertThat(library.cleanPartials(java.time.Duration.ofDays(7))).containsExactlyInAnyOrder(one, two);
        assertThat(one).doesNotExist();
        assertThat(linked).exists();
        assertThat(other.path()).hasBinaryContent(PROJECTOR_BYTES);
    }

    @Test
    void filesThatAreNotOneSplitModelAreRefusedBeforeAnyRequest() {
        List<List<RepoFile>> bad = List.of(
                List.of(file(SHARDS[0], BYTES[0])),
                List.of(file(SHARDS[0], BYTES[0]), file(SHARDS[2], BYTES[2])),
                List.of(file(SHARDS[1], BYTES[1]), file(SHARDS[0], BYTES[0]), file(SHARDS[2], BYTES[2])),
                List.of(file(SHARDS[0], BYTES[0]), file("other/big-Q8_0-00002-of-00003.gguf", BYTES[1]),
                        file(SHARDS[2], BYTES[2])),
                List.of(file(SHARDS[0], BYTES[0]), file("Q8_0/../big-Q8_0-00002-of-00003.gguf", BYTES[1]),
                        file(SHARDS[2], BYTES[2])));
        for (List<RepoFile> shards : bad) {
            assertThatThrownBy(() -> library.download(variant(shards))).as(shards.toString())
                    .isInstanceOf(InvalidRequestException.class);
        }
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void aHubReferenceToTheFirstShardBringsEveryShardAndAnotherShardIsRefused() {
        StoredModel m = library.download(new ModelRef.Hub(REPO, SHARDS[0], "main"));

        assertThat(m.shards()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(m.shards().get(i)).hasBinaryContent(BYTES[i]);
        }
        assertThat(m.size()).isEqualTo(BYTES[0].length + BYTES[1].length + BYTES[2].length);
        assertThat(m.projector()).isEmpty();
        assertThat(library.find(new ModelRef.Hub(REPO, SHARDS[0], "main"))).hasValueSatisfying(
                found -> assertThat(found.size()).isEqualTo(m.size()));
        hub.clearRequests();
        assertThatThrownBy(() -> library.download(new ModelRef.Hub(REPO, SHARDS[1], "main")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining(SHARDS[0]);
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void deletingASplitModelRemovesEveryShard() {
        StoredModel m = library.download(variant(shards()));

        library.delete(m);

        for (int i = 0; i < 3; i++) {
            assertThat(m.shards().get(i)).doesNotExist();
            assertThat(dir.resolve("hf/models--acme--Big-GGUF/blobs").resolve(Fixtures.sha256(BYTES[i])))
                    .doesNotExist();
        }
        assertThat(library.list()).isEmpty();
    }
}
