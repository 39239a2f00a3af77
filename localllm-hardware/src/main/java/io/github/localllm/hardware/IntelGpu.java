package io.github.localllm.hardware;

import java.util.Locale;
import java.util.regex.Pattern;

/** Intel GPU naming: discrete Arc cards carry a model number (A770, B580, Pro B60); the rest are integrated. */
final class IntelGpu {
    private static final Pattern DISCRETE = Pattern.compile(".*\\barc\\b.*\\b(pro\\s+)?[ab]\\d{2,3}[a-z]?\\b.*");

    private IntelGpu() {
    }

    /**
     * @param name the adapter's name, e.g. {@code Intel(R) Arc(TM) A770 Graphics}
     * @return whether it is integrated graphics ("Intel(R) Arc(TM) Graphics" on Meteor Lake is)
     */
    static boolean integrated(String name) {
        String lower = name.toLowerCase(Locale.ROOT).replace("(tm)", " ").replace("(r)", " ");
        return !DISCRETE.matcher(lower).matches();
    }
}
