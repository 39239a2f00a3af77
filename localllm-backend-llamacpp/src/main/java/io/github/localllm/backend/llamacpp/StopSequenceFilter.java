package io.github.localllm.backend.llamacpp;

import java.util.List;

/**
 * Finds stop sequences in streamed text. Text that could be the start of a stop
 * sequence is held back until the next piece decides it, so a caller never sees part
 * of a stop sequence, even when it is split across tokens.
 */
final class StopSequenceFilter {
    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean matched;

    StopSequenceFilter(List<String> stops) {
        this.stops = List.copyOf(stops);
    }

    /**
     * @param piece newly generated text
     * @return the text now safe to emit; everything before a stop sequence once one matched
     */
    String accept(String piece) {
        if (matched) {
            return "";
        }
        pending.append(piece);
        int earliest = -1;
        for (String stop : stops) {
            int at = pending.indexOf(stop);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
            }
        }
        if (earliest >= 0) {
            matched = true;
            String out = pending.substring(0, earliest);
            pending.setLength(0);
            return out;
        }
        int keep = longestPartialMatch();
        String out = pending.substring(0, pending.length() - keep);
        pending.delete(0, pending.length() - keep);
        return out;
    }

    /** @return held-back text, released when generation ends without a match */
    String flush() {
        String out = pending.toString();
        pending.setLength(0);
        return out;
    }

    boolean matched() {
        return matched;
    }

    private int longestPartialMatch() {
        String text = pending.toString();
        int best = 0;
        for (String stop : stops) {
            int max = Math.min(stop.length() - 1, pending.length());
            for (int len = max; len > best; len--) {
                if (text.regionMatches(text.length() - len, stop, 0, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }
}
