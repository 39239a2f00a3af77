package io.github.localllm.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.InvalidModelFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whatever the writer writes, the reader reads back identically. */
class RoundTripTest {
    @TempDir
    Path dir;

    private static GgufWriter everyValueType() {
        return GgufWriter.create()
                .put("u8", GgufValue.uint8(255))
                .put("i8", GgufValue.int8(-128))
                .put("u16", GgufValue.uint16(65535))
                .put("i16", GgufValue.int16(-32768))
                .put("u32", GgufValue.uint32(4294967295L))
                .put("i32", GgufValue.int32(Integer.MIN_VALUE))
                .put("f32", GgufValue.float32(1e-5f))
                .put("bool.true", GgufValue.bool(true))
                .put("bool.false", GgufValue.bool(false))
                .put("str", GgufValue.string("héllo ✓ 🦙"))
                .put("str.empty", GgufValue.string(""))
                .put("u64", GgufValue.uint64(-1L))
                .put("i64", GgufValue.int64(Long.MIN_VALUE))
                .put("f64", GgufValue.float64(Math.PI))
                .put("arr.strings", GgufArray.ofStrings(List.of("<s>", "", "héllo", "Ġthe")))
                .put("arr.f32", GgufArray.ofFloat32(0f, -1.5f, Float.MAX_VALUE))
                .put("arr.f64", GgufArray.ofFloat64(Math.E, -0.0))
                .put("arr.bool", GgufArray.ofBools(true, false, true))
                .put("arr.u8", GgufArray.ofIntegers(GgufValueType.UINT8, 0, 255))
                .put("arr.i8", GgufArray.ofIntegers(GgufValueType.INT8, -128, 127))
                .put("arr.u16", GgufArray.ofIntegers(GgufValueType.UINT16, 65535))
                .put("arr.i16", GgufArray.ofIntegers(GgufValueType.INT16, -32768))
                .put("arr.u32", GgufArray.ofIntegers(GgufValueType.UINT32, 4294967295L))
                .put("arr.i32", GgufArray.ofIntegers(GgufValueType.INT32, 3, 3, 1, -7))
                .put("arr.u64", GgufArray.ofIntegers(GgufValueType.UINT64, -1L, 0))
                .put("arr.i64", GgufArray.ofIntegers(GgufValueType.INT64, Long.MIN_VALUE))
                .put("arr.empty", GgufArray.ofStrings(List.of()))
                .put("arr.nested", GgufArray.ofArrays(List.of(
                        GgufArray.ofIntegers(GgufValueType.UINT8, 1, 2),
                        GgufArray.ofArrays(List.of(GgufArray.ofStrings(List.of("deep")))),
                        GgufArray.ofFloat32())));
    }

    @Test
    void everyValueTypeRoundTrips() {
        GgufWriter writer = everyValueType();
        Path file = dir.resolve("values.gguf");
        long size = writer.write(file);

        GgufFile read = GgufFile.read(file);
        assertThat(read.fileSize()).isEqualTo(size);
        assertThat(read.version()).isEqualTo(3);
        assertThat(read.alignment()).isEqualTo(32);
        assertThat(read.tensors()).isEmpty();
        Map<String, GgufValue> m = read.metadata().asMap();
        assertThat(m.keySet()).containsExactly("u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool.true",
                "bool.false", "str", "str.empty", "u64", "i64", "f64", "arr.strings", "arr.f32", "arr.f64", "arr.bool",
                "arr.u8", "arr.i8", "arr.u16", "arr.i16", "arr.u32", "arr.i32", "arr.u64", "arr.i64", "arr.empty",
                "arr.nested");
        assertThat(m.get("u8")).isEqualTo(GgufValue.uint8(255));
        assertThat(m.get("i8")).isEqualTo(GgufValue.int8(-128));
        assertThat(m.get("u16")).isEqualTo(GgufValue.uint16(65535));
        assertThat(m.get("i16")).isEqualTo(GgufValue.int16(-32768));
        assertThat(m.get("u32")).isEqualTo(GgufValue.uint32(4294967295L));
        assertThat(m.get("i32")).isEqualTo(GgufValue.int32(Integer.MIN_VALUE));
        assertThat(m.get("f32")).isEqualTo(GgufValue.float32(1e-5f));
        assertThat(m.get("bool.true")).isEqualTo(GgufValue.bool(true));
        assertThat(m.get("bool.false")).isEqualTo(GgufValue.bool(false));
        assertThat(m.get("str")).isEqualTo(GgufValue.string("héllo ✓ 🦙"));
        assertThat(m.get("str.empty")).isEqualTo(GgufValue.string(""));
        assertThat(m.get("u64").toString()).isEqualTo("18446744073709551615");
        assertThat(m.get("i64")).isEqualTo(GgufValue.int64(Long.MIN_VALUE));
        assertThat(m.get("f64")).isEqualTo(GgufValue.float64(Math.PI));
        GgufWriter original = everyValueType();
        GgufFile again = GgufFile.read(GgufSource.of(bytesOf(original)));
        assertThat(again.metadata().asMap()).isEqualTo(m);

        GgufMetadata md = read.metadata();
        assertThat(md.getArray("arr.strings").orElseThrow().asStringList()).containsExactly("<s>", "", "héllo", "Ġthe");
        assertThat(md.getArray("arr.f32").orElseThrow().toFloatArray()).containsExactly(0f, -1.5f, Float.MAX_VALUE);
        assertThat(md.getArray("arr.i32").orElseThrow().toLongArray()).containsExactly(3, 3, 1, -7);
        assertThat(md.getArray("arr.u64").orElseThrow().get(0).toString()).isEqualTo("18446744073709551615");
        assertThat(md.getArray("arr.bool").orElseThrow().getBool(2)).isTrue();
        GgufArray nested = md.getArray("arr.nested").orElseThrow();
        assertThat(nested.elementType()).isEqualTo(GgufValueType.ARRAY);
        assertThat(nested.getArray(0).toLongArray()).containsExactly(1, 2);
        assertThat(nested.getArray(1).getArray(0).getString(0)).isEqualTo("deep");
        assertThat(nested.getArray(2).size()).isZero();
        assertThat(md.getInt("i32")).hasValue(Integer.MIN_VALUE);
        assertThat(md.getLong("u32")).hasValue(4294967295L);
        assertThat(md.getFloat("f64")).hasValue(Math.PI);
        assertThat(md.getBool("bool.true")).contains(true);
        assertThat(md.getString("missing")).isEmpty();
        assertThatThrownBy(() -> md.getLong("u64")).isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining("u64");
        assertThatThrownBy(() -> md.getString("u8")).isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining("has type UINT8 but STRING was expected");
    }

    @Test
    void tensorsAreAlignedAndDataIsIntact() throws IOException {
        float[] values = new float[96];
        for (int i = 0; i < values.length; i++) {
            values[i] = i - 48.5f;
        }
        GgufWriter w = GgufWriter.create().alignment(64).putString("general.architecture", "test")
                .addTensor("a", GgmlType.F32, new long[] {3}, TensorData.ofFloats(GgmlType.F32, new float[] {1, 2, 3}))
                .addTensor("b", GgmlType.F16, new long[] {32, 3}, TensorData.ofFloats(GgmlType.F16, values))
                .addTensor("c", GgmlType.Q8_0, new long[] {32, 3}, TensorData.ofFloats(GgmlType.Q8_0, values))
                .addTensor("d", GgmlType.I8, new long[] {5, 1, 1, 1}, TensorData.ofBytes(new byte[] {1, 2, 3, 4, 5}));
        Path file = dir.resolve("tensors.gguf");
        w.write(file);

        GgufFile f = GgufFile.read(file);
        assertThat(f.alignment()).isEqualTo(64);
        assertThat(f.metadata().getUnsignedLong("general.alignment")).hasValue(64);
        assertThat(f.tensorDataOffset() % 64).isZero();
        assertThat(f.tensors()).extracting(GgufTensorInfo::name).containsExactly("a", "b", "c", "d");
        assertThat(f.tensors()).allSatisfy(t -> assertThat(t.absoluteOffset() % 64).isZero());
        assertThat(f.tensor("b").orElseThrow().byteSize()).isEqualTo(96 * 2);
        assertThat(f.tensor("c").orElseThrow().byteSize()).isEqualTo(3 * 34);
        assertThat(f.tensor("d").orElseThrow().dimensions()).containsExactly(5L, 1L, 1L, 1L);
        assertThat(f.model().parameterCount()).isEqualTo(3 + 96 + 96 + 5);

        byte[] bytes = Files.readAllBytes(file);
        GgufTensorInfo b = f.tensor("b").orElseThrow();
        for (int i = 0; i < values.length; i++) {
            int off = (int) b.absoluteOffset() + 2 * i;
            short h = (short) ((bytes[off] & 0xFF) | (bytes[off + 1] << 8));
            assertThat(Quantization.halfToFloat(h)).isEqualTo(values[i]);
        }
        GgufTensorInfo c = f.tensor("c").orElseThrow();
        float[] back = new float[96];
        Quantization.dequantizeQ8_0(java.nio.ByteBuffer.wrap(bytes, (int) c.absoluteOffset(), 102), back, 0, 96);
        for (int i = 0; i < values.length; i++) {
            assertThat(back[i]).isCloseTo(values[i], org.assertj.core.data.Offset.offset(0.25f));
        }
        assertThat(bytes[(int) f.tensor("d").orElseThrow().absoluteOffset() + 4]).isEqualTo((byte) 5);
        assertThat(bytes.length % 64).isZero();
    }

    @Test
    void writerRejectsWrongByteCount() {
        GgufWriter w = GgufWriter.create().addTensor("t", GgmlType.F32, new long[] {4}, TensorData.ofBytes(new byte[3]));
        assertThatThrownBy(() -> w.write(dir.resolve("bad.gguf"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("produced 3 bytes");
        assertThat(dir.resolve("bad.gguf")).doesNotExist();
        assertThat(dir.resolve("bad.gguf.part")).doesNotExist();
    }

    @Test
    void writerRejectsInvalidTensors() {
        GgufWriter w = GgufWriter.create();
        TensorData none = TensorData.ofBytes(new byte[0]);
        assertThatThrownBy(() -> w.addTensor("x".repeat(64), GgmlType.F32, new long[] {1}, none))
                .hasMessageContaining("longer than 63 bytes");
        assertThatThrownBy(() -> w.addTensor("q", GgmlType.Q8_0, new long[] {16}, none))
                .hasMessageContaining("not a multiple of the Q8_0 block size 32");
        assertThatThrownBy(() -> w.addTensor("five", GgmlType.F32, new long[] {1, 1, 1, 1, 1}, none))
                .hasMessageContaining("1 to 4 dimensions");
        assertThatThrownBy(() -> GgufWriter.create().alignment(48)).hasMessageContaining("power of two");
        w.addTensor("t", GgmlType.F32, new long[] {1}, none);
        assertThatThrownBy(() -> w.addTensor("t", GgmlType.F32, new long[] {1}, none))
                .hasMessageContaining("already added");
    }

    @Test
    void aWriteThatCannotCompleteIsAStorageErrorAndLeavesNothingBehind() {
        Path target = dir.resolve("missing-directory").resolve("model.gguf");
        assertThatThrownBy(() -> SyntheticModel.tiny().write(target))
                .isInstanceOf(io.github.localllm.StorageException.class)
                .hasMessageContaining("model.gguf").hasMessageContaining("disk space");
        assertThat(target.getParent()).doesNotExist();
    }

    private static byte[] bytesOf(GgufWriter w) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            w.write(java.nio.channels.Channels.newChannel(out));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
