package io.github.localllm.gguf;

import io.github.localllm.InvalidModelFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The key/value metadata of a GGUF file, in file order. Typed getters return empty when a key is
 * absent and throw {@link InvalidModelFileException} when it is present with an unusable type.
 */
public final class GgufMetadata {
    private final Map<String, GgufValue> values;
    private final Path file;

    GgufMetadata(LinkedHashMap<String, GgufValue> values, Path file) {
        this.values = Collections.unmodifiableMap(values);
        this.file = file;
    }

    /**
     * @param values the entries, in the order to keep
     * @return metadata holding a copy of them
     */
    public static GgufMetadata of(Map<String, ? extends GgufValue> values) {
        return new GgufMetadata(new LinkedHashMap<>(values), null);
    }

    /** @return every entry, in file order, read-only */
    public Map<String, GgufValue> asMap() {
        return values;
    }

    /** @return the keys, in file order */
    public Set<String> keys() {
        return values.keySet();
    }

    /** @return the number of entries */
    public int size() {
        return values.size();
    }

    /** @param key a key @return true when present */
    public boolean contains(String key) {
        return values.containsKey(key);
    }

    /** @param key a key @return the value, if present */
    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** @param key a key @return the STRING value, if present */
    public Optional<String> getString(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof GgufValue.StringValue s) {
            return Optional.of(s.value());
        }
        throw wrongType(key, v, "STRING");
    }

    /**
     * @param key a key
     * @return the value of any integer type, if present
     * @throws InvalidModelFileException if present but not an integer, or a UINT64 above Long.MAX_VALUE
     */
    public OptionalLong getLong(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        if (v instanceof GgufValue.IntValue i) {
            if (i.exceedsLong()) {
                throw new InvalidModelFileException(file, key, -1, "value " + i + " is too large to be a count; "
                        + "the file is probably corrupt, re-download or re-convert it");
            }
            return OptionalLong.of(i.bits());
        }
        throw wrongType(key, v, "an integer type");
    }

    /**
     * @param key a key
     * @return the raw 64 bits of any integer value, to be read unsigned ({@link Long#toUnsignedString(long)})
     */
    public OptionalLong getUnsignedLong(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        if (v instanceof GgufValue.IntValue i) {
            return OptionalLong.of(i.bits());
        }
        throw wrongType(key, v, "an integer type");
    }

    /**
     * @param key a key
     * @return the value of any integer type that fits in an int, if present
     */
    public OptionalInt getInt(String key) {
        OptionalLong l = getLong(key);
        if (l.isEmpty()) {
            return OptionalInt.empty();
        }
        long x = l.getAsLong();
        if (x != (int) x) {
            throw new InvalidModelFileException(file, key, -1, "value " + x + " does not fit in a 32-bit int; "
                    + "the file is probably corrupt, re-download or re-convert it");
        }
        return OptionalInt.of((int) x);
    }

    /** @param key a key @return a FLOAT32 or FLOAT64 value, if present */
    public OptionalDouble getFloat(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return OptionalDouble.empty();
        }
        if (v instanceof GgufValue.FloatValue f) {
            return OptionalDouble.of(f.value());
        }
        throw wrongType(key, v, "FLOAT32 or FLOAT64");
    }

    /** @param key a key @return a BOOL value, if present */
    public Optional<Boolean> getBool(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof GgufValue.BoolValue b) {
            return Optional.of(b.value());
        }
        throw wrongType(key, v, "BOOL");
    }

    /** @param key a key @return an ARRAY value, if present */
    public Optional<GgufArray> getArray(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof GgufArray a) {
            return Optional.of(a);
        }
        throw wrongType(key, v, "ARRAY");
    }

    InvalidModelFileException wrongType(String key, GgufValue v, String expected) {
        return new InvalidModelFileException(file, key, -1, "has type " + v.type() + " but " + expected
                + " was expected; the file was written by a non-conforming tool, re-convert it");
    }

    Path file() {
        return file;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
