package io.github.localllm.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds GGUF bytes field by field, so tests can write exactly the broken header they need. */
final class HeaderBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static HeaderBytes gguf(int version, long tensorCount, long kvCount) {
        return new HeaderBytes().raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(version).u64(tensorCount).u64(kvCount);
    }

    HeaderBytes u8(int v) {
        out.write(v);
        return this;
    }

    HeaderBytes u32(long v) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    HeaderBytes u64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    HeaderBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return u64(b.length).raw(b);
    }

    HeaderBytes raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    HeaderBytes kvString(String key, String value) {
        return str(key).u32(GgufValueType.STRING.id()).str(value);
    }

    HeaderBytes kvU32(String key, long value) {
        return str(key).u32(GgufValueType.UINT32.id()).u32(value);
    }

    /** A tensor info with the given dims, type id and relative offset. */
    HeaderBytes tensor(String name, int typeId, long offset, long... dims) {
        str(name).u32(dims.length);
        for (long d : dims) {
            u64(d);
        }
        return u32(typeId).u64(offset);
    }

    HeaderBytes padTo(int alignment) {
        while (out.size() % alignment != 0) {
            out.write(0);
        }
        return this;
    }

    HeaderBytes zeros(int n) {
        out.writeBytes(new byte[n]);
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
