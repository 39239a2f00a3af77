package io.github.localllm.testkit.internal;

import java.util.Random;

/** Made-up ids in each server's format, from a seed so that a test run repeats. */
public final class Ids {
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String HEX = "0123456789abcdef";
    private static final String DIGITS = "0123456789";

    private final Random random;

    public Ids(long seed) {
        random = new Random(seed);
    }

    public String alnum(int length) {
        return pick(ALNUM, length);
    }

    public String lowerAlnum(int length) {
        return pick(LOWER_ALNUM, length);
    }

    public String hex(int length) {
        return pick(HEX, length);
    }

    public String digits(int length) {
        return pick(DIGITS, length);
    }

    public synchronized int below(int bound) {
        return random.nextInt(bound);
    }

    private synchronized String pick(String alphabet, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
