package io.github.localllm.backend.llamacpp;

/**
 * Whether JSON text that a grammar kept well formed is also finished. The scan trusts the grammar
 * for everything but where the text stops: outside every string, object and array, after a whole
 * value. A top-level number could always have had more digits, so it is {@link State#OPEN}.
 */
final class CompleteJson {
    enum State { COMPLETE, CUT, OPEN }

    private CompleteJson() {
    }

    static State of(CharSequence text) {
        int depth = 0;
        boolean inString = false;
        boolean escaped = false;
        int last = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
            if (!Character.isWhitespace(c)) {
                last = i;
            }
        }
        if (last < 0 || inString || depth != 0) {
            return State.CUT;
        }
        char end = text.charAt(last);
        if (end == '}' || end == ']' || end == '"') {
            return State.COMPLETE;
        }
        if (end >= '0' && end <= '9') {
            return State.OPEN;
        }
        String tail = text.subSequence(0, last + 1).toString();
        return tail.endsWith("true") || tail.endsWith("false") || tail.endsWith("null") ? State.COMPLETE : State.CUT;
    }
}
