package io.github.localllm.backend.llamacpp;

import io.github.localllm.InvalidModelFileException;
import io.github.localllm.gguf.GgufFile;
import io.github.localllm.gguf.MemoryModel;
import io.github.localllm.gguf.ModelMetadata;
import java.nio.file.Path;

/** Reads and validates a model file before llama.cpp is allowed to see it. */
final class ModelFiles {
    private ModelFiles() {
    }

    /**
     * @param file a GGUF file
     * @return what the backend needs to know of it
     * @throws io.github.localllm.ModelNotFoundException if the file does not exist
     * @throws InvalidModelFileException if it is not a valid GGUF file
     */
    static ModelFacts inspect(Path file) {
        GgufFile gguf = GgufFile.read(file);
        ModelMetadata meta = gguf.model();
        String architecture = meta.architecture().orElseThrow(() -> new InvalidModelFileException(file,
                "general.architecture", -1, "the required key is missing, so no engine can tell how to run"
                        + " the model; re-convert or re-download it"));
        String fileName = file.getFileName().toString();
        String name = meta.name().filter(n -> !n.isBlank())
                .orElse(fileName.endsWith(".gguf") ? fileName.substring(0, fileName.length() - 5) : fileName);
        return new ModelFacts(name, architecture, meta.parameterCount(),
                meta.quantizationName().orElse("unknown"),
                (int) Math.min(Integer.MAX_VALUE, meta.contextLength().orElse(-1)),
                (int) Math.min(Integer.MAX_VALUE, meta.embeddingLength().orElse(-1)),
                (int) Math.min(Integer.MAX_VALUE, meta.vocabularySize().orElse(Integer.MAX_VALUE)),
                meta.chatTemplate().filter(t -> !t.isBlank()).isPresent(),
                meta.addBosToken().orElse(defaultAddBos(meta)),
                gguf.metadata().contains(architecture + ".pooling_type"),
                (int) Math.max(meta.keyLength().orElse(-1), meta.valueLength().orElse(-1)),
                memoryModel(gguf), gguf.fileSize());
    }

    /** @return the file's memory model, or {@code null}: llama.cpp may load files the estimate cannot read */
    private static MemoryModel memoryModel(GgufFile gguf) {
        try {
            return MemoryModel.of(gguf);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * When a file does not say, llama.cpp adds BOS for SentencePiece ({@code llama}) and
     * WordPiece ({@code bert}) vocabularies but not for byte-level BPE ({@code gpt2}).
     */
    private static boolean defaultAddBos(ModelMetadata meta) {
        String tokenizer = meta.tokenizerModel().orElse("llama");
        return tokenizer.equals("llama") || tokenizer.equals("bert");
    }
}
