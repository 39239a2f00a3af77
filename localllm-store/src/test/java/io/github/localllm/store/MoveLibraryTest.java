package io.github.localllm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Moving the library's home, whole or, after a crash at any step, finished or undone on the next open. */
@Timeout(60)
class MoveLibraryTest {
    private static final byte[] MODEL = Fixtures.model(71);
    private static final byte[] CACHED = Fixtures.model(72);
    private static final String REPO = "acme/Tiny-GGUF";
    private static final String COMMIT = "3".repeat(40);

    @TempDir
    Path dir;

    /** Stands for the process dying at a step. */
    private static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Crash(String step) {
            super("crash at " + step);
        }
    }

    private ModelLibrary open(Path home, boolean rename, Consumer<String> checkpoint) {
        return ModelLibrary.builder().home(home).hfCache(home.resolve("hf")).readOtherTools(false)
                .environment(Map.of()).moveSteps(rename, checkpoint).build();
    }

    private ModelLibrary open(Path home) {
        return open(home, true, step -> { });
    }

    /** An import and a Hugging Face cache entry (blob, relative snapshot link, ref) under the home. */
    private StoredModel fill(ModelLibrary library) throws Exception {
        Path original = dir.resolve("mine-Q4_K_M.gguf");
        Files.write(original, MODEL);
        StoredModel imported = library.importFile(original, ImportMode.MOVE);
        Path repo = library.hfCache().resolve("models--acme--Tiny-GGUF");
        String sha = Fixtures.sha256(CACHED);
        Files.createDirectories(repo.resolve("blobs"));
        Files.write(repo.resolve("blobs").resolve(sha), CACHED);
        Path link = repo.resolve("snapshots").resolve(COMMIT).resolve("tiny-Q8_0.gguf");
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, Path.of("../../blobs/" + sha));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), COMMIT);
        library.markUsed(library.find(new ModelRef.Hub(REPO, "tiny-Q8_0.gguf", "main")).orElseThrow());
        return imported;
    }

    private void assertMovedTo(Path home, Path old, StoredModel imported) {
        try (ModelLibrary library = open(home)) {
            assertThat(old).doesNotExist();
            assertThat(LibraryMove.journalOf(home)).doesNotExist();
            assertThat(library.home()).isEqualTo(home);
            assertThat(library.list()).hasSize(2).allSatisfy(m -> assertThat(m.path()).startsWith(home).exists());
            StoredModel moved = library.find(new ModelRef.File(home.resolve(old.relativize(imported.path())
                    .toString()))).orElseThrow();
            assertThat(moved.id()).isEqualTo(imported.id());
            assertThat(moved.path()).hasBinaryContent(MODEL);
            StoredModel cached = library.find(new ModelRef.Hub(REPO, "tiny-Q8_0.gguf", "main")).orElseThrow();
            assertThat(cached.path()).hasBinaryContent(CACHED);
            assertThat(cached.lastUsedAt()).isPresent();
        }
    }

    @Test
    void aMoveOnOneFileSystemRenamesTheHomeAndRewritesTheRecords() throws Exception {
        Path old = dir.resolve("old");
        Path to = dir.resolve("elsewhere/new");
        StoredModel imported;
        try (ModelLibrary library = open(old)) {
            imported = fill(library);
            library.moveTo(to);
            assertThat(library.home()).isEqualTo(to);
            assertThat(library.hfCache()).isEqualTo(to.resolve("hf"));
            assertThat(library.list()).hasSize(2).allSatisfy(m -> assertThat(m.path()).startsWith(to));
        }
        assertMovedTo(to, old, imported);
    }

    @Test
    void aMoveByCopyKeepsTheCacheLinksAndDeletesTheOldHome() throws Exception {
        Path old = dir.resolve("old");
        Path to = Files.createDirectories(dir.resolve("empty"));
        StoredModel imported;
        try (ModelLibrary library = open(old, false, step -> { })) {
            imported = fill(library);
            library.moveTo(to);
        }
        assertThat(Files.isSymbolicLink(to.resolve("hf/models--acme--Tiny-GGUF/snapshots").resolve(COMMIT)
                .resolve("tiny-Q8_0.gguf"))).isTrue();
        assertMovedTo(to, old, imported);
    }

    @Test
    void aCrashWhileCopyingIsUndoneWhenTheOldHomeIsOpened() throws Exception {
        Path old = dir.resolve("old");
        Path to = dir.resolve("new");
        StoredModel imported;
        try (ModelLibrary library = open(old, false, step -> {
            if (step.startsWith("COPIED")) {
                throw new Crash(step);
            }
        })) {
            imported = fill(library);
            assertThatThrownBy(() -> library.moveTo(to)).isInstanceOf(Crash.class);
        }
        assertThat(LibraryMove.journalOf(old)).exists();

        try (ModelLibrary reopened = open(old)) {
            assertThat(reopened.home()).isEqualTo(old);
            assertThat(to).doesNotExist();
            assertThat(LibraryMove.journalOf(old)).doesNotExist();
            assertThat(reopened.list()).hasSize(2).allSatisfy(m -> assertThat(m.path()).startsWith(old).exists());
            assertThat(reopened.find(new ModelRef.File(imported.path()))).isPresent();
        }
    }

    @Test
    void aCrashAfterTheCopyIsFinishedFromEitherHome() throws Exception {
        for (boolean openOld : new boolean[] {true, false}) {
            Path old = dir.resolve("old-" + openOld);
            Path to = dir.resolve("new-" + openOld);
            StoredModel imported;
            try (ModelLibrary library = open(old, false, step -> {
                if (step.equals("DELETING")) {
                    throw new Crash(step);
                }
            })) {
                imported = fill(library);
                assertThatThrownBy(() -> library.moveTo(to)).isInstanceOf(Crash.class);
            }
            assertThat(LibraryMove.journalOf(old)).exists();
            assertThat(LibraryMove.journalOf(to)).exists();
            try (ModelLibrary reopened = open(openOld ? old : to)) {
                assertThat(reopened.home()).isEqualTo(to);
            }
            assertMovedTo(to, old, imported);
        }
    }

    @Test
    void aCrashAfterTheRenameIsFinishedFromEitherHome() throws Exception {
        for (boolean openOld : new boolean[] {true, false}) {
            Path old = dir.resolve("old-" + openOld);
            Path to = dir.resolve("new-" + openOld);
            StoredModel imported;
            try (ModelLibrary library = open(old, true, step -> {
                if (step.equals("RENAMED")) {
                    throw new Crash(step);
                }
            })) {
                imported = fill(library);
                assertThatThrownBy(() -> library.moveTo(to)).isInstanceOf(Crash.class);
            }
            assertThat(old).doesNotExist();
            assertThat(LibraryMove.journalOf(old)).exists();
            try (ModelLibrary reopened = open(openOld ? old : to)) {
                assertThat(reopened.home()).isEqualTo(to);
                assertThat(reopened.hfCache()).isEqualTo(to.resolve("hf"));
            }
            assertMovedTo(to, old, imported);
        }
    }

    @Test
    void aJournalThatFitsNeitherStateIsReportedNotGuessed() throws Exception {
        Path old = Files.createDirectories(dir.resolve("old"));
        Path to = Files.createDirectories(dir.resolve("new"));
        Files.writeString(LibraryMove.journalOf(old), "{\"version\":1,\"phase\":\"RENAMING\",\"from\":\""
                + old + "\",\"to\":\"" + to + "\"}");

        assertThatThrownBy(() -> open(old)).isInstanceOf(io.github.localllm.StorageException.class)
                .hasMessageContaining("both exist").hasMessageContaining("by hand");
        assertThat(old).exists();
        assertThat(to).exists();
    }

    @Test
    void aCrashBeforeTheRenameIsUndoneWhenTheOldHomeIsOpened() throws Exception {
        Path old = dir.resolve("old");
        try (ModelLibrary library = open(old, true, step -> {
            if (step.equals("RENAMING")) {
                throw new Crash(step);
            }
        })) {
            fill(library);
            assertThatThrownBy(() -> library.moveTo(dir.resolve("new"))).isInstanceOf(Crash.class);
        }
        try (ModelLibrary reopened = open(old)) {
            assertThat(reopened.home()).isEqualTo(old);
            assertThat(LibraryMove.journalOf(old)).doesNotExist();
            assertThat(reopened.list()).hasSize(2);
        }
    }

    @Test
    void aTargetInsideTheHomeOrWithFilesIsRefused() throws Exception {
        Path old = dir.resolve("old");
        Path full = Files.createDirectories(dir.resolve("full"));
        Files.writeString(full.resolve("x"), "x");
        try (ModelLibrary library = open(old)) {
            fill(library);
            assertThatThrownBy(() -> library.moveTo(old.resolve("inner"))).isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> library.moveTo(full)).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("not empty");
            assertThat(library.home()).isEqualTo(old);
            assertThat(library.list()).hasSize(2);
        }
    }
}
