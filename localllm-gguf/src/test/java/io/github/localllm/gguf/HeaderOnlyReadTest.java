package io.github.localllm.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader touches only the header, whatever the size of the tensor data behind it. */
class HeaderOnlyReadTest {
    @TempDir
    Path dir;

    /** Counts what the reader asks for. */
    static final class CountingSource implements GgufSource {
        final GgufSource inner;
        long bytesRead;
        long furthest;

        CountingSource(GgufSource inner) {
            this.inner = inner;
        }

        @Override
        public long size() {
            return inner.size();
        }

        @Override
        public int read(long position, ByteBuffer dst) {
            int n = inner.read(position, dst);
            if (n > 0) {
                bytesRead += n;
                furthest = Math.max(furthest, position + n);
            }
            return n;
        }

        @Override
        public Optional<Path> path() {
            return inner.path();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void oneGigabyteSparseFileIsDescribedFromItsHeaderAlone() throws IOException {
        long elements = 256L * 1024 * 1024; // 1 GiB of F32
        byte[] header = HeaderBytes.gguf(3, 1, 1).kvString("general.architecture", "llama")
                .tensor("huge.weight", 0, 0, 1024, elements / 1024).padTo(32).bytes();
        Path file = dir.resolve("sparse.gguf");
        Files.write(file, header);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(header.length + elements * 4);
        }

        try (CountingSource source = new CountingSource(GgufSource.open(file))) {
            GgufFile f = GgufFile.read(source);
            assertThat(f.fileSize()).isEqualTo(header.length + elements * 4);
            assertThat(f.tensorDataOffset()).isEqualTo(header.length);
            assertThat(f.tensors().get(0).byteSize()).isEqualTo(elements * 4);
            // One buffer fill at most: the header plus read-ahead, never the gigabyte behind it.
            assertThat(source.bytesRead).isLessThanOrEqualTo(GgufReader.BUFFER_SIZE);
            assertThat(source.furthest).isLessThanOrEqualTo(GgufReader.BUFFER_SIZE);
        }
    }

    @Test
    void bigTokenListIsReadCompactlyAndLazily() {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 150_000; i++) {
            tokens.add("tok" + i);
        }
        GgufWriter w = GgufWriter.create().putString("general.architecture", "llama")
                .put("tokenizer.ggml.tokens", GgufArray.ofStrings(tokens));
        Path file = dir.resolve("vocab.gguf");
        w.write(file);

        try (CountingSource source = new CountingSource(GgufSource.open(file))) {
            GgufFile f = GgufFile.read(source);
            // Every byte once, plus a few re-read where a field straddles two buffer fills.
            assertThat(source.bytesRead).isBetween(f.fileSize(), f.fileSize() + f.fileSize() / 100);
            assertThat(f.model().vocabularySize()).hasValue(150_000);
            List<String> read = f.model().tokens().orElseThrow();
            assertThat(read.get(0)).isEqualTo("tok0");
            assertThat(read.get(149_999)).isEqualTo("tok149999");
            assertThat(read).isEqualTo(tokens);
        }
    }
}
