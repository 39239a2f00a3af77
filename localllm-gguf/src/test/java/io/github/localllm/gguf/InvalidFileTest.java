package io.github.localllm.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.localllm.InvalidModelFileException;
import io.github.localllm.ModelNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of broken or hostile input fails with InvalidModelFileException naming the field and offset. */
class InvalidFileTest {
    private static final int F32 = 0;
    private static final int Q8_0 = 8;

    @TempDir
    Path dir;

    /** A valid file: 2 KVs, 1 F32 tensor of 4 elements. */
    private static HeaderBytes validWith(HeaderBytes tensorInfos, int tensorCount, int dataBytes) {
        HeaderBytes h = HeaderBytes.gguf(3, tensorCount, 1).kvString("general.architecture", "llama");
        h.raw(tensorInfos.bytes()).padTo(32).zeros(dataBytes);
        return h;
    }

    private static InvalidModelFileException fail(byte[] bytes) {
        Throwable t = catchThrowable(() -> GgufFile.read(GgufSource.of(bytes)));
        assertThat(t).isInstanceOf(InvalidModelFileException.class);
        return (InvalidModelFileException) t;
    }

    private static void assertFails(byte[] bytes, String field, long offset, String messagePart) {
        InvalidModelFileException e = fail(bytes);
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.offset()).isEqualTo(offset);
        assertThat(e.getMessage()).contains(field).contains("at byte " + offset).contains(messagePart);
    }

    @Test
    void validBaselineReads() {
        byte[] ok = validWith(new HeaderBytes().tensor("t", F32, 0, 4), 1, 16).bytes();
        GgufFile f = GgufFile.read(GgufSource.of(ok));
        assertThat(f.tensors()).singleElement().satisfies(t -> {
            assertThat(t.byteSize()).isEqualTo(16);
            assertThat(t.absoluteOffset()).isEqualTo(f.tensorDataOffset());
        });
    }

    @Test
    void missingFile() {
        Path missing = dir.resolve("nope.gguf");
        assertThatThrownBy(() -> GgufFile.read(missing)).isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("check the path");
    }

    @Test
    void directory() {
        assertThatThrownBy(() -> GgufFile.read(dir)).isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining("is a directory; pass the .gguf file inside it");
    }

    @Test
    void emptyFile() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.gguf"));
        assertThatThrownBy(() -> GgufFile.read(empty)).isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining(empty.toString()).hasMessageContaining("magic").hasMessageContaining("empty");
    }

    @Test
    void textFile() throws IOException {
        Path html = Files.writeString(dir.resolve("model.gguf"), "<html><body>404 Not Found</body></html>");
        assertThatThrownBy(() -> GgufFile.read(html)).isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining("magic at byte 0").hasMessageContaining("not a GGUF file")
                .hasMessageContaining("looks like text");
    }

    @Test
    void zipFile() {
        byte[] zip = {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0};
        assertFails(zip, "magic", 0, "ZIP archive");
    }

    @Test
    void wrongMagic() {
        byte[] b = validWith(new HeaderBytes(), 0, 0).bytes();
        b[3] = 'X';
        assertFails(b, "magic", 0, "not a GGUF file");
    }

    @Test
    void tinyFiles() {
        assertFails(new byte[] {'G', 'G'}, "magic", 0, "truncated (expected at least 4 bytes, found 2); re-download it");
        assertFails("GGUF".getBytes(StandardCharsets.US_ASCII), "version", 4, "truncated");
    }

    @Test
    void version1And4And0() {
        assertFails(HeaderBytes.gguf(1, 0, 0).bytes(), "version", 4, "version 1 is no longer supported");
        assertFails(HeaderBytes.gguf(4, 0, 0).bytes(), "version", 4, "unsupported GGUF version 4");
        assertFails(HeaderBytes.gguf(0, 0, 0).bytes(), "version", 4, "unsupported GGUF version 0");
    }

    @Test
    void version2IsReadable() {
        assertThat(GgufFile.read(GgufSource.of(HeaderBytes.gguf(2, 0, 0).bytes())).version()).isEqualTo(2);
    }

    @Test
    void bigEndianFile() {
        byte[] b = new HeaderBytes().raw("GGUF".getBytes(StandardCharsets.US_ASCII))
                .raw(new byte[] {0, 0, 0, 3}).raw(new byte[16]).bytes();
        assertFails(b, "version", 4, "big-endian");
    }

    @Test
    void truncatedAtEveryOffset() throws IOException {
        byte[] full = FixtureTest.resource("tiny-align64.gguf");
        for (int cut = 0; cut < full.length; cut++) {
            byte[] part = Arrays.copyOf(full, cut);
            Throwable t = catchThrowable(() -> GgufFile.read(GgufSource.of(part)));
            assertThat(t).as("cut at %d", cut).isInstanceOf(InvalidModelFileException.class);
            assertThat(((InvalidModelFileException) t).field()).as("cut at %d", cut).isNotNull();
        }
        assertThat(GgufFile.read(GgufSource.of(full)).tensors()).hasSize(4);
    }

    @Test
    void truncatedMessageSaysHowMuchWasExpected() throws IOException {
        byte[] part = Arrays.copyOf(FixtureTest.resource("tiny-align64.gguf"), 1000);
        assertThat(fail(part).getMessage()).contains("the file is truncated (expected at least").contains("found 1000")
                .contains("re-download it");
    }

    @Test
    void lyingKvCount() {
        assertFails(HeaderBytes.gguf(3, 0, 1L << 62).zeros(64).bytes(), "metadata_kv_count", 16, "cannot fit");
    }

    @Test
    void lyingTensorCount() {
        assertFails(HeaderBytes.gguf(3, 1L << 62, 0).zeros(64).bytes(), "tensor_count", 8, "cannot fit");
        assertFails(HeaderBytes.gguf(3, -1L, 0).zeros(64).bytes(), "tensor_count", 8, "18446744073709551615");
    }

    @Test
    void lyingStringLength() {
        byte[] key = HeaderBytes.gguf(3, 0, 1).u64(1L << 60).zeros(64).bytes();
        assertFails(key, "metadata_kv[0].key.length", 24, "over the limit of 65535");
        byte[] value = HeaderBytes.gguf(3, 0, 1).str("k").u32(GgufValueType.STRING.id()).u64(1L << 60).zeros(64).bytes();
        assertFails(value, "k.length", 24 + 9 + 4, "over the limit");
        byte[] pastEnd = HeaderBytes.gguf(3, 0, 1).str("k").u32(GgufValueType.STRING.id()).u64(1000).zeros(64).bytes();
        assertFails(pastEnd, "k.length", 24 + 9 + 4, "runs past the end of the file: the file is truncated (expected at least 1045 bytes, found 109)");
    }

    @Test
    void lyingArrayCounts() {
        for (GgufValueType t : GgufValueType.values()) {
            byte[] b = HeaderBytes.gguf(3, 0, 1).str("arr").u32(GgufValueType.ARRAY.id()).u32(t.id())
                    .u64(Long.MAX_VALUE / 2).zeros(64).bytes();
            assertFails(b, "arr.count", 24 + 11 + 4 + 4, "cannot fit in the 64 bytes left");
        }
        byte[] strings = HeaderBytes.gguf(3, 0, 1).str("arr").u32(GgufValueType.ARRAY.id())
                .u32(GgufValueType.STRING.id()).u64(2).u64(1L << 60).zeros(64).bytes();
        assertFails(strings, "arr[0].length", 24 + 11 + 4 + 4 + 8, "runs past the end");
    }

    @Test
    void deeplyNestedArrays() {
        HeaderBytes h = HeaderBytes.gguf(3, 0, 1).str("deep").u32(GgufValueType.ARRAY.id());
        for (int i = 0; i < 20; i++) {
            h.u32(GgufValueType.ARRAY.id()).u64(1);
        }
        InvalidModelFileException e = fail(h.zeros(64).bytes());
        assertThat(e.getMessage()).contains("nested more than 8 deep");
    }

    @Test
    void unknownValueType() {
        byte[] b = HeaderBytes.gguf(3, 0, 1).str("k").u32(13).zeros(16).bytes();
        assertFails(b, "k.type", 24 + 9, "unknown value type id 13");
    }

    @Test
    void duplicateKey() {
        byte[] b = HeaderBytes.gguf(3, 0, 2).kvU32("a", 1).kvU32("a", 2).bytes();
        assertFails(b, "metadata_kv[1].key", 24 + 9 + 4 + 4, "duplicate key 'a'");
    }

    @Test
    void badBoolByte() {
        byte[] b = HeaderBytes.gguf(3, 0, 1).str("flag").u32(GgufValueType.BOOL.id()).u8(2).bytes();
        assertFails(b, "flag", 24 + 12 + 4, "BOOL byte is 2 but must be 0 or 1");
        byte[] arr = HeaderBytes.gguf(3, 0, 1).str("flags").u32(GgufValueType.ARRAY.id())
                .u32(GgufValueType.BOOL.id()).u64(3).u8(1).u8(0).u8(7).bytes();
        assertFails(arr, "flags[2]", 24 + 13 + 4 + 12 + 2, "BOOL byte is 7");
    }

    @Test
    void nonUint32Alignment() {
        byte[] b = HeaderBytes.gguf(3, 0, 1).str("general.alignment").u32(GgufValueType.UINT64.id()).u64(32).bytes();
        assertFails(b, "general.alignment", 24 + 25 + 4, "must be UINT32 but is UINT64");
    }

    @Test
    void nonPowerOfTwoAndZeroAlignment() {
        assertFails(HeaderBytes.gguf(3, 0, 1).kvU32("general.alignment", 48).bytes(), "general.alignment", 24 + 25 + 4,
                "not a non-zero power of two");
        assertFails(HeaderBytes.gguf(3, 0, 1).kvU32("general.alignment", 0).bytes(), "general.alignment", 24 + 25 + 4,
                "not a non-zero power of two");
    }

    private static final int INFO_START = 24 + 28 + 4 + 13; // after the general.architecture KV

    @Test
    void unknownTensorType() {
        for (int id : new int[] {4, 5, 31, 32, 33, 36, 37, 38, 99}) {
            byte[] b = validWith(new HeaderBytes().tensor("t", id, 0, 4), 1, 64).bytes();
            assertFails(b, "tensor_info[0].type", INFO_START + 9 + 4 + 8, "unknown or removed ggml type id " + id);
        }
    }

    @Test
    void misalignedOffset() {
        byte[] b = validWith(new HeaderBytes().tensor("a", F32, 0, 4).tensor("b", F32, 16, 4), 2, 64).bytes();
        assertFails(b, "tensor_info[1].offset", INFO_START + 2 * 33 - 8, "is not a multiple of the alignment 32");
    }

    @Test
    void tensorDataPastEndOfFile() {
        byte[] b = validWith(new HeaderBytes().tensor("t", F32, 0, 1024), 1, 16).bytes();
        assertFails(b, "tensor_info[0].offset", INFO_START + 25, "data would end past the end of the file");
        byte[] far = validWith(new HeaderBytes().tensor("t", F32, 1L << 62, 4), 1, 16).bytes();
        assertFails(far, "tensor_info[0].offset", INFO_START + 25, "past the end of the file");
    }

    @Test
    void fiveDimensions() {
        byte[] b = validWith(new HeaderBytes().tensor("t", F32, 0, 1, 1, 1, 1, 1), 1, 16).bytes();
        assertFails(b, "tensor_info[0].n_dimensions", INFO_START + 9, "has 5 dimensions; ggml allows at most 4");
    }

    @Test
    void nonPositiveOrOverflowingDimensions() {
        assertFails(validWith(new HeaderBytes().tensor("t", F32, 0, 4, 0), 1, 16).bytes(),
                "tensor_info[0].dimensions[1]", INFO_START + 9 + 4 + 8, "dimensions must be positive");
        assertFails(validWith(new HeaderBytes().tensor("t", F32, 0, 1L << 63), 1, 16).bytes(),
                "tensor_info[0].dimensions[0]", INFO_START + 9 + 4, "dimensions must be positive");
        assertFails(validWith(new HeaderBytes().tensor("t", F32, 0, 1L << 40, 1L << 40), 1, 16).bytes(),
                "tensor_info[0].dimensions[1]", INFO_START + 9 + 4 + 8, "more elements than fit");
    }

    @Test
    void rowLengthNotMultipleOfBlockSize() {
        byte[] b = validWith(new HeaderBytes().tensor("t", Q8_0, 0, 16, 2), 1, 64).bytes();
        assertFails(b, "tensor_info[0].dimensions[0]", INFO_START + 9 + 4, "not a multiple of the Q8_0 block size 32");
    }

    @Test
    void duplicateTensorNames() {
        byte[] b = validWith(new HeaderBytes().tensor("t", F32, 0, 4).tensor("t", F32, 32, 4), 2, 64).bytes();
        assertFails(b, "tensor_info[1].name", INFO_START + 33, "duplicate tensor name 't'");
    }

    @Test
    void tensorNameTooLong() {
        String name = "x".repeat(64);
        byte[] b = validWith(new HeaderBytes().tensor(name, F32, 0, 4), 1, 16).bytes();
        assertFails(b, "tensor_info[0].name.length", INFO_START, "tensor names");
    }

    @Test
    void overlappingTensors() {
        byte[] b = validWith(new HeaderBytes().tensor("a", F32, 0, 64).tensor("b", F32, 32, 4), 2, 512).bytes();
        assertFails(b, "tensor_info[1].offset", INFO_START + 33 + 25, "overlaps tensor 'a'");
    }
}
