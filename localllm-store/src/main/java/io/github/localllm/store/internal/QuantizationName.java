package io.github.localllm.store.internal;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The quantization a GGUF file or Ollama tag names, as llama.cpp's quantize tool calls them: {@code Q4_K_M},
 * {@code Q8_0}, {@code IQ2_XXS}, {@code TQ1_0}, {@code F16}, {@code BF16}, {@code F32}, {@code MXFP4}.
 */
public final class QuantizationName {
    private static final Pattern NAME = Pattern.compile(
            "(?i)(?:^|[-._:])((?:I|T)?Q\\d(?:_[A-Z0-9]+)*|BF16|F16|F32|MXFP4)(?=\\.gguf$|[-.]|$)");

    private QuantizationName() {
    }

    /** @return the last quantization named in {@code name}, upper-case, if any */
    public static Optional<String> of(String name) {
        Matcher m = NAME.matcher(name);
        String found = null;
        while (m.find()) {
            found = m.group(1);
        }
        return Optional.ofNullable(found).map(s -> s.toUpperCase(Locale.ROOT));
    }
}
