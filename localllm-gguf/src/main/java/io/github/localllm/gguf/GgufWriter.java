package io.github.localllm.gguf;

import java.io.IOException;
import io.github.localllm.StorageException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes a GGUF v3 file: metadata, tensor infos, then each tensor's data padded to the alignment.
 * Tensor data is pulled from each {@link TensorData} as it is written, so memory use does not grow
 * with the model. Writing to a path goes through a temporary file moved into place, so a reader
 * never sees a half-written model.
 */
public final class GgufWriter {
    private final LinkedHashMap<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private final Set<String> tensorNames = new HashSet<>();
    private int alignment = 32;

    private record Tensor(String name, long[] dims, GgmlType type, long byteSize, TensorData data) {
    }

    private GgufWriter() {
    }

    /** @return an empty writer with the default alignment of 32 */
    public static GgufWriter create() {
        return new GgufWriter();
    }

    /**
     * Sets the tensor data alignment; a value other than 32 is recorded as {@code general.alignment}.
     *
     * @param bytes a power of two
     * @return this writer
     */
    public GgufWriter alignment(int bytes) {
        if (bytes <= 0 || Integer.bitCount(bytes) != 1) {
            throw new IllegalArgumentException("alignment must be a positive power of two, got " + bytes);
        }
        this.alignment = bytes;
        return this;
    }

    /**
     * Adds or replaces a metadata entry; entries are written in insertion order.
     *
     * @param key the key
     * @param value the value
     * @return this writer
     */
    public GgufWriter put(String key, GgufValue value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (key.getBytes(StandardCharsets.UTF_8).length > GgufReader.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key is longer than 65535 bytes: " + key.substring(0, 40) + "...");
        }
        metadata.put(key, value);
        return this;
    }

    /** @param key the key @param value the text @return this writer */
    public GgufWriter putString(String key, String value) {
        return put(key, GgufValue.string(value));
    }

    /** @param key the key @param value 0..2^32-1 @return this writer */
    public GgufWriter putUInt32(String key, long value) {
        return put(key, GgufValue.uint32(value));
    }

    /** @param key the key @param value the value, written as UINT64 @return this writer */
    public GgufWriter putUInt64(String key, long value) {
        return put(key, GgufValue.uint64(value));
    }

    /** @param key the key @param value the value @return this writer */
    public GgufWriter putFloat32(String key, float value) {
        return put(key, GgufValue.float32(value));
    }

    /** @param key the key @param value the value @return this writer */
    public GgufWriter putBool(String key, boolean value) {
        return put(key, GgufValue.bool(value));
    }

    /**
     * Adds a tensor; its data is produced only when the file is written.
     *
     * @param name at most 63 UTF-8 bytes, unique
     * @param type the element type
     * @param dims 1 to 4 positive dimensions, ne[0] (row length) first and a multiple of the type's block size
     * @param data produces exactly the tensor's byte size
     * @return this writer
     */
    public GgufWriter addTensor(String name, GgmlType type, long[] dims, TensorData data) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        if (name.getBytes(StandardCharsets.UTF_8).length > GgufReader.MAX_TENSOR_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name '" + name + "' is longer than 63 bytes");
        }
        if (!tensorNames.add(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' was already added");
        }
        if (dims.length < 1 || dims.length > GgufReader.MAX_DIMS) {
            throw new IllegalArgumentException("tensor '" + name + "' needs 1 to 4 dimensions, got " + dims.length);
        }
        long elements = 1;
        for (long d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has a non-positive dimension " + d);
            }
            elements = Math.multiplyExact(elements, d);
        }
        if (dims[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "' row length " + dims[0]
                    + " is not a multiple of the " + type + " block size " + type.blockSize() + "; use F16 or F32");
        }
        tensors.add(new Tensor(name, dims.clone(), type, type.byteSize(elements), data));
        return this;
    }

    /**
     * Writes the file atomically (via a temporary file in the same directory).
     *
     * @param file the destination; replaced if it exists
     * @return the number of bytes written
     * @throws io.github.localllm.StorageException on I/O failure, such as a full disk; the
     *         destination is then left as it was
     */
    public long write(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve(file.getFileName() + ".part");
        boolean moved = false;
        try {
            long written;
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                written = write(ch);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            return written;
        } catch (IOException | UncheckedIOException e) {
            Throwable io = e instanceof UncheckedIOException ? e.getCause() : e;
            throw new StorageException("cannot write " + file + ": " + io
                    + "; check free disk space, permissions and that the directory exists", e);
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // The original failure matters more; a stray .part file is harmless and overwritten next time.
        }
    }

    /**
     * Streams the file to a channel.
     *
     * @param channel the destination, not closed
     * @return the number of bytes written
     * @throws IOException on I/O failure
     */
    public long write(WritableByteChannel channel) throws IOException {
        Map<String, GgufValue> kvs = new LinkedHashMap<>(metadata);
        if (alignment != 32 || kvs.containsKey("general.alignment")) {
            kvs.put("general.alignment", GgufValue.uint32(alignment));
        }
        Out out = new Out(channel);
        out.u32(GgufReader.MAGIC);
        out.u32(3);
        out.u64(tensors.size());
        out.u64(kvs.size());
        for (Map.Entry<String, GgufValue> e : kvs.entrySet()) {
            out.string(e.getKey().getBytes(StandardCharsets.UTF_8));
            out.u32(e.getValue().type().id());
            writeValue(out, e.getValue());
        }
        long offset = 0;
        for (Tensor t : tensors) {
            out.string(t.name.getBytes(StandardCharsets.UTF_8));
            out.u32(t.dims.length);
            for (long d : t.dims) {
                out.u64(d);
            }
            out.u32(t.type.id());
            out.u64(offset);
            offset = GgufReader.alignUp(offset + t.byteSize, alignment);
        }
        out.pad(alignment);
        for (Tensor t : tensors) {
            long before = out.position;
            t.data.writeTo(out::bytes);
            long actual = out.position - before;
            if (actual != t.byteSize) {
                throw new IllegalStateException("tensor '" + t.name + "' produced " + actual + " bytes but its "
                        + t.type + " shape needs " + t.byteSize);
            }
            out.pad(alignment);
        }
        out.flush();
        return out.position;
    }

    private static void writeValue(Out out, GgufValue value) throws IOException {
        if (value instanceof GgufValue.IntValue i) {
            out.bits(i.bits(), i.type().fixedSize());
        } else if (value instanceof GgufValue.FloatValue f) {
            if (f.type() == GgufValueType.FLOAT32) {
                out.u32(Float.floatToRawIntBits((float) f.value()));
            } else {
                out.u64(Double.doubleToRawLongBits(f.value()));
            }
        } else if (value instanceof GgufValue.BoolValue b) {
            out.bits(b.value() ? 1 : 0, 1);
        } else if (value instanceof GgufValue.StringValue s) {
            out.string(s.value().getBytes(StandardCharsets.UTF_8));
        } else {
            writeArray(out, (GgufArray) value);
        }
    }

    private static void writeArray(Out out, GgufArray a) throws IOException {
        out.u32(a.elementType().id());
        out.u64(a.size());
        switch (a.elementType()) {
            case STRING -> {
                byte[] data = a.rawData();
                int[] offsets = a.rawOffsets();
                for (int i = 0; i < a.size(); i++) {
                    out.u64(offsets[i + 1] - offsets[i]);
                    out.bytes(ByteBuffer.wrap(data, offsets[i], offsets[i + 1] - offsets[i]));
                }
            }
            case ARRAY -> {
                for (int i = 0; i < a.size(); i++) {
                    writeArray(out, a.getArray(i));
                }
            }
            default -> out.bytes(ByteBuffer.wrap(a.rawData()));
        }
    }

    /** A buffered little-endian channel writer that tracks its position. */
    private static final class Out {
        private final WritableByteChannel channel;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        private long position;

        Out(WritableByteChannel channel) {
            this.channel = channel;
        }

        void u32(int v) throws IOException {
            room(4);
            buf.putInt(v);
            position += 4;
        }

        void u64(long v) throws IOException {
            room(8);
            buf.putLong(v);
            position += 8;
        }

        void bits(long v, int width) throws IOException {
            room(width);
            for (int i = 0; i < width; i++) {
                buf.put((byte) (v >>> (8 * i)));
            }
            position += width;
        }

        void string(byte[] utf8) throws IOException {
            u64(utf8.length);
            bytes(ByteBuffer.wrap(utf8));
        }

        void pad(int alignment) throws IOException {
            long padding = GgufReader.alignUp(position, alignment) - position;
            for (long i = 0; i < padding; i++) {
                bits(0, 1);
            }
        }

        /** Unchecked so it can serve as the {@link TensorData} sink. */
        void bytes(ByteBuffer src) {
            try {
                position += src.remaining();
                while (src.hasRemaining()) {
                    if (!buf.hasRemaining()) {
                        flush();
                    }
                    int n = Math.min(src.remaining(), buf.remaining());
                    ByteBuffer slice = src.slice();
                    slice.limit(n);
                    buf.put(slice);
                    src.position(src.position() + n);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void room(int n) throws IOException {
            if (buf.remaining() < n) {
                flush();
            }
        }

        void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            buf.clear();
        }
    }
}
