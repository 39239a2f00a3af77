package io.github.localllm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.ModelRef;
import io.github.localllm.testkit.FakeRangeServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Plain address downloads into the library's home, and exports out of the library. */
@Timeout(60)
class UrlAndExportTest {
    private static final byte[] MODEL = Fixtures.model(41);
    private static final String SHA = Fixtures.sha256(MODEL);

    @TempDir
    Path dir;
    private FakeRangeServer server;
    private ModelLibrary library;

    @BeforeEach
    void start() {
        server = FakeRangeServer.builder().file("/models/tiny-Q8_0.gguf", MODEL).start();
        library = ModelLibrary.builder().hfCache(dir.resolve("hf")).home(dir.resolve("home"))
                .ollamaModels(dir.resolve("ollama")).lmStudioModels(dir.resolve("lmstudio")).environment(Map.of())
                .downloader(Downloader.builder().chunkSize(64 << 10).build()).build();
    }

    @AfterEach
    void stop() {
        library.close();
        server.close();
    }

    @Test
    void anAddressIsDownloadedIntoTheHomeRecordedAndFoundOffline() throws Exception {
        ModelRef.Url ref = new ModelRef.Url(URI.create(server.uri() + "/models/tiny-Q8_0.gguf?signature=s3cr3t"));

        StoredModel m = library.download(ref);

        assertThat(m.source()).isEqualTo(ModelSource.URL);
        assertThat(m.path()).startsWith(dir.resolve("home/downloads")).hasBinaryContent(MODEL);
        assertThat(m.path().getFileName()).hasToString("tiny-Q8_0.gguf");
        assertThat(m.id()).isEqualTo("url:" + server.uri() + "/models/tiny-Q8_0.gguf");
        assertThat(m.sha256()).contains(SHA);
        assertThat(m.quantization()).contains("Q8_0");
        try (Stream<Path> records = Files.list(dir.resolve("home/records"))) {
            assertThat(records.map(p -> {
                try {
                    return Files.readString(p);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            })).noneMatch(text -> text.contains("s3cr3t"));
        }
        server.close();
        assertThat(library.find(ref)).contains(m);
        assertThat(library.download(ref)).isEqualTo(m);
        assertThat(library.list()).contains(m);
    }

    @Test
    void anAddressWithoutAFileNameIsRefused() {
        assertThatThrownBy(() -> library.download(new ModelRef.Url(URI.create(server.uri() + "/models/"))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("names no file");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void anExportIsAVerifiedCopyThatAnIdenticalFileDoesNotBlock() throws Exception {
        Path original = dir.resolve("mine-F16.gguf");
        Files.write(original, MODEL);
        StoredModel m = library.importFile(original, ImportMode.MOVE);
        Path out = dir.resolve("out");

        Path exported = library.export(m, out);

        assertThat(exported).isEqualTo(out.resolve("mine-F16.gguf")).hasBinaryContent(MODEL);
        assertThat(m.path()).exists();
        assertThat(library.export(m, out)).isEqualTo(exported);
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files).containsExactly(exported);
        }
        Files.write(exported, Fixtures.random(100, 1));
        assertThatThrownBy(() -> library.export(m, out)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("a different file");
    }

    @Test
    void aFileThatChangedSinceItWasRecordedIsNotExported() throws Exception {
        Path original = dir.resolve("mine-F16.gguf");
        Files.write(original, MODEL);
        StoredModel m = library.importFile(original, ImportMode.COPY);
        byte[] changed = MODEL.clone();
        changed[changed.length - 1] ^= 1;
        Files.write(m.path(), changed);

        assertThatThrownBy(() -> library.export(m, dir.resolve("out"))).isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("changed since it was recorded");
        try (Stream<Path> files = Files.list(dir.resolve("out"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void hostileNamesAreRefusedAndMissingFilesReported() throws Exception {
        Path file = dir.resolve("real.gguf");
        Files.write(file, MODEL);
        for (String name : List.of("..", "evil" + (char) 7 + ".gguf", "a\\..\\b.gguf", "C:x.gguf")) {
            StoredModel hostile = new StoredModel("import:x", ModelSource.IMPORTED, file, Optional.empty(),
                    Optional.empty(), name, Optional.empty(), MODEL.length, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty());
            assertThatThrownBy(() -> library.export(hostile, dir.resolve("out"))).as(name)
                    .isInstanceOf(InvalidRequestException.class);
        }
        assertThat(dir.resolve("out")).doesNotExist();
        StoredModel gone = new StoredModel("import:y", ModelSource.IMPORTED, dir.resolve("gone.gguf"), Optional.empty(),
                Optional.empty(), "gone.gguf", Optional.empty(), 1, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
        assertThatThrownBy(() -> library.export(gone, dir.resolve("out"))).isInstanceOf(ModelNotFoundException.class);
    }

    @Test
    void anOllamaModelIsExportedUnderAFileNameWithItsProjector() throws Exception {
        byte[] projector = Fixtures.model(42);
        Path blobs = Files.createDirectories(dir.resolve("ollama/blobs"));
        Files.write(blobs.resolve("sha256-" + SHA), MODEL);
        Files.write(blobs.resolve("sha256-" + Fixtures.sha256(projector)), projector);
        Path manifest = dir.resolve("ollama/manifests/registry.ollama.ai/library/tiny/latest");
        Files.createDirectories(manifest.getParent());
        Files.writeString(manifest, "{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"application/vnd.ollama.image"
                + ".model\",\"digest\":\"sha256:" + SHA + "\",\"size\":" + MODEL.length + "},{\"mediaType\":"
                + "\"application/vnd.ollama.image.projector\",\"digest\":\"sha256:" + Fixtures.sha256(projector)
                + "\",\"size\":" + projector.length + "}]}");
        StoredModel m = library.find(new ModelRef.Name("tiny")).orElseThrow();

        Path exported = library.export(m, dir.resolve("out"));

        assertThat(exported).isEqualTo(dir.resolve("out/tiny-latest.gguf")).hasBinaryContent(MODEL);
        assertThat(dir.resolve("out/tiny-latest-mmproj.gguf")).hasBinaryContent(projector);
        assertThat(m.path()).exists();
    }
}
