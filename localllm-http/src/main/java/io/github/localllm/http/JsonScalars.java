package io.github.localllm.http;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamReadException;

/**
 * Scalars read by hand for a {@link JsonBinder}, with the coercions Jackson's databinding applies
 * by default, so that a hand binding accepts what a class of fields would: JSON {@code null} is
 * {@code null} or zero, a number or a boolean is accepted as text, a number written as a string is
 * a number, a float is cut to an integer; an object or an array where a scalar belongs is an error.
 * Each method takes the parser at the value's token.
 */
public final class JsonScalars {
    private JsonScalars() {
    }

    /**
     * @return the string, a number's or a boolean's text, or {@code null} for JSON {@code null}
     * @throws StreamReadException if the value is an object or an array
     */
    public static String string(JsonParser p) {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            return p.getString();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != null && t.isScalarValue()) {
            return p.getText();
        }
        throw mismatch(p, "a string");
    }

    /**
     * @return the number, 0 for JSON {@code null}
     * @throws StreamReadException if the value is not a number, a numeric string or {@code null}, or
     *     does not fit a {@code long}
     */
    public static long longValue(JsonParser p) {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getLongValue();
        }
        if (t == JsonToken.VALUE_NULL) {
            return 0;
        }
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getString().trim();
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw mismatch(p, "a number");
            }
        }
        throw mismatch(p, "a number");
    }

    /**
     * @return the number, 0 for JSON {@code null}
     * @throws StreamReadException as {@link #longValue}, or if the number does not fit an {@code int}
     */
    public static int intValue(JsonParser p) {
        if (p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
            return p.getIntValue();
        }
        long v = longValue(p);
        if (v != (int) v) {
            throw new StreamReadException(p, "the number " + v + " is out of the range of an int");
        }
        return (int) v;
    }

    /**
     * @return the number, or {@code null} for JSON {@code null}
     * @throws StreamReadException as {@link #intValue}
     */
    public static Integer integerOrNull(JsonParser p) {
        return p.currentToken() == JsonToken.VALUE_NULL ? null : intValue(p);
    }

    /**
     * @return the number, or {@code null} for JSON {@code null}
     * @throws StreamReadException if the value is not a number, a numeric string or {@code null}
     */
    public static Double doubleOrNull(JsonParser p) {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getDoubleValue();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t == JsonToken.VALUE_STRING) {
            try {
                return Double.parseDouble(p.getString().trim());
            } catch (NumberFormatException e) {
                throw mismatch(p, "a number");
            }
        }
        throw mismatch(p, "a number");
    }

    /**
     * @return the boolean; {@code false} for JSON {@code null}; a number is {@code true} unless 0; the
     *     strings {@code "true"} and {@code "false"}
     * @throws StreamReadException otherwise
     */
    public static boolean bool(JsonParser p) {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (t == JsonToken.VALUE_FALSE || t == JsonToken.VALUE_NULL) {
            return false;
        }
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue() != 0;
        }
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getString().trim();
            if (s.equalsIgnoreCase("true")) {
                return true;
            }
            if (s.equalsIgnoreCase("false")) {
                return false;
            }
        }
        throw mismatch(p, "a boolean");
    }

    /**
     * Checks that the parser is at the start of an object.
     *
     * @param what the object's name, for the message
     * @throws StreamReadException if it is not
     */
    public static void requireObject(JsonParser p, String what) {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw mismatch(p, what + " (a JSON object)");
        }
    }

    /** @return the error for a value that is not {@code expected}, naming what it is */
    public static StreamReadException mismatch(JsonParser p, String expected) {
        JsonToken t = p.currentToken();
        String found = t == null ? "nothing" : t.isStructStart() ? (t == JsonToken.START_OBJECT ? "an object" : "an array")
                : "'" + Text.excerpt(p.getText(), 40) + "'";
        String member = p.currentName();
        return new StreamReadException(p, "expected " + expected + (member == null ? "" : " for \"" + member + "\"")
                + ", found " + found);
    }
}
