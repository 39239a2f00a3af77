package io.github.localllm.backend.ollama;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelRef;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which Ollama name a model reference stands for. A name is used as it is ({@code qwen2.5:7b},
 * {@code hf.co/owner/repo:Q4_K_M}). A Hugging Face file becomes the name Ollama pulls it by,
 * {@code hf.co/owner/repo:QUANT}, when the file's quantization can be read from its name: Ollama
 * picks the GGUF file of a repository by that tag (huggingface/hub-docs docs/hub/ollama.md). A file
 * in a folder, one part of a split model, or a revision other than {@code main} cannot be named so.
 */
final class OllamaNames {
    /** A quantization label as GGUF file names carry it: Q4_K_M, IQ3_XXS, Q8_0, F16, BF16, TQ1_0, MXFP4... */
    private static final Pattern QUANT = Pattern.compile(
            "(?i)(?:^|[-._])((?:I?Q[1-8](?:_[0-9A-Z]+)*)|(?:TQ[12]_0)|(?:MXFP4)|(?:BF16)|(?:F16)|(?:F32))"
                    + "(?:\\.gguf)$");
    private static final Pattern SPLIT = Pattern.compile("(?i)-\\d{5}-of-\\d{5}\\.gguf$");

    private OllamaNames() {
    }

    /**
     * @param model a reference
     * @return the name Ollama knows it by, if it has one
     */
    static Optional<String> of(ModelRef model) {
        if (model instanceof ModelRef.Name n) {
            return Optional.of(n.name());
        }
        if (model instanceof ModelRef.Hub hub) {
            return hubTag(hub).map(tag -> "hf.co/" + hub.repository() + ":" + tag);
        }
        return Optional.empty();
    }

    /**
     * @param model a reference
     * @return the name Ollama knows it by
     * @throws InvalidRequestException naming what to pass instead, if it has none
     */
    static String require(ModelRef model) {
        return of(model).orElseThrow(() -> new InvalidRequestException(refusal(model)));
    }

    private static Optional<String> hubTag(ModelRef.Hub hub) {
        if (!"main".equals(hub.revision()) || hub.file().contains("/") || SPLIT.matcher(hub.file()).find()) {
            return Optional.empty();
        }
        Matcher m = QUANT.matcher(hub.file());
        return m.find() ? Optional.of(m.group(1).toUpperCase(Locale.ROOT)) : Optional.empty();
    }

    private static String refusal(ModelRef model) {
        if (model instanceof ModelRef.Hub hub) {
            return "Ollama pulls Hugging Face models by repository and quantization (hf.co/" + hub.repository()
                    + ":Q4_K_M), so it cannot load " + hub.text() + ": "
                    + (!"main".equals(hub.revision()) ? "it names the revision " + hub.revision() + ", and Ollama"
                    + " pulls only the main one" : "its file name shows no quantization Ollama can pick it by,"
                    + " or it is in a folder or one part of a split model")
                    + "; pass ModelRef.name(\"hf.co/" + hub.repository() + ":<quantization>\"), or download the file"
                    + " and use the llama.cpp engine";
        }
        if (model instanceof ModelRef.File f) {
            return "Ollama loads models by name, not from files such as " + f.path() + "; import it with `ollama"
                    + " create <name> -f Modelfile` (a Modelfile with FROM " + f.path() + ") and load that name, or use"
                    + " the llama.cpp engine for files";
        }
        return "Ollama loads models by name, not from addresses such as " + model.text() + "; pass a name such as"
                + " qwen2.5:7b or hf.co/owner/repo:Q4_K_M";
    }
}
