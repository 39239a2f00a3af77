package io.github.localllm.testkit.internal.json;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes a tree as compact JSON (no spaces, as every one of the imitated servers does) in a
 * server's {@link JsonStyle}, optionally adding an unknown member to every protocol object to test
 * a client's forward compatibility.
 */
public final class JsonWriter {
    /** The member the unknown-fields fault adds; the name and value shapes are what a newer server might send. */
    public static final String UNKNOWN_MEMBER = "x_localllm_future_field";

    private final JsonStyle style;
    private final boolean unknownMembers;
    private final StringBuilder out = new StringBuilder();

    private JsonWriter(JsonStyle style, boolean unknownMembers) {
        this.style = style;
        this.unknownMembers = unknownMembers;
    }

    public static String write(Object value, JsonStyle style) {
        return write(value, style, false);
    }

    public static String write(Object value, JsonStyle style, boolean unknownMembers) {
        JsonWriter writer = new JsonWriter(style, unknownMembers);
        writer.value(value, unknownMembers);
        return writer.out.toString();
    }

    private void value(Object value, boolean addUnknown) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            style.string(out, s);
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            out.append(value);
        } else if (value instanceof Float f) {
            style.float32(out, f);
        } else if (value instanceof Double d) {
            style.float64(out, d);
        } else if (value instanceof JsonNumber n) {
            out.append(n.lexeme());
        } else if (value instanceof Payload p) {
            value(p.value(), false);
        } else if (value instanceof JsonObject o) {
            object(o, addUnknown);
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (Iterator<?> it = list.iterator(); it.hasNext();) {
                value(it.next(), addUnknown);
                if (it.hasNext()) {
                    out.append(',');
                }
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private void object(JsonObject o, boolean addUnknown) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : o.members().entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            style.string(out, e.getKey());
            out.append(':');
            value(e.getValue(), addUnknown);
        }
        if (addUnknown) {
            if (!first) {
                out.append(',');
            }
            style.string(out, UNKNOWN_MEMBER);
            out.append(":{\"added_in\":\"a newer server\",\"values\":[1,2.5,null,true,\"x\"]}");
        }
        out.append('}');
    }
}
