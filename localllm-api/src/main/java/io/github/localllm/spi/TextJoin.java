package io.github.localllm.spi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The pieces of a streamed answer joined into its text, with fewer bytes allocated than a
 * {@link StringBuilder}: a builder doubles its array as the text grows, so it allocates about
 * three times the text before its {@code toString()} copies it once more, some 40 bytes a token
 * for a token of five characters outside Latin-1. Here the pieces, which exist already, are kept
 * (a bounded number of them) and joined a block at a time into a string of exactly their length,
 * and the blocks once at the end: about twice the text, and nothing per token beyond a reference.
 * Not thread-safe.
 */
final class TextJoin {
    /** Pieces held before they are joined: a bound on what is kept of them, a few kilobytes. */
    private static final int BLOCK = 64;

    private final String[] pending = new String[BLOCK];
    private int count;
    private List<String> blocks;
    private String joined;

    /** @param piece appended to the text; empty pieces are dropped */
    void append(String piece) {
        if (piece.isEmpty()) {
            return;
        }
        if (count == BLOCK) {
            if (blocks == null) {
                blocks = new ArrayList<>();
            }
            blocks.add(String.join("", pending));
            Arrays.fill(pending, null);
            count = 0;
        }
        pending[count++] = piece;
        joined = null;
    }

    /** @return the text so far */
    @Override
    public String toString() {
        if (joined == null) {
            int n = (blocks == null ? 0 : blocks.size()) + count;
            String[] all = new String[n];
            int i = 0;
            if (blocks != null) {
                for (String block : blocks) {
                    all[i++] = block;
                }
            }
            System.arraycopy(pending, 0, all, i, count);
            joined = n == 1 ? all[0] : String.join("", all);
        }
        return joined;
    }
}
