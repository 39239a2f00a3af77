package io.github.localllm.hardware;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the JSON this module meets (catalogs, rocm-smi output) as Jackson trees, strictly (RFC 8259:
 * no comments, no single quotes, no leading zeros, one value and nothing after it) and with every
 * number exact, so that {@code 4096.5} is not taken for a whole number. Of a duplicate member the
 * last wins.
 */
final class JsonTrees {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // Text after the value is refused below, in plain words rather than Jackson's.
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonTrees() {
    }

    /**
     * @param text a JSON document
     * @return its value
     * @throws IllegalArgumentException saying what is wrong and where, e.g. "... at line 3, column 7"
     */
    static JsonNode parse(String text) {
        try (JsonParser parser = MAPPER.createParser(text)) {
            JsonNode root = MAPPER.readTree(parser);
            if (root == null || root.isMissingNode()) {
                throw new IllegalArgumentException("unexpected end of input" + where(parser.currentLocation()));
            }
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException("unexpected text after the value"
                        + where(parser.currentTokenLocation()));
            }
            return root;
        } catch (JacksonException e) {
            // Jackson's own message adds a source excerpt and a path; the problem and its position are what a reader needs.
            throw new IllegalArgumentException(firstLine(e.getOriginalMessage()) + where(e.getLocation()), e);
        }
    }

    private static String where(TokenStreamLocation at) {
        return at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    /** @return how a value reads in a message: a string quoted, a container named, anything else as JSON */
    static String describe(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "nothing";
        }
        if (v.isString()) {
            return "'" + v.stringValue() + "'";
        }
        if (v.isObject()) {
            return "an object";
        }
        if (v.isArray()) {
            return "an array";
        }
        return v.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed JSON";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
