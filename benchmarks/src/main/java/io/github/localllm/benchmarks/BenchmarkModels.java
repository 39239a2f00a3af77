package io.github.localllm.benchmarks;

import io.github.localllm.gguf.GgmlType;
import io.github.localllm.gguf.GgufFile;
import io.github.localllm.gguf.GgufSource;
import io.github.localllm.gguf.GgufWriter;
import io.github.localllm.gguf.SyntheticModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** Model files for the benchmarks, written once into {@code java.io.tmpdir} and reused by name. */
final class BenchmarkModels {
    private BenchmarkModels() {
    }

    /** @return a directory for cached benchmark models ({@code -Dlocalllm.bench.dir}, else java.io.tmpdir) */
    static Path directory() {
        return Path.of(System.getProperty("localllm.bench.dir", System.getProperty("java.io.tmpdir")));
    }

    /**
     * A synthetic llama model with random weights, written if not cached yet.
     *
     * @param parameters the wanted parameter count
     * @param type the tensor type
     * @return the file
     */
    static Path synthetic(long parameters, GgmlType type) {
        Path file = directory().resolve("localllm-bench-synthetic-" + parameters / 1_000_000 + "M-"
                + type.name().toLowerCase(java.util.Locale.ROOT) + ".gguf");
        if (!Files.isRegularFile(file)) {
            // The writer moves the file into place atomically, so an existing file is complete.
            SyntheticModel.withParameterCount(parameters).tensorType(type).build().write(file);
        }
        return file;
    }

    /**
     * A synthetic llama model written as F16 and quantized by the real {@code llama-quantize}
     * ({@link LlamaCppTools#quantize()}) with 2 threads, if not cached yet; the F16 file is deleted
     * afterwards (2 GB for 1B parameters).
     *
     * @param parameters the wanted parameter count
     * @param quantization a type {@code llama-quantize} takes, such as {@code Q4_K_M} or {@code Q8_0}
     * @return the quantized file
     */
    static Path quantized(long parameters, String quantization) {
        String size = parameters >= 1_000_000_000L && parameters % 1_000_000_000L == 0
                ? parameters / 1_000_000_000L + "B" : parameters / 1_000_000 + "M";
        Path file = directory().resolve("localllm-bench-synthetic-" + size + "-"
                + quantization.toLowerCase(java.util.Locale.ROOT) + ".gguf");
        if (Files.isRegularFile(file)) {
            return file;
        }
        Path f16 = directory().resolve("localllm-bench-synthetic-" + size + "-f16.gguf");
        Path part = file.resolveSibling(file.getFileName() + ".part");
        try {
            if (!Files.isRegularFile(f16)) {
                SyntheticModel.withParameterCount(parameters).tensorType(GgmlType.F16).build().write(f16);
            }
            LlamaCppTools.run(java.util.List.of(LlamaCppTools.quantize().toString(), f16.toString(), part.toString(),
                    quantization, "2"), java.time.Duration.ofMinutes(20));
            Files.move(part, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.delete(f16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /**
     * A GGUF file with the complete header of a synthetic model of {@code parameters} parameters
     * (metadata, 32000-token vocabulary, every tensor description) whose tensor data region is a hole
     * made with {@link RandomAccessFile#setLength}: a file of the model's full size that costs no disk
     * space and is written in well under a second. Only header readers can use it.
     *
     * @param parameters the parameter count of the model whose header is written
     * @return the file
     */
    static Path sparse(long parameters) {
        Path file = directory().resolve("localllm-bench-sparse-" + parameters / 1_000_000 + "M-q8_0.gguf");
        if (Files.isRegularFile(file)) {
            return file;
        }
        GgufWriter writer = SyntheticModel.withParameterCount(parameters).tensorType(GgmlType.Q8_0).build().writer();
        byte[] head = headerBytes(writer);
        // Read the header back to learn where the data starts and how long it is.
        GgufFile header = GgufFile.read(new PrefixSource(head, Long.MAX_VALUE / 4));
        long total = header.tensorDataOffset() + header.tensorDataSize();
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        try (RandomAccessFile raf = new RandomAccessFile(tmp.toFile(), "rw")) {
            raf.setLength(0);
            raf.write(head, 0, (int) header.tensorDataOffset());
            raf.setLength(total);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + tmp + ": " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + tmp + " to " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    private static final int HEADER_LIMIT = 16 << 20;

    /** Collects the writer's output until {@link #HEADER_LIMIT} bytes, enough for any synthetic header. */
    private static byte[] headerBytes(GgufWriter writer) {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        final class Enough extends RuntimeException {
            private static final long serialVersionUID = 1L;

            Enough() {
                super(null, null, false, false);
            }
        }
        WritableByteChannel capture = new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) {
                if (head.size() >= HEADER_LIMIT) {
                    throw new Enough();
                }
                int n = src.remaining();
                byte[] bytes = new byte[n];
                src.get(bytes);
                head.write(bytes, 0, n);
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        try {
            writer.write(capture);
        } catch (Enough stop) {
            // The header and the start of the data are captured; the rest is never generated.
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return head.toByteArray();
    }

    /** The first bytes of a file that claims a larger size: enough for the header reader. */
    private static final class PrefixSource implements GgufSource {
        private final byte[] prefix;
        private final long size;

        PrefixSource(byte[] prefix, long size) {
            this.prefix = prefix;
            this.size = size;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public int read(long position, ByteBuffer dst) {
            if (position >= prefix.length) {
                throw new IllegalStateException("the header is longer than " + prefix.length + " bytes");
            }
            int n = (int) Math.min(dst.remaining(), prefix.length - position);
            dst.put(prefix, (int) position, n);
            return n;
        }

        @Override
        public void close() {
        }
    }
}
