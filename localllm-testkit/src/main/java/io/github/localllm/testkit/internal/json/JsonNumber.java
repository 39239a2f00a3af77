package io.github.localllm.testkit.internal.json;

import java.util.regex.Pattern;

/**
 * A number exactly as it was written, so that a value read from a request or a client's tool
 * arguments goes back on the wire without a round trip through binary floating point.
 *
 * @param lexeme the JSON number text, e.g. {@code 1e-06} or {@code 50}
 */
public record JsonNumber(String lexeme) {
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    public JsonNumber {
        if (!NUMBER.matcher(lexeme).matches()) {
            throw new IllegalArgumentException("not a JSON number: " + lexeme);
        }
    }
}
