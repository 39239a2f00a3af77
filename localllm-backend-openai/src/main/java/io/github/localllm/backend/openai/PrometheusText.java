package io.github.localllm.backend.openai;

import io.github.localllm.GenerationException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads Prometheus's text exposition format (version 0.0.4, what {@code llama-server}'s
 * {@code /metrics} sends): {@code # HELP} and {@code # TYPE} comments, then one sample a line,
 * {@code name{label="value",...} number [timestamp]}. Samples are kept under their name with
 * their labels as written, e.g. {@code llamacpp:spec_decode_num_accepted_tokens_per_pos_total{position="0"}}.
 */
final class PrometheusText {
    private PrometheusText() {
    }

    /**
     * @param text the exposition
     * @param where the server, for messages
     * @return every sample, in the order sent
     * @throws GenerationException naming the line when one is not a sample
     */
    static Map<String, Double> parse(String text, String where) {
        Map<String, Double> samples = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int nameEnd = nameEnd(line);
            if (nameEnd == 0) {
                throw malformed(where, i + 1, line, "it does not start with a metric name");
            }
            int keyEnd = nameEnd;
            if (keyEnd < line.length() && line.charAt(keyEnd) == '{') {
                keyEnd = labelsEnd(line, keyEnd);
                if (keyEnd < 0) {
                    throw malformed(where, i + 1, line, "its labels are not closed");
                }
            }
            String[] rest = line.substring(keyEnd).strip().split("\\s+");
            if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
                throw malformed(where, i + 1, line, "it has no value, or more than a value and a timestamp");
            }
            samples.put(line.substring(0, keyEnd), value(rest[0], where, i + 1, line));
        }
        return samples;
    }

    private static int nameEnd(String line) {
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            boolean letter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':';
            if (!letter && !(i > 0 && c >= '0' && c <= '9')) {
                break;
            }
            i++;
        }
        return i;
    }

    /** @return the index after the closing brace of the labels opened at {@code open}, or -1 */
    private static int labelsEnd(String line, int open) {
        boolean quoted = false;
        for (int i = open + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '}' && !quoted) {
                return i + 1;
            }
        }
        return -1;
    }

    private static double value(String text, String where, int line, String content) {
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
            case "Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw malformed(where, line, content, "'" + text + "' is not a number");
        }
    }

    private static GenerationException malformed(String where, int line, String content, String problem) {
        String shown = content.length() > 120 ? content.substring(0, 120) + "..." : content;
        return new GenerationException(where + " answered GET /metrics with text that is not Prometheus metrics: line "
                + line + " (" + shown + "): " + problem + "; is it a llama-server?");
    }
}
