package io.github.localllm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.store.DeletionSuggestion.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SuggestDeletionsTest {
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    @TempDir
    Path dir;

    /** A clock the test moves by hand, so installed and used times are known. */
    private static final class HandClock extends Clock {
        Instant now = T0;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private StoredModel importAt(ModelLibrary library, HandClock clock, int day, String name, long seed)
            throws Exception {
        clock.now = T0.plus(Duration.ofDays(day));
        Path file = Files.createDirectories(dir.resolve("in" + seed)).resolve(name);
        Files.write(file, Fixtures.model(seed));
        return library.importFile(file, ImportMode.MOVE);
    }

    @Test
    void neverUsedThenLeastRecentlyUsedThenSupersededWithTheBytesEachFrees() throws Exception {
        HandClock clock = new HandClock();
        try (ModelLibrary library = ModelLibrary.builder().hfCache(dir.resolve("hf")).home(dir.resolve("home"))
                .ollamaModels(dir.resolve("ollama")).lmStudioModels(dir.resolve("lmstudio")).environment(Map.of())
                .clock(clock).build()) {
            StoredModel a = importAt(library, clock, 1, "a-Q4_K_M.gguf", 51);
            StoredModel b = importAt(library, clock, 2, "b-Q4_K_M.gguf", 52);
            StoredModel c = importAt(library, clock, 3, "c-Q4_K_M.gguf", 53);
            StoredModel oldX = importAt(library, clock, 4, "x-Q8_0.gguf", 54);
            StoredModel newX = importAt(library, clock, 5, "x-Q8_0.gguf", 55);
            clock.now = T0.plus(Duration.ofDays(9));
            library.markUsed(c);
            clock.now = T0.plus(Duration.ofDays(8));
            library.markUsed(a);
            // Another tool's model is never proposed.
            Path lm = Files.createDirectories(dir.resolve("lmstudio/pub/repo"));
            Files.write(lm.resolve("old-Q2_K.gguf"), Fixtures.model(56));

            List<DeletionSuggestion> all = library.suggestDeletions(Long.MAX_VALUE);

            assertThat(all).extracting(s -> s.model().id()).containsExactly(oldX.id(), b.id(), newX.id(), a.id(),
                    c.id());
            assertThat(all).extracting(DeletionSuggestion::reason).containsExactly(Reason.SUPERSEDED,
                    Reason.NEVER_USED, Reason.NEVER_USED, Reason.LEAST_RECENTLY_USED, Reason.LEAST_RECENTLY_USED);
            assertThat(all.get(0).supersededBy()).hasValueSatisfying(s -> assertThat(s.id()).isEqualTo(newX.id()));
            assertThat(all).allSatisfy(s -> assertThat(s.bytesFreed()).isEqualTo(s.model().size()));

            List<DeletionSuggestion> some = library.suggestDeletions(oldX.size() + 1);
            assertThat(some).extracting(s -> s.model().id()).containsExactly(oldX.id(), b.id());
            assertThat(library.suggestDeletions(0)).isEmpty();
            assertThatThrownBy(() -> library.suggestDeletions(-1)).isInstanceOf(InvalidRequestException.class);
        }
    }

    @Test
    void anOlderRevisionSharingItsBlobFreesNothingUntilTheCurrentOneGoesToo() throws Exception {
        byte[] bytes = Fixtures.model(61);
        String sha = Fixtures.sha256(bytes);
        Path repo = dir.resolve("hf/models--acme--Tiny-GGUF");
        Files.createDirectories(repo.resolve("blobs"));
        Files.write(repo.resolve("blobs").resolve(sha), bytes);
        String oldCommit = "1".repeat(40);
        String newCommit = "2".repeat(40);
        for (String commit : List.of(oldCommit, newCommit)) {
            Path link = repo.resolve("snapshots").resolve(commit).resolve("tiny-Q8_0.gguf");
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, Path.of("../../blobs/" + sha));
        }
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), newCommit);

        try (ModelLibrary library = ModelLibrary.builder().hfCache(dir.resolve("hf")).home(dir.resolve("home"))
                .readOtherTools(false).environment(Map.of()).build()) {
            List<DeletionSuggestion> s = library.suggestDeletions(1);

            assertThat(s).hasSize(2);
            assertThat(s.get(0).model().revision()).contains(oldCommit);
            assertThat(s.get(0).reason()).isEqualTo(Reason.SUPERSEDED);
            assertThat(s.get(0).bytesFreed()).isZero();
            assertThat(s.get(1).model().revision()).contains(newCommit);
            assertThat(s.get(1).reason()).isEqualTo(Reason.NEVER_USED);
            assertThat(s.get(1).bytesFreed()).isEqualTo(bytes.length);

            // A tag that still names the old revision keeps it current too.
            Files.createDirectories(repo.resolve("refs/tags"));
            Files.writeString(repo.resolve("refs/tags/v1"), oldCommit);
            assertThat(library.suggestDeletions(1)).extracting(DeletionSuggestion::reason)
                    .containsOnly(Reason.NEVER_USED);
        }
    }
}
