package io.github.localllm.backend.llamacpp;

import io.github.localllm.gguf.MemoryModel;

/**
 * What the backend needs to know of a model before and after loading it, read from
 * its GGUF header. {@code declaresPooling}: the file names how to pool token vectors
 * into one embedding, as embedding models do. {@code headDimension}: the wider of the key and
 * value head sizes, or {@code -1} if unknown. {@code memory}: what loads of it take, or {@code null}
 * when the header lacks a key the estimate needs. {@code fileBytes}: the file's size.
 */
record ModelFacts(String name, String architecture, long parameterCount, String quantization,
                  int trainedContextLength, int embeddingLength, int vocabularySize, boolean hasChatTemplate,
                  boolean addBos, boolean declaresPooling, int headDimension,
                  MemoryModel memory, long fileBytes) {
}
