package io.github.localllm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.InvalidModelFileException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.ModelRef;
import io.github.localllm.store.internal.ResumeRecord;
import io.github.localllm.testkit.FakeHub;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ModelLibraryTest {
    private static final String REPO = "acme/Tiny-GGUF";
    private static final String FILE = "tiny-Q8_0.gguf";
    private static final byte[] MODEL = Fixtures.model();
    private static final String SHA = Fixtures.sha256(MODEL);
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    @TempDir
    Path dir;
    private FakeHub hub;
    private ModelLibrary library;

    @BeforeEach
    void start() {
        hub = FakeHub.builder().file(REPO, FILE, MODEL).file(REPO, "gguf/sub-IQ2_XXS.gguf", MODEL)
                .file("meta/Gated-GGUF", FILE, MODEL).gated("meta/Gated-GGUF", "hf_ok").start();
        library = library(ModelLibrary.builder());
    }

    private ModelLibrary library(ModelLibrary.Builder b) {
        return b.hfCache(dir.resolve("hf")).home(dir.resolve("home")).ollamaModels(dir.resolve("ollama"))
                .lmStudioModels(dir.resolve("lmstudio")).endpoint(hub.uri()).environment(Map.of())
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .downloader(Downloader.builder().chunkSize(64 << 10).build()).build();
    }

    @AfterEach
    void stop() {
        library.close();
        hub.close();
    }

    @Test
    void downloadsLandInTheHuggingFaceCacheLayout() throws Exception {
        StoredModel m = library.download(new ModelRef.Hub(REPO, FILE, "main"));

        Path repoDir = dir.resolve("hf/models--acme--Tiny-GGUF");
        Path blob = repoDir.resolve("blobs").resolve(SHA);
        Path snapshot = repoDir.resolve("snapshots").resolve(FakeHub.COMMIT).resolve(FILE);
        assertThat(blob).hasBinaryContent(MODEL);
        assertThat(Files.isSymbolicLink(snapshot)).isTrue();
        assertThat(Files.readSymbolicLink(snapshot).toString()).isEqualTo("../../blobs/" + SHA);
        assertThat(repoDir.resolve("refs/main")).hasContent(FakeHub.COMMIT);
        assertThat(m.path()).isEqualTo(snapshot);
        assertThat(m.source()).isEqualTo(ModelSource.HUGGING_FACE);
        assertThat(m.repository()).contains(REPO);
        assertThat(m.revision()).contains(FakeHub.COMMIT);
        assertThat(m.quantization()).contains("Q8_0");
        assertThat(m.size()).isEqualTo(MODEL.length);
        assertThat(m.sha256()).contains(SHA);
        assertThat(m.installedAt()).contains(NOW);
        try (var files = Files.list(repoDir.resolve("blobs"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(SHA);
        }
    }

    @Test
    void aDownloadedModelIsFoundAgainWithoutTheNetwork() {
        library.download(new ModelRef.Hub(REPO, "gguf/sub-IQ2_XXS.gguf", "main"));
        hub.close();

        StoredModel found = library.find(new ModelRef.Hub(REPO, "gguf/sub-IQ2_XXS.gguf", "main")).orElseThrow();
        assertThat(found.quantization()).contains("IQ2_XXS");
        assertThat(found.path()).hasBinaryContent(MODEL);
        assertThat(library.find(new ModelRef.Hub(REPO, "gguf/sub-IQ2_XXS.gguf", FakeHub.COMMIT))).contains(found);
        // A second download of the same file is the one on disk.
        assertThat(library.download(new ModelRef.Hub(REPO, "gguf/sub-IQ2_XXS.gguf", "main"))).isEqualTo(found);
        assertThat(library.list()).extracting(StoredModel::id)
                .containsExactly("hf:" + REPO + "/gguf/sub-IQ2_XXS.gguf@" + FakeHub.COMMIT);
    }

    @Test
    void theTokenOpensAGatedRepositoryAndGoesToTheHubOnly() {
        assertThatThrownBy(() -> library.download(new ModelRef.Hub("meta/Gated-GGUF", FILE, "main")))
                .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("GatedRepo");

        try (ModelLibrary withToken = library(ModelLibrary.builder().token("hf_ok"))) {
            StoredModel m = withToken.download(new ModelRef.Hub("meta/Gated-GGUF", FILE, "main"));
            assertThat(m.path()).hasBinaryContent(MODEL);
        }
        assertThat(hub.cdn().requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
    }

    @Test
    void theHuggingFaceToolsCacheIsReadAsItIs() throws Exception {
        // The layout huggingface_hub makes: blob by hash, relative snapshot link, ref to the commit.
        Path repoDir = dir.resolve("hf/models--Qwen--Qwen2.5-0.5B-Instruct-GGUF");
        String commit = "9217f5db79a29953eb74d5343926648285ec7e67";
        Files.createDirectories(repoDir.resolve("blobs"));
        Files.write(repoDir.resolve("blobs").resolve(SHA), MODEL);
        Path snapshot = repoDir.resolve("snapshots").resolve(commit).resolve("qwen2.5-0.5b-instruct-q4_k_m.gguf");
        Files.createDirectories(snapshot.getParent());
        Files.createSymbolicLink(snapshot, Path.of("../../blobs/" + SHA));
        Files.createDirectories(repoDir.resolve("refs"));
        Files.writeString(repoDir.resolve("refs/main"), commit);

        StoredModel m = library.find(new ModelRef.Hub("Qwen/Qwen2.5-0.5B-Instruct-GGUF",
                "qwen2.5-0.5b-instruct-q4_k_m.gguf", "main")).orElseThrow();
        assertThat(m.quantization()).contains("Q4_K_M");
        assertThat(m.sha256()).contains(SHA);
        assertThat(m.size()).isEqualTo(MODEL.length);
        assertThat(m.installedAt()).isEmpty();
        assertThat(library.find(new ModelRef.Hub("Qwen/Qwen2.5-0.5B-Instruct-GGUF",
                "qwen2.5-0.5b-instruct-q4_k_m.gguf", "other-branch"))).isEmpty();
    }

    @Test
    void ollamasModelsAreListedReadOnly() throws Exception {
        Path ollama = dir.resolve("ollama");
        String digest = "sha256:" + SHA;
        Files.createDirectories(ollama.resolve("blobs"));
        Files.write(ollama.resolve("blobs").resolve("sha256-" + SHA), MODEL);
        Path manifest = ollama.resolve("manifests/registry.ollama.ai/library/tiny/q8_0");
        Files.createDirectories(manifest.getParent());
        Files.writeString(manifest, """
                {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",\
                "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:%s","size":485},\
                "layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"%s","size":%d},\
                {"mediaType":"application/vnd.ollama.image.template","digest":"sha256:%s","size":1429}]}"""
                .formatted("1".repeat(64), digest, MODEL.length, "2".repeat(64)), StandardCharsets.UTF_8);

        StoredModel m = library.find(new ModelRef.Name("tiny:q8_0")).orElseThrow();
        assertThat(m.source()).isEqualTo(ModelSource.OLLAMA);
        assertThat(m.path()).isEqualTo(ollama.resolve("blobs/sha256-" + SHA));
        assertThat(m.sha256()).contains(SHA);
        assertThat(m.quantization()).contains("Q8_0");
        assertThat(m.deletable()).isFalse();
        assertThatThrownBy(() -> library.delete(m)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("ollama rm tiny:q8_0");
        assertThat(m.path()).exists();
    }

    @Test
    void lmStudiosModelsAreListedReadOnly() throws Exception {
        Path file = dir.resolve("lmstudio/lmstudio-community/Qwen2.5-0.5B-Instruct-GGUF/Qwen2.5-0.5B-Instruct-Q4_K_M.gguf");
        Files.createDirectories(file.getParent());
        Files.write(file, MODEL);

        List<StoredModel> all = library.list();
        assertThat(all).singleElement().satisfies(m -> {
            assertThat(m.source()).isEqualTo(ModelSource.LM_STUDIO);
            assertThat(m.repository()).contains("lmstudio-community/Qwen2.5-0.5B-Instruct-GGUF");
            assertThat(m.quantization()).contains("Q4_K_M");
            assertThat(m.path()).isEqualTo(file);
        });
        assertThat(library.find(new ModelRef.File(file))).isPresent();
    }

    @Test
    void importsAreVerifiedCopiedOrMovedAndRecorded() throws Exception {
        Path original = dir.resolve("mine-F16.gguf");
        Files.write(original, MODEL);

        StoredModel copied = library.importFile(original, ImportMode.COPY);
        assertThat(original).exists();
        assertThat(copied.path()).hasBinaryContent(MODEL).startsWith(dir.resolve("home/imported"));
        assertThat(copied.sha256()).contains(SHA);
        assertThat(copied.quantization()).contains("F16");
        assertThat(copied.source()).isEqualTo(ModelSource.IMPORTED);

        library.delete(copied);
        assertThat(copied.path()).doesNotExist();
        StoredModel moved = library.importFile(original, ImportMode.MOVE);
        assertThat(original).doesNotExist();
        assertThat(moved.path()).hasBinaryContent(MODEL);
        assertThat(library.list()).extracting(StoredModel::id).containsExactly("import:" + SHA);
    }

    @Test
    void anInvalidOrTruncatedFileIsNotImported() throws Exception {
        Path junk = dir.resolve("junk.gguf");
        Files.write(junk, Fixtures.random(4096, 5));
        assertThatThrownBy(() -> library.importFile(junk, ImportMode.MOVE)).isInstanceOf(InvalidModelFileException.class);
        assertThat(junk).exists();

        Path truncated = dir.resolve("cut.gguf");
        Files.write(truncated, java.util.Arrays.copyOf(MODEL, MODEL.length / 2));
        assertThatThrownBy(() -> library.importFile(truncated, ImportMode.COPY))
                .isInstanceOf(InvalidModelFileException.class);
        assertThat(library.list()).isEmpty();
    }

    @Test
    void deletingADownloadRemovesItsSnapshotBlobAndRecord() {
        StoredModel m = library.download(new ModelRef.Hub(REPO, FILE, "main"));
        Path blob = dir.resolve("hf/models--acme--Tiny-GGUF/blobs").resolve(SHA);

        library.delete(m);

        assertThat(m.path()).doesNotExist();
        assertThat(blob).doesNotExist();
        assertThat(library.list()).isEmpty();
    }

    @Test
    void aBlobSharedByTwoSnapshotsStaysUntilTheLastGoes() {
        StoredModel a = library.download(new ModelRef.Hub(REPO, FILE, "main"));
        StoredModel b = library.download(new ModelRef.Hub(REPO, "gguf/sub-IQ2_XXS.gguf", "main"));
        Path blob = dir.resolve("hf/models--acme--Tiny-GGUF/blobs").resolve(SHA);

        library.delete(a);
        assertThat(blob).exists();
        assertThat(b.path()).hasBinaryContent(MODEL);
        library.delete(b);
        assertThat(blob).doesNotExist();
    }

    @Test
    void markUsedRecordsTheLastUseTime() {
        StoredModel m = library.download(new ModelRef.Hub(REPO, FILE, "main"));
        assertThat(m.lastUsedAt()).isEmpty();

        library.markUsed(m);

        assertThat(library.list()).singleElement().satisfies(s -> assertThat(s.lastUsedAt()).contains(NOW));
    }

    @Test
    void stalePartialsAreCleanedAndResumableOnesKept() throws Exception {
        Path blobs = dir.resolve("hf/models--acme--Tiny-GGUF/blobs");
        Files.createDirectories(blobs);
        Path orphan = Downloader.partialFile(blobs.resolve("a"));
        Files.write(orphan, new byte[10]);
        Path fresh = Downloader.partialFile(blobs.resolve("b"));
        Files.write(fresh, new byte[10]);
        new ResumeRecord("http://x/b", 10, "", "", 65536, new long[] {5}).write(Downloader.recordFile(blobs.resolve("b")));
        Path old = Downloader.partialFile(blobs.resolve("c"));
        Files.write(old, new byte[10]);
        new ResumeRecord("http://x/c", 10, "", "", 65536, new long[] {5}).write(Downloader.recordFile(blobs.resolve("c")));
        Files.setLastModifiedTime(old, FileTime.from(NOW.minus(Duration.ofDays(30))));

        List<Path> deleted = library.cleanPartials(Duration.ofDays(7));

        assertThat(deleted).containsExactlyInAnyOrder(orphan, old);
        assertThat(orphan).doesNotExist();
        assertThat(old).doesNotExist();
        assertThat(Downloader.recordFile(blobs.resolve("c"))).doesNotExist();
        assertThat(fresh).exists();
    }

    @Test
    void hostileFileNamesAreRefusedBeforeAnyRequest() {
        for (String name : List.of("a/./b.gguf", "a//b.gguf", "C:evil.gguf")) {
            assertThatThrownBy(() -> library.download(new ModelRef.Hub(REPO, name, "main")))
                    .as(name).isInstanceOf(InvalidRequestException.class).hasMessageContaining("refusing the file name");
        }
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void aCommitHeaderThatIsNotACommitNeverBecomesAPath() throws Exception {
        String served = "/" + REPO + "/resolve/main/" + FILE;
        try (io.github.localllm.testkit.FakeRangeServer mirror = io.github.localllm.testkit.FakeRangeServer.builder()
                .file(served, MODEL).header(served, "X-Repo-Commit", "../../../../escaped")
                .header(served, "X-Linked-Etag", "\"" + SHA + "\"").start();
             ModelLibrary viaMirror = ModelLibrary.builder().hfCache(dir.resolve("hf")).home(dir.resolve("home"))
                     .readOtherTools(false).endpoint(mirror.uri()).environment(Map.of())
                     .clock(Clock.fixed(NOW, ZoneOffset.UTC)).downloader(Downloader.builder().chunkSize(64 << 10).build())
                     .build()) {
            StoredModel m = viaMirror.download(new ModelRef.Hub(REPO, FILE, "main"));
            assertThat(m.path()).hasBinaryContent(MODEL);
            assertThat(m.revision()).hasValue("main");
            assertThat(m.path().normalize()).startsWith(dir.resolve("hf"));
        }
        try (var all = Files.walk(dir)) {
            assertThat(all.filter(p -> p.getFileName().toString().equals("escaped"))).isEmpty();
        }
    }

    @Test
    void downloadsGoToTheConfiguredMirror() {
        assertThat(library(ModelLibrary.builder()).hfCache()).isEqualTo(dir.resolve("hf"));
        try (ModelLibrary defaults = ModelLibrary.builder().environment(Map.of("HF_ENDPOINT", hub.uri().toString(),
                "HF_HUB_CACHE", dir.resolve("env-cache").toString())).home(dir.resolve("h2"))
                .readOtherTools(false).build()) {
            assertThat(defaults.hfCache()).isEqualTo(dir.resolve("env-cache"));
            assertThat(defaults.download(new ModelRef.Hub(REPO, FILE, "main")).path()).hasBinaryContent(MODEL);
        }
        assertThat(URI.create(hub.uri() + "/x")).isNotNull();
    }
}
