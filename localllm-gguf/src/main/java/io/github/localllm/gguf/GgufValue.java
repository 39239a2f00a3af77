package io.github.localllm.gguf;

import java.math.BigInteger;
import java.util.Objects;

/**
 * One GGUF metadata value. Integers keep their exact on-disk type so a value round-trips
 * byte for byte; arrays are {@link GgufArray}.
 */
public sealed interface GgufValue
        permits GgufValue.IntValue, GgufValue.FloatValue, GgufValue.BoolValue, GgufValue.StringValue, GgufArray {

    /** @return the GGUF type of this value */
    GgufValueType type();

    /** @param v 0..255 @return a UINT8 value */
    static IntValue uint8(int v) {
        return IntValue.of(GgufValueType.UINT8, v);
    }

    /** @param v -128..127 @return an INT8 value */
    static IntValue int8(int v) {
        return IntValue.of(GgufValueType.INT8, v);
    }

    /** @param v 0..65535 @return a UINT16 value */
    static IntValue uint16(int v) {
        return IntValue.of(GgufValueType.UINT16, v);
    }

    /** @param v -32768..32767 @return an INT16 value */
    static IntValue int16(int v) {
        return IntValue.of(GgufValueType.INT16, v);
    }

    /** @param v 0..4294967295 @return a UINT32 value */
    static IntValue uint32(long v) {
        return IntValue.of(GgufValueType.UINT32, v);
    }

    /** @param v any int @return an INT32 value */
    static IntValue int32(int v) {
        return IntValue.of(GgufValueType.INT32, v);
    }

    /** @param bits the value's 64 bits, read as unsigned (so -1 is 2^64-1) @return a UINT64 value */
    static IntValue uint64(long bits) {
        return IntValue.of(GgufValueType.UINT64, bits);
    }

    /** @param v any long @return an INT64 value */
    static IntValue int64(long v) {
        return IntValue.of(GgufValueType.INT64, v);
    }

    /** @param v any float @return a FLOAT32 value */
    static FloatValue float32(float v) {
        return new FloatValue(GgufValueType.FLOAT32, v);
    }

    /** @param v any double @return a FLOAT64 value */
    static FloatValue float64(double v) {
        return new FloatValue(GgufValueType.FLOAT64, v);
    }

    /** @param v the value @return a BOOL value */
    static BoolValue bool(boolean v) {
        return new BoolValue(v);
    }

    /** @param v the text, not null @return a STRING value */
    static StringValue string(String v) {
        return new StringValue(v);
    }

    /**
     * An integer of one of the eight integer types. {@code bits} holds the value sign-extended,
     * except for UINT64 where it holds the raw 64 bits (use {@link #asBigInteger()} or
     * {@link #toString()} for values above {@link Long#MAX_VALUE}).
     *
     * @param type an integer type
     * @param bits the value
     */
    record IntValue(GgufValueType type, long bits) implements GgufValue {
        /** Checks the type is an integer type and the value is in its range. */
        public IntValue {
            Objects.requireNonNull(type, "type");
            if (!type.isInteger()) {
                throw new IllegalArgumentException(type + " is not an integer type; use FloatValue, BoolValue or StringValue");
            }
            boolean inRange = switch (type) {
                case UINT8 -> bits >= 0 && bits <= 0xFF;
                case INT8 -> bits >= Byte.MIN_VALUE && bits <= Byte.MAX_VALUE;
                case UINT16 -> bits >= 0 && bits <= 0xFFFF;
                case INT16 -> bits >= Short.MIN_VALUE && bits <= Short.MAX_VALUE;
                case UINT32 -> bits >= 0 && bits <= 0xFFFF_FFFFL;
                case INT32 -> bits >= Integer.MIN_VALUE && bits <= Integer.MAX_VALUE;
                default -> true;
            };
            if (!inRange) {
                throw new IllegalArgumentException(bits + " does not fit in " + type + "; pick a wider type");
            }
        }

        static IntValue of(GgufValueType type, long bits) {
            return new IntValue(type, bits);
        }

        /** @return true when this UINT64 value is above {@link Long#MAX_VALUE} and so has no long form */
        public boolean exceedsLong() {
            return type == GgufValueType.UINT64 && bits < 0;
        }

        /**
         * @return the value as a long
         * @throws ArithmeticException for a UINT64 above {@link Long#MAX_VALUE}; use {@link #asBigInteger()}
         */
        public long asLong() {
            if (exceedsLong()) {
                throw new ArithmeticException(Long.toUnsignedString(bits)
                        + " (UINT64) does not fit in a long; use asBigInteger()");
            }
            return bits;
        }

        /** @return the exact value, unsigned for UINT64 */
        public BigInteger asBigInteger() {
            return exceedsLong() ? new BigInteger(Long.toUnsignedString(bits)) : BigInteger.valueOf(bits);
        }

        /** @return the exact decimal value, unsigned for UINT64 */
        @Override
        public String toString() {
            return type == GgufValueType.UINT64 ? Long.toUnsignedString(bits) : Long.toString(bits);
        }
    }

    /**
     * A FLOAT32 or FLOAT64. A FLOAT32 holds the float exactly, widened to double.
     *
     * @param type FLOAT32 or FLOAT64
     * @param value the value
     */
    record FloatValue(GgufValueType type, double value) implements GgufValue {
        /** Checks the type and narrows FLOAT32 values to float precision. */
        public FloatValue {
            Objects.requireNonNull(type, "type");
            if (!type.isFloatingPoint()) {
                throw new IllegalArgumentException(type + " is not FLOAT32 or FLOAT64");
            }
            if (type == GgufValueType.FLOAT32) {
                value = (float) value;
            }
        }

        @Override
        public String toString() {
            return type == GgufValueType.FLOAT32 ? Float.toString((float) value) : Double.toString(value);
        }
    }

    /** @param value the value */
    record BoolValue(boolean value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.BOOL;
        }

        @Override
        public String toString() {
            return Boolean.toString(value);
        }
    }

    /** @param value the text */
    record StringValue(String value) implements GgufValue {
        /** Rejects null. */
        public StringValue {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public GgufValueType type() {
            return GgufValueType.STRING;
        }

        @Override
        public String toString() {
            return value;
        }
    }
}
