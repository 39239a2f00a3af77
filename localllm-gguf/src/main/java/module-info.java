/**
 * GGUF model files: a validating header reader, a streaming writer and a synthetic model builder.
 * Pure Java; nothing here touches native code, so it can vet a file before native code sees it.
 */
module io.github.localllm.gguf {
    requires transitive io.github.localllm;

    exports io.github.localllm.gguf;
}
