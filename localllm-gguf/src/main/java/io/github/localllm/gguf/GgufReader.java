package io.github.localllm.gguf;

import io.github.localllm.InvalidModelFileException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses and validates a GGUF header. Every count and length is checked against the bytes left in
 * the source before anything is allocated for it, and memory grows only with bytes actually read,
 * so a lying header fails fast instead of exhausting the heap.
 */
final class GgufReader {
    static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
    static final int BUFFER_SIZE = 64 * 1024;
    static final long MAX_KEY_BYTES = 65_535;
    static final long MAX_STRING_BYTES = 256L << 20;
    static final long MAX_ARRAY_BYTES = 512L << 20;
    static final int MAX_ARRAY_DEPTH = 8;
    static final int MAX_TENSOR_NAME_BYTES = 63; // ggml's GGML_MAX_NAME is 64 including the NUL
    static final int MAX_DIMS = 4;
    static final long MIN_KV_BYTES = 13; // key length + empty key + type + 1-byte value
    static final long MIN_TENSOR_INFO_BYTES = 24; // name length + n_dims + type + offset
    static final long DEFAULT_ALIGNMENT = 32;

    private final GgufSource source;
    private final Path file;
    private final long size;
    private final ByteBuffer buf = ByteBuffer.allocate(BUFFER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    private long bufStart;
    private long pos;

    GgufReader(GgufSource source) {
        this.source = source;
        this.file = source.path().orElse(null);
        this.size = source.size();
        buf.limit(0);
    }

    GgufFile read() {
        if (size == 0) {
            throw invalid("magic", 0, "the file is empty (0 bytes), so it is not a GGUF model; re-download it");
        }
        readMagic();
        long versionOffset = pos;
        int version = u32("version");
        checkVersion(version, versionOffset);

        long tensorCountOffset = pos;
        long tensorCount = u64("tensor_count");
        long kvCountOffset = pos;
        long kvCount = u64("metadata_kv_count");
        long left = size - pos;
        if (tensorCount < 0 || tensorCount > left / MIN_TENSOR_INFO_BYTES) {
            throw invalid("tensor_count", tensorCountOffset, "tensor count " + Long.toUnsignedString(tensorCount)
                    + " cannot fit in the " + left + " bytes left in the file (each tensor info needs at least "
                    + MIN_TENSOR_INFO_BYTES + "); the file is truncated or its header is corrupt, re-download it");
        }
        if (kvCount < 0 || kvCount > (left - tensorCount * MIN_TENSOR_INFO_BYTES) / MIN_KV_BYTES) {
            throw invalid("metadata_kv_count", kvCountOffset, "metadata count " + Long.toUnsignedString(kvCount)
                    + " cannot fit in the " + left + " bytes left in the file (each entry needs at least "
                    + MIN_KV_BYTES + "); the file is truncated or its header is corrupt, re-download it");
        }

        LinkedHashMap<String, GgufValue> kvs = new LinkedHashMap<>();
        Map<String, Long> valueOffsets = new HashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String field = "metadata_kv[" + i + "].key";
            long keyOffset = pos;
            String key = readString(field, MAX_KEY_BYTES);
            if (kvs.containsKey(key)) {
                throw invalid(field, keyOffset, "duplicate key '" + key + "'; the file is corrupt, re-convert it");
            }
            long typeOffset = pos;
            int typeId = u32(key + ".type");
            GgufValueType type = GgufValueType.byId(Integer.toUnsignedLong(typeId)).orElseThrow(() -> invalid(
                    key + ".type", typeOffset, "unknown value type id " + Integer.toUnsignedString(typeId)
                            + " (valid: 0-12); the file is corrupt or from a newer GGUF version"));
            valueOffsets.put(key, pos);
            kvs.put(key, readValue(type, key, 0));
        }
        long alignment = alignment(kvs, valueOffsets);

        List<GgufTensorInfo> tensors = readTensorInfos(tensorCount, alignment);
        long endOfInfos = pos;
        long dataOffset = alignUp(endOfInfos, alignment);
        tensors = placeTensors(tensors, dataOffset, alignment);
        return new GgufFile(version, alignment, dataOffset, size, new GgufMetadata(kvs, file), tensors);
    }

    private void readMagic() {
        if (size < 4) {
            throw truncated("magic", 0, 4);
        }
        ensure(4, "magic");
        int magic = buf.getInt((int) (pos - bufStart));
        if (magic == MAGIC) {
            pos += 4;
            return;
        }
        byte[] head = new byte[(int) Math.min(16, size)];
        ensure(head.length, "magic");
        buf.get((int) (pos - bufStart), head);
        throw invalid("magic", 0, "not a GGUF file: it starts with " + hex(head, 4) + " instead of \"GGUF\" (47 47 55 46)"
                + guessFormat(head) + "; download the .gguf version of the model");
    }

    private static String guessFormat(byte[] head) {
        String ascii = new String(head, StandardCharsets.ISO_8859_1);
        if (ascii.startsWith("PK\u0003\u0004")) {
            return " — it is a ZIP archive; extract the .gguf file from it";
        }
        if (ascii.startsWith("lmgg") || ascii.startsWith("tjgg") || ascii.startsWith("fmgg")) {
            return " — it is a legacy GGML/GGJT model, which llama.cpp no longer loads; convert it to GGUF";
        }
        if (ascii.startsWith("version https://git-lfs")) {
            return " — it is a Git LFS pointer, not the model; fetch the real file (git lfs pull)";
        }
        if (head.length >= 9 && head[8] == '{' && head[6] == 0 && head[7] == 0) {
            return " — it looks like a safetensors file; convert it with llama.cpp's convert_hf_to_gguf.py";
        }
        boolean text = true;
        for (byte b : head) {
            text &= (b >= 0x20 && b < 0x7F) || b == '\n' || b == '\r' || b == '\t';
        }
        return text ? " — it looks like text (an HTML error page or JSON?) rather than a model" : "";
    }

    private void checkVersion(int version, long offset) {
        if (version == 2 || version == 3) {
            return;
        }
        if (version != 0 && (version & 0xFFFF) == 0) {
            throw invalid("version", offset, "the file is big-endian (byte-swapped version "
                    + Integer.toUnsignedString(version) + " = " + Integer.reverseBytes(version)
                    + "); only little-endian GGUF files are supported, use the little-endian build of this model");
        }
        if (version == 1) {
            throw invalid("version", offset, "GGUF version 1 is no longer supported; re-convert the model with a "
                    + "current llama.cpp (convert_hf_to_gguf.py) or download a newer file");
        }
        throw invalid("version", offset, "unsupported GGUF version " + Integer.toUnsignedString(version)
                + " (supported: 2 and 3); upgrade localllm or download a file written for GGUF v3");
    }

    private long alignment(Map<String, GgufValue> kvs, Map<String, Long> valueOffsets) {
        GgufValue a = kvs.get("general.alignment");
        if (a == null) {
            return DEFAULT_ALIGNMENT;
        }
        long offset = valueOffsets.get("general.alignment");
        if (!(a instanceof GgufValue.IntValue i) || i.type() != GgufValueType.UINT32) {
            throw invalid("general.alignment", offset, "must be UINT32 but is " + a.type()
                    + "; the file was written by a non-conforming tool, re-convert it");
        }
        if (i.bits() == 0 || Long.bitCount(i.bits()) != 1) {
            throw invalid("general.alignment", offset, "alignment " + i.bits()
                    + " is not a non-zero power of two; the file is corrupt, re-convert it");
        }
        return i.bits();
    }

    private List<GgufTensorInfo> readTensorInfos(long count, long alignment) {
        List<GgufTensorInfo> tensors = new ArrayList<>((int) Math.min(count, 1024));
        Set<String> names = new HashSet<>();
        for (int i = 0; i < count; i++) {
            String prefix = "tensor_info[" + i + "]";
            long nameOffset = pos;
            String name = readString(prefix + ".name", MAX_TENSOR_NAME_BYTES);
            if (!names.add(name)) {
                throw invalid(prefix + ".name", nameOffset, "duplicate tensor name '" + name
                        + "'; the file is corrupt, re-convert it");
            }
            long nDimsOffset = pos;
            int nDims = u32(prefix + ".n_dimensions");
            if (nDims < 0 || nDims > MAX_DIMS) {
                throw invalid(prefix + ".n_dimensions", nDimsOffset, "tensor '" + name + "' has "
                        + Integer.toUnsignedString(nDims) + " dimensions; ggml allows at most " + MAX_DIMS
                        + ", the file is corrupt");
            }
            Long[] dims = new Long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                String field = prefix + ".dimensions[" + d + "]";
                long dimOffset = pos;
                long ne = u64(field);
                if (ne <= 0) {
                    throw invalid(field, dimOffset, "tensor '" + name + "' has dimension "
                            + Long.toUnsignedString(ne) + "; dimensions must be positive, the file is corrupt");
                }
                try {
                    elements = Math.multiplyExact(elements, ne);
                } catch (ArithmeticException e) {
                    throw invalid(field, dimOffset, "tensor '" + name
                            + "' has more elements than fit in 63 bits; the file is corrupt");
                }
                dims[d] = ne;
            }
            long typeOffset = pos;
            int typeId = u32(prefix + ".type");
            GgmlType type = GgmlType.byId(Integer.toUnsignedLong(typeId)).orElseThrow(() -> invalid(
                    prefix + ".type", typeOffset, "tensor '" + name + "' has unknown or removed ggml type id "
                            + Integer.toUnsignedString(typeId) + "; the file is corrupt or needs a newer reader"));
            long rowLength = nDims == 0 ? 1 : dims[0];
            if (rowLength % type.blockSize() != 0) {
                throw invalid(prefix + ".dimensions[0]", nDimsOffset + 4, "tensor '" + name + "' row length "
                        + rowLength + " is not a multiple of the " + type + " block size " + type.blockSize()
                        + "; the file is corrupt");
            }
            long byteSize;
            try {
                byteSize = type.byteSize(elements);
            } catch (ArithmeticException e) {
                throw invalid(prefix + ".dimensions", nDimsOffset + 4, "tensor '" + name
                        + "' byte size overflows 63 bits; the file is corrupt");
            }
            long offsetOffset = pos;
            long offset = u64(prefix + ".offset");
            if (offset < 0 || offset % alignment != 0) {
                throw invalid(prefix + ".offset", offsetOffset, "tensor '" + name + "' offset "
                        + Long.toUnsignedString(offset) + " is not a multiple of the alignment " + alignment
                        + "; the file is corrupt, re-download it");
            }
            // absoluteOffset temporarily holds where the offset field is, for error messages in placeTensors.
            tensors.add(new GgufTensorInfo(name, Arrays.asList(dims), type, offset, offsetOffset, byteSize));
        }
        return tensors;
    }

    private List<GgufTensorInfo> placeTensors(List<GgufTensorInfo> infos, long dataOffset, long alignment) {
        List<GgufTensorInfo> placed = new ArrayList<>(infos.size());
        for (int i = 0; i < infos.size(); i++) {
            GgufTensorInfo t = infos.get(i);
            long fieldOffset = t.absoluteOffset();
            long absolute = dataOffset + t.relativeOffset();
            if (absolute < 0 || absolute > size || t.byteSize() > size - absolute) {
                throw invalid("tensor_info[" + i + "].offset", fieldOffset, "tensor '" + t.name()
                        + "' data would end past the end of the file (needs bytes up to "
                        + (absolute < 0 ? "beyond 2^63" : Long.toUnsignedString(absolute + t.byteSize()))
                        + ", the file has " + size + "); the file is truncated, re-download it");
            }
            placed.add(new GgufTensorInfo(t.name(), t.dimensions(), t.type(), t.relativeOffset(), absolute,
                    t.byteSize()));
        }
        Integer[] order = new Integer[placed.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(i -> placed.get(i).relativeOffset()));
        for (int k = 1; k < order.length; k++) {
            GgufTensorInfo prev = placed.get(order[k - 1]);
            GgufTensorInfo cur = placed.get(order[k]);
            if (prev.relativeOffset() + prev.byteSize() > cur.relativeOffset()) {
                throw invalid("tensor_info[" + order[k] + "].offset", infos.get(order[k]).absoluteOffset(),
                        "tensor '" + cur.name() + "' overlaps tensor '" + prev.name()
                                + "'; the file is corrupt, re-download it");
            }
        }
        return List.copyOf(placed);
    }

    private GgufValue readValue(GgufValueType type, String field, int depth) {
        return switch (type) {
            case UINT8 -> new GgufValue.IntValue(type, u8(field) & 0xFFL);
            case INT8 -> new GgufValue.IntValue(type, u8(field));
            case UINT16 -> new GgufValue.IntValue(type, u16(field) & 0xFFFFL);
            case INT16 -> new GgufValue.IntValue(type, u16(field));
            case UINT32 -> new GgufValue.IntValue(type, Integer.toUnsignedLong(u32(field)));
            case INT32 -> new GgufValue.IntValue(type, u32(field));
            case UINT64, INT64 -> new GgufValue.IntValue(type, u64(field));
            case FLOAT32 -> new GgufValue.FloatValue(type, Float.intBitsToFloat(u32(field)));
            case FLOAT64 -> new GgufValue.FloatValue(type, Double.longBitsToDouble(u64(field)));
            case BOOL -> new GgufValue.BoolValue(bool(field));
            case STRING -> new GgufValue.StringValue(readString(field, MAX_STRING_BYTES));
            case ARRAY -> readArray(field, depth);
        };
    }

    private boolean bool(String field) {
        long offset = pos;
        byte b = u8(field);
        if (b != 0 && b != 1) {
            throw invalid(field, offset, "BOOL byte is " + (b & 0xFF) + " but must be 0 or 1; the file is corrupt");
        }
        return b == 1;
    }

    private GgufArray readArray(String field, int depth) {
        long typeOffset = pos;
        if (depth >= MAX_ARRAY_DEPTH) {
            throw invalid(field, typeOffset, "arrays are nested more than " + MAX_ARRAY_DEPTH
                    + " deep; the file is corrupt or hostile");
        }
        int typeId = u32(field + ".element_type");
        GgufValueType type = GgufValueType.byId(Integer.toUnsignedLong(typeId)).orElseThrow(() -> invalid(
                field + ".element_type", typeOffset, "unknown array element type id " + Integer.toUnsignedString(typeId)
                        + " (valid: 0-12); the file is corrupt"));
        long countOffset = pos;
        long count = u64(field + ".count");
        long minElement = switch (type) {
            case STRING -> 8;
            case ARRAY -> 12;
            default -> type.fixedSize();
        };
        long left = size - pos;
        if (count < 0 || count > left / minElement || count > Integer.MAX_VALUE - 8) {
            throw invalid(field + ".count", countOffset, "array count " + Long.toUnsignedString(count)
                    + " of " + type + " cannot fit in the " + left + " bytes left in the file; the file is "
                    + "truncated or corrupt, re-download it");
        }
        int n = (int) count;
        switch (type) {
            case STRING:
                return readStringArray(field, n);
            case ARRAY: {
                List<GgufArray> items = new ArrayList<>(Math.min(n, 1024));
                for (int i = 0; i < n; i++) {
                    items.add(readArray(field + "[" + i + "]", depth + 1));
                }
                return GgufArray.ofRawArrays(items.toArray(new GgufArray[0]));
            }
            default: {
                long bytes = count * type.fixedSize();
                if (bytes > MAX_ARRAY_BYTES) {
                    throw invalid(field + ".count", countOffset, "array of " + count + " " + type + " is "
                            + bytes + " bytes, over the " + MAX_ARRAY_BYTES + "-byte limit for metadata; "
                            + "the file is corrupt or hostile");
                }
                long dataOffset = pos;
                byte[] data = readBytes((int) bytes, field);
                if (type == GgufValueType.BOOL) {
                    for (int i = 0; i < data.length; i++) {
                        if (data[i] != 0 && data[i] != 1) {
                            throw invalid(field + "[" + i + "]", dataOffset + i, "BOOL byte is " + (data[i] & 0xFF)
                                    + " but must be 0 or 1; the file is corrupt");
                        }
                    }
                }
                return GgufArray.ofRawFixed(type, data);
            }
        }
    }

    private GgufArray readStringArray(String field, int n) {
        int[] offsets = new int[Math.min(n, 4096) + 1];
        byte[] data = new byte[4096];
        int used = 0;
        for (int i = 0; i < n; i++) {
            String elementField = field + "[" + i + "]";
            long lenOffset = pos;
            long len = u64(elementField + ".length");
            long left = size - pos;
            if (len < 0 || len > left) {
                throw invalid(elementField + ".length", lenOffset, pastEnd(len));
            }
            if (used + len > MAX_ARRAY_BYTES) {
                throw invalid(elementField + ".length", lenOffset, "string array exceeds the " + MAX_ARRAY_BYTES
                        + "-byte limit for metadata; the file is corrupt or hostile");
            }
            int l = (int) len;
            if (used + l > data.length) {
                data = Arrays.copyOf(data, (int) Math.min(MAX_ARRAY_BYTES, Math.max((long) data.length * 2, used + l)));
            }
            copyInto(data, used, l, elementField);
            used += l;
            if (i + 2 > offsets.length) {
                offsets = Arrays.copyOf(offsets, (int) Math.min((long) n + 1, offsets.length * 2L));
            }
            offsets[i + 1] = used;
        }
        return GgufArray.ofRawStrings(Arrays.copyOf(data, used), Arrays.copyOf(offsets, n + 1), n);
    }

    private String readString(String field, long max) {
        long lenOffset = pos;
        long len = u64(field + ".length");
        long left = size - pos;
        if (len < 0 || len > max) {
            throw invalid(field + ".length", lenOffset, "string length " + Long.toUnsignedString(len)
                    + " is over the limit of " + max + " bytes" + (max == MAX_TENSOR_NAME_BYTES
                            ? " that ggml allows for tensor names" : "") + "; the file is corrupt or hostile");
        }
        if (len > left) {
            throw invalid(field + ".length", lenOffset, pastEnd(len));
        }
        return new String(readBytes((int) len, field), StandardCharsets.UTF_8);
    }

    private byte[] readBytes(int n, String field) {
        // Grow with bytes actually read so a size near the limit costs memory only if the bytes exist.
        byte[] out = new byte[Math.min(n, BUFFER_SIZE)];
        int done = 0;
        while (done < n) {
            int chunk = Math.min(n - done, BUFFER_SIZE);
            if (done + chunk > out.length) {
                out = Arrays.copyOf(out, (int) Math.min(n, Math.max(out.length * 2L, done + chunk)));
            }
            copyInto(out, done, chunk, field);
            done += chunk;
        }
        return out;
    }

    private void copyInto(byte[] dst, int off, int len, String field) {
        while (len > 0) {
            int chunk = Math.min(len, BUFFER_SIZE);
            ensure(chunk, field);
            buf.get((int) (pos - bufStart), dst, off, chunk);
            pos += chunk;
            off += chunk;
            len -= chunk;
        }
    }

    private byte u8(String field) {
        ensure(1, field);
        byte v = buf.get((int) (pos - bufStart));
        pos += 1;
        return v;
    }

    private short u16(String field) {
        ensure(2, field);
        short v = buf.getShort((int) (pos - bufStart));
        pos += 2;
        return v;
    }

    private int u32(String field) {
        ensure(4, field);
        int v = buf.getInt((int) (pos - bufStart));
        pos += 4;
        return v;
    }

    private long u64(String field) {
        ensure(8, field);
        long v = buf.getLong((int) (pos - bufStart));
        pos += 8;
        return v;
    }

    /** Makes bytes [pos, pos + n) available in the buffer, n ≤ BUFFER_SIZE. */
    private void ensure(int n, String field) {
        if (pos >= bufStart && pos + n <= bufStart + buf.limit()) {
            return;
        }
        if (size - pos < n) {
            throw truncated(field, pos, n);
        }
        bufStart = pos;
        buf.clear();
        buf.limit((int) Math.min(BUFFER_SIZE, size - pos));
        while (buf.hasRemaining()) {
            int r = source.read(bufStart + buf.position(), buf);
            if (r < 0) {
                throw invalid(field, bufStart + buf.position(), "the file ended early while reading (it shrank "
                        + "while being read?); make sure nothing else is writing it and retry");
            }
        }
        buf.clear();
        buf.limit((int) Math.min(BUFFER_SIZE, size - pos));
    }

    /** For a string length read just before {@code pos}. */
    private String pastEnd(long len) {
        return "string length " + Long.toUnsignedString(len) + " runs past the end of the file: the file is truncated "
                + "(expected at least " + (len < 0 ? "2^63" : Long.toUnsignedString(pos + len)) + " bytes, found "
                + size + ") or corrupt; re-download it";
    }

    private InvalidModelFileException truncated(String field, long offset, int needed) {
        return invalid(field, offset, "the file is truncated (expected at least " + (offset + needed)
                + " bytes, found " + size + "); re-download it");
    }

    private InvalidModelFileException invalid(String field, long offset, String problem) {
        return file != null
                ? new InvalidModelFileException(file, field, offset, problem)
                : new InvalidModelFileException(source.description(), field, offset, problem);
    }

    static long alignUp(long x, long alignment) {
        return x + (alignment - x % alignment) % alignment;
    }

    private static String hex(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(n, b.length); i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02X", b[i] & 0xFF));
        }
        return sb.toString();
    }
}
