package io.github.localllm.gguf;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * A GGUF ARRAY value. Elements are kept compactly in their encoded little-endian form (strings as
 * one UTF-8 byte block plus offsets) and decoded on access, so a 150k-entry token list costs
 * about its file size rather than 150k {@code String} objects.
 */
public final class GgufArray implements GgufValue {

    private final GgufValueType elementType;
    private final int size;
    /** Fixed-size elements: the raw little-endian bytes. Strings: the concatenated UTF-8 bytes. */
    private final byte[] data;
    /** Strings only: size + 1 offsets into {@link #data}. */
    private final int[] offsets;
    /** Arrays of arrays only. */
    private final GgufArray[] children;

    private GgufArray(GgufValueType elementType, int size, byte[] data, int[] offsets, GgufArray[] children) {
        this.elementType = elementType;
        this.size = size;
        this.data = data;
        this.offsets = offsets;
        this.children = children;
    }

    static GgufArray ofRawFixed(GgufValueType elementType, byte[] data) {
        return new GgufArray(elementType, data.length / elementType.fixedSize(), data, null, null);
    }

    static GgufArray ofRawStrings(byte[] data, int[] offsets, int size) {
        return new GgufArray(GgufValueType.STRING, size, data, offsets, null);
    }

    static GgufArray ofRawArrays(GgufArray[] children) {
        return new GgufArray(GgufValueType.ARRAY, children.length, null, null, children);
    }

    /**
     * @param values the strings, none null
     * @return an ARRAY of STRING
     */
    public static GgufArray ofStrings(List<String> values) {
        byte[][] encoded = new byte[values.size()][];
        int total = 0;
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = Objects.requireNonNull(values.get(i), "values[" + i + "]").getBytes(StandardCharsets.UTF_8);
            total = Math.addExact(total, encoded[i].length);
        }
        byte[] data = new byte[total];
        int[] offsets = new int[encoded.length + 1];
        int pos = 0;
        for (int i = 0; i < encoded.length; i++) {
            System.arraycopy(encoded[i], 0, data, pos, encoded[i].length);
            pos += encoded[i].length;
            offsets[i + 1] = pos;
        }
        return ofRawStrings(data, offsets, encoded.length);
    }

    /** @param values the values @return an ARRAY of FLOAT32 */
    public static GgufArray ofFloat32(float... values) {
        byte[] data = new byte[values.length * 4];
        for (int i = 0; i < values.length; i++) {
            LittleEndian.putInt(data, i * 4, Float.floatToRawIntBits(values[i]));
        }
        return ofRawFixed(GgufValueType.FLOAT32, data);
    }

    /** @param values the values @return an ARRAY of FLOAT64 */
    public static GgufArray ofFloat64(double... values) {
        byte[] data = new byte[values.length * 8];
        for (int i = 0; i < values.length; i++) {
            LittleEndian.putLong(data, i * 8, Double.doubleToRawLongBits(values[i]));
        }
        return ofRawFixed(GgufValueType.FLOAT64, data);
    }

    /** @param values the values @return an ARRAY of BOOL */
    public static GgufArray ofBools(boolean... values) {
        byte[] data = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            data[i] = (byte) (values[i] ? 1 : 0);
        }
        return ofRawFixed(GgufValueType.BOOL, data);
    }

    /**
     * @param type an integer type
     * @param values the values, each in the type's range (UINT64 values are raw 64-bit patterns)
     * @return an ARRAY of that integer type
     */
    public static GgufArray ofIntegers(GgufValueType type, long... values) {
        if (!type.isInteger()) {
            throw new IllegalArgumentException(type + " is not an integer type; use ofFloat32, ofBools or ofStrings");
        }
        int width = type.fixedSize();
        byte[] data = new byte[values.length * width];
        for (int i = 0; i < values.length; i++) {
            new IntValue(type, values[i]); // validates the range with a clear message
            LittleEndian.putBits(data, i * width, width, values[i]);
        }
        return ofRawFixed(type, data);
    }

    /** @param values the nested arrays @return an ARRAY of ARRAY */
    public static GgufArray ofArrays(List<GgufArray> values) {
        return ofRawArrays(values.toArray(new GgufArray[0]));
    }

    @Override
    public GgufValueType type() {
        return GgufValueType.ARRAY;
    }

    /** @return the type of every element */
    public GgufValueType elementType() {
        return elementType;
    }

    /** @return the number of elements */
    public int size() {
        return size;
    }

    /** @param i index @return element i as a value object */
    public GgufValue get(int i) {
        Objects.checkIndex(i, size);
        return switch (elementType) {
            case STRING -> new StringValue(getString(i));
            case ARRAY -> children[i];
            case BOOL -> new BoolValue(getBool(i));
            case FLOAT32, FLOAT64 -> new FloatValue(elementType, getDouble(i));
            default -> new IntValue(elementType, getLong(i));
        };
    }

    /** @param i index @return element i of a STRING array */
    public String getString(int i) {
        require(GgufValueType.STRING);
        Objects.checkIndex(i, size);
        return new String(data, offsets[i], offsets[i + 1] - offsets[i], StandardCharsets.UTF_8);
    }

    /** @param i index @return the UTF-8 byte length of element i of a STRING array, without decoding it */
    public int stringByteLength(int i) {
        require(GgufValueType.STRING);
        Objects.checkIndex(i, size);
        return offsets[i + 1] - offsets[i];
    }

    /**
     * @param i index
     * @return element i of an integer array (sign-extended; UINT64 as raw bits)
     */
    public long getLong(int i) {
        if (!elementType.isInteger()) {
            throw new IllegalStateException("array of " + elementType + " holds no integers");
        }
        Objects.checkIndex(i, size);
        int width = elementType.fixedSize();
        long bits = LittleEndian.getBits(data, i * width, width);
        return switch (elementType) {
            case INT8 -> (byte) bits;
            case INT16 -> (short) bits;
            case INT32 -> (int) bits;
            default -> bits;
        };
    }

    /** @param i index @return element i of a FLOAT32 or FLOAT64 array */
    public double getDouble(int i) {
        Objects.checkIndex(i, size);
        if (elementType == GgufValueType.FLOAT32) {
            return Float.intBitsToFloat(LittleEndian.getInt(data, i * 4));
        }
        if (elementType == GgufValueType.FLOAT64) {
            return Double.longBitsToDouble(LittleEndian.getLong(data, i * 8));
        }
        throw new IllegalStateException("array of " + elementType + " holds no floating-point values");
    }

    /** @param i index @return element i of a BOOL array */
    public boolean getBool(int i) {
        require(GgufValueType.BOOL);
        Objects.checkIndex(i, size);
        return data[i] != 0;
    }

    /** @param i index @return element i of an ARRAY array */
    public GgufArray getArray(int i) {
        require(GgufValueType.ARRAY);
        Objects.checkIndex(i, size);
        return children[i];
    }

    /** @return a read-only view of a STRING array that decodes each element on access */
    public List<String> asStringList() {
        require(GgufValueType.STRING);
        return new View<>(this::getString);
    }

    /** @return a read-only view of the elements as value objects */
    public List<GgufValue> asList() {
        return new View<>(this::get);
    }

    /** @return the elements of an integer array, sign-extended (UINT64 as raw bits) */
    public long[] toLongArray() {
        long[] out = new long[size];
        for (int i = 0; i < size; i++) {
            out[i] = getLong(i);
        }
        return out;
    }

    /** @return the elements of a FLOAT32 or FLOAT64 array, narrowed to float */
    public float[] toFloatArray() {
        float[] out = new float[size];
        for (int i = 0; i < size; i++) {
            out[i] = (float) getDouble(i);
        }
        return out;
    }

    byte[] rawData() {
        return data;
    }

    int[] rawOffsets() {
        return offsets;
    }

    private void require(GgufValueType wanted) {
        if (elementType != wanted) {
            throw new IllegalStateException("array holds " + elementType + ", not " + wanted);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof GgufArray other) || other.elementType != elementType || other.size != size) {
            return false;
        }
        return switch (elementType) {
            case ARRAY -> Arrays.equals(children, other.children);
            case STRING -> Arrays.equals(data, other.data) && Arrays.equals(offsets, other.offsets);
            default -> Arrays.equals(data, other.data);
        };
    }

    @Override
    public int hashCode() {
        int h = elementType.hashCode() * 31 + size;
        return elementType == GgufValueType.ARRAY ? h * 31 + Arrays.hashCode(children) : h * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        int shown = Math.min(size, 8);
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(get(i));
        }
        if (shown < size) {
            sb.append(", ... ").append(size - shown).append(" more");
        }
        return sb.append(']').toString();
    }

    private final class View<T> extends AbstractList<T> implements RandomAccess {
        private final java.util.function.IntFunction<T> getter;

        View(java.util.function.IntFunction<T> getter) {
            this.getter = getter;
        }

        @Override
        public T get(int index) {
            return getter.apply(index);
        }

        @Override
        public int size() {
            return size;
        }
    }
}
