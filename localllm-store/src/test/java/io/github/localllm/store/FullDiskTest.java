package io.github.localllm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.StorageException;
import io.github.localllm.store.internal.ResumeRecord;
import io.github.localllm.testkit.FakeHub;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class FullDiskTest {
    private static final byte[] MODEL = Fixtures.model();

    @TempDir
    Path dir;

    @Test
    void aDiskThatFillsUpMidwayIsAClearErrorThatKeepsThePartialForLater() {
        Path target = dir.resolve("m.gguf");
        AtomicLong budget = new AtomicLong(MODEL.length / 3);
        try (FakeHub hub = FakeHub.builder().file("acme/M-GGUF", "m.gguf", MODEL).start()) {
            DownloadRequest request = DownloadRequest.builder(hub.resolveUri("acme/M-GGUF", "m.gguf"), target).build();
            try (Downloader full = Downloader.builder().chunkSize(64 << 10).backoff(Duration.ofMillis(5))
                    .channels((file, options) -> new FullDiskChannel(FileChannel.open(file, options), budget))
                    .build()) {
                assertThatThrownBy(() -> full.download(request))
                        .isInstanceOf(StorageException.class)
                        .hasMessageContaining("No space left on device")
                        .hasMessageContaining("the disk is full")
                        .hasMessageContaining("partial download is kept");
            }
            assertThat(target).doesNotExist();
            assertThat(Downloader.partialFile(target)).exists();
            long kept = ResumeRecord.read(Downloader.recordFile(target)).orElseThrow().written();
            assertThat(kept).isPositive().isLessThanOrEqualTo(MODEL.length / 3);

            try (Downloader roomy = Downloader.builder().chunkSize(64 << 10).build()) {
                DownloadResult result = roomy.download(request);
                assertThat(result.sha256()).isEqualTo(Fixtures.sha256(MODEL));
                assertThat(result.transferredBytes()).isEqualTo(MODEL.length - kept);
            }
            assertThat(target).hasBinaryContent(MODEL);
        }
    }
}
