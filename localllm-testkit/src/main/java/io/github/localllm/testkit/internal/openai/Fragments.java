package io.github.localllm.testkit.internal.openai;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a tool call's JSON arguments the way a model streams them: runs of JSON punctuation
 * alternate with runs of string content or literals. For {@code {"location":"San Francisco"}} this
 * gives {@code {"}, {@code location}, {@code ":"}, {@code San Francisco}, {@code "}}, exactly the
 * fragments in LM Studio's documented stream (fixtures/openai/lmstudio-stream-tool-call-deltas.txt).
 */
final class Fragments {
    private Fragments() {
    }

    static List<String> of(String json) {
        List<String> out = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        boolean inString = false;
        boolean runIsContent = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            boolean content;
            if (inString) {
                if (c == '\\') {
                    content = true;
                } else {
                    content = c != '"';
                }
            } else {
                content = "{}[]:,\" \t\r\n".indexOf(c) < 0;
            }
            if (run.length() > 0 && content != runIsContent) {
                out.add(run.toString());
                run.setLength(0);
            }
            runIsContent = content;
            run.append(c);
            if (inString && c == '\\' && i + 1 < json.length()) {
                run.append(json.charAt(++i));
            } else if (c == '"') {
                inString = !inString;
            }
        }
        if (run.length() > 0) {
            out.add(run.toString());
        }
        return out;
    }
}
