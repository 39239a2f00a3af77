package io.github.localllm.gguf;

import java.util.ArrayList;
import java.util.List;

/**
 * A GPT-2 style byte-level BPE vocabulary of any size: the 256 byte tokens (so every input
 * round-trips losslessly), merges that build lowercase letter sequences (with and without a leading
 * space) until the requested size is reached, and three ChatML control tokens at the end.
 */
record ByteLevelBpeVocabulary(List<String> tokens, long[] tokenTypes, List<String> merges) {
    static final String END_OF_TEXT = "<|endoftext|>";
    static final String IM_START = "<|im_start|>";
    static final String IM_END = "<|im_end|>";
    static final int SPECIAL_COUNT = 3;
    static final int MIN_SIZE = 256 + SPECIAL_COUNT;
    private static final int NORMAL = 1;
    private static final int CONTROL = 3;

    static ByteLevelBpeVocabulary of(int size) {
        if (size < MIN_SIZE) {
            throw new IllegalArgumentException("vocabulary size must be at least " + MIN_SIZE
                    + " (256 byte tokens and 3 special tokens), got " + size);
        }
        char[] byteChars = byteToUnicode();
        List<String> tokens = new ArrayList<>(size);
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(byteChars[b]));
        }
        List<String> merges = new ArrayList<>();
        int mergeBudget = size - MIN_SIZE;
        String space = String.valueOf(byteChars[' ']);
        List<String> frontier = new ArrayList<>();
        for (char c = 'a'; c <= 'z'; c++) {
            frontier.add(String.valueOf(c));
        }
        for (char c = 'a'; c <= 'z' && merges.size() < mergeBudget; c++) {
            merges.add(space + " " + c);
            tokens.add(space + c);
            frontier.add(space + c);
        }
        while (merges.size() < mergeBudget) {
            List<String> next = new ArrayList<>();
            for (String left : frontier) {
                for (char c = 'a'; c <= 'z' && merges.size() < mergeBudget; c++) {
                    merges.add(left + " " + c);
                    tokens.add(left + c);
                    next.add(left + c);
                }
            }
            frontier = next;
        }
        tokens.add(END_OF_TEXT);
        tokens.add(IM_START);
        tokens.add(IM_END);
        long[] types = new long[size];
        for (int i = 0; i < size; i++) {
            types[i] = i >= size - SPECIAL_COUNT ? CONTROL : NORMAL;
        }
        return new ByteLevelBpeVocabulary(List.copyOf(tokens), types, List.copyOf(merges));
    }

    int endOfTextId() {
        return tokens.size() - 3;
    }

    int imStartId() {
        return tokens.size() - 2;
    }

    int imEndId() {
        return tokens.size() - 1;
    }

    /** GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to U+0100 onwards. */
    static char[] byteToUnicode() {
        char[] map = new char[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char) b : (char) (256 + n++);
        }
        return map;
    }
}
