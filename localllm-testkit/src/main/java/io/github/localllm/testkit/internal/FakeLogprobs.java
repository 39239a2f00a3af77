package io.github.localllm.testkit.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The log probabilities a fake reports, made up but fixed, so tests can state them: the token at
 * position {@code i} has {@code -(i % 8 + 1) / 8} (exact in binary, printed the same by every server),
 * and its {@code k}-th alternative, {@code alt<k>}, {@code k} less. Alternative 0 is the chosen token
 * itself, as servers list it under greedy sampling.
 */
public final class FakeLogprobs {
    private FakeLogprobs() {
    }

    /** The log probability of alternative {@code k} (0: the chosen token) at position {@code i}. */
    public static double logprob(int i, int k) {
        return -(i % 8 + 1) / 8.0 - k;
    }

    /** The text of alternative {@code k} for a chosen token {@code piece}. */
    public static String token(String piece, int k) {
        return k == 0 ? piece : "alt" + k;
    }

    /** A token id, as llama.cpp reports them. */
    public static int id(int i, int k) {
        return 1000 + 32 * i + k;
    }

    /** The token's UTF-8 bytes, as the servers list them. */
    public static List<Object> bytes(String token) {
        List<Object> out = new ArrayList<>();
        for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
            out.add(b & 0xff);
        }
        return out;
    }
}
