package io.github.localllm.gguf;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The quantization a GGUF file name or an Ollama tag names ({@code Q4_K_M}, {@code IQ2_XXS},
 * {@code MXFP4}, {@code BF16}, ...), as llama.cpp's {@code llama-quantize} and the large GGUF
 * publishers write them. Names are free text, so this reads their conventions; the file's header
 * ({@link ModelMetadata#quantizationName()}) is the authority once the file is at hand.
 */
public final class QuantizationNames {
    /** llama.cpp's quantization types by the names files carry, longest alternatives first. */
    private static final Pattern QUANT = Pattern.compile("(?i)(?<![A-Za-z0-9])((?:UD-)?(?:"
            + "IQ[1-4]_(?:XXS|XS|NL|S|M)"
            + "|Q[2-8]_K(?:_(?:XXL|XL|S|M|L))?"
            // Q1_0 and Q2_0 are llama.cpp's newest legacy-style types (llama-quantize b10470 lists them).
            + "|Q[1-8]_[01](?:_[0-9]+)?"
            + "|TQ[12]_0"
            + "|MXFP4(?:_MOE)?"
            + "|BF16|FP16|F16|FP32|F32"
            + "))(?![A-Za-z0-9])");
    private static final Pattern SHARD = Pattern.compile("(?i)^(.*)-(\\d{5})-of-(\\d{5})\\.gguf$");

    private QuantizationNames() {
    }

    /**
     * @param name a file name or path ({@code qwen2.5-0.5b-instruct-q4_k_m.gguf}, a shard's name too) or an
     *        Ollama tag ({@code 7b-instruct-q8_0})
     * @return the last quantization it names, in upper case ({@code FP16} reads as {@code F16}), if any
     */
    public static Optional<String> of(String name) {
        String file = name.substring(name.lastIndexOf('/') + 1);
        Matcher shard = SHARD.matcher(file);
        String stem = shard.matches() ? shard.group(1) : file.replaceFirst("(?i)\\.gguf$", "");
        Matcher m = QUANT.matcher(stem);
        String found = null;
        while (m.find()) {
            found = m.group(1);
        }
        if (found == null) {
            return Optional.empty();
        }
        String q = found.toUpperCase(Locale.ROOT);
        return Optional.of(q.equals("FP16") ? "F16" : q.equals("FP32") ? "F32" : q);
    }
}
