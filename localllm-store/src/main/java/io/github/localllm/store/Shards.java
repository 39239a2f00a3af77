package io.github.localllm.store;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names {@code llama-gguf-split} gives the shards of a split model ({@code <prefix>-00001-of-00003.gguf}),
 * as llama.cpp's {@code llama_split_path} rebuilds them from the first one when it loads a model.
 */
final class Shards {
    private static final Pattern SHARD = Pattern.compile("(?i)^(.*)-(\\d{5})-of-(\\d{5})(\\.gguf)$");

    private Shards() {
    }

    /** @return how many shards a model whose file is named so has: 1 when not split */
    static int count(String fileName) {
        Matcher m = SHARD.matcher(fileName);
        return m.matches() ? Integer.parseInt(m.group(3)) : 1;
    }

    /** @return the shard's number (from 1), or 1 when not split */
    static int index(String fileName) {
        Matcher m = SHARD.matcher(fileName);
        return m.matches() ? Integer.parseInt(m.group(2)) : 1;
    }

    /** @return the name of shard {@code index} of the split model one of whose shards is named {@code fileName} */
    static String name(String fileName, int index) {
        Matcher m = SHARD.matcher(fileName);
        if (!m.matches()) {
            throw new IllegalArgumentException(fileName + " is not a shard's name");
        }
        return String.format("%s-%05d-of-%s%s", m.group(1), index, m.group(3), m.group(4));
    }
}
