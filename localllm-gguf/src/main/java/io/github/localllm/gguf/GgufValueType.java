package io.github.localllm.gguf;

import java.util.Optional;

/** The thirteen GGUF metadata value types, with their on-disk type ids. */
public enum GgufValueType {
    /** Unsigned 8-bit integer. */
    UINT8(0, 1),
    /** Signed 8-bit integer. */
    INT8(1, 1),
    /** Unsigned 16-bit integer. */
    UINT16(2, 2),
    /** Signed 16-bit integer. */
    INT16(3, 2),
    /** Unsigned 32-bit integer. */
    UINT32(4, 4),
    /** Signed 32-bit integer. */
    INT32(5, 4),
    /** IEEE 754 binary32. */
    FLOAT32(6, 4),
    /** One byte, 0 or 1. */
    BOOL(7, 1),
    /** UTF-8 string with a uint64 byte-length prefix. */
    STRING(8, -1),
    /** Typed array: uint32 element type, uint64 count, elements. */
    ARRAY(9, -1),
    /** Unsigned 64-bit integer. */
    UINT64(10, 8),
    /** Signed 64-bit integer. */
    INT64(11, 8),
    /** IEEE 754 binary64. */
    FLOAT64(12, 8);

    private static final GgufValueType[] BY_ID = values();

    private final int id;
    private final int fixedSize;

    GgufValueType(int id, int fixedSize) {
        this.id = id;
        this.fixedSize = fixedSize;
    }

    /** @return the type id written in the file */
    public int id() {
        return id;
    }

    /** @return the encoded size in bytes, or -1 for variable-size types (STRING, ARRAY) */
    public int fixedSize() {
        return fixedSize;
    }

    /** @return true for the eight integer types */
    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    /** @return true for FLOAT32 and FLOAT64 */
    public boolean isFloatingPoint() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /**
     * @param id a type id read from a file (treated as unsigned)
     * @return the type, or empty if the id is not one of the thirteen
     */
    public static Optional<GgufValueType> byId(long id) {
        return id >= 0 && id < BY_ID.length ? Optional.of(BY_ID[(int) id]) : Optional.empty();
    }
}
