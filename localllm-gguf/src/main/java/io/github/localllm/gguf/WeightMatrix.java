package io.github.localllm.gguf;

/**
 * One weight matrix that a token's forward pass multiplies by: what decides whether llama.cpp repacks
 * it on the CPU, and how much arithmetic it costs.
 *
 * @param layer its repeating layer, or {@code -1} for the output matrix
 * @param type its stored type
 * @param rows its rows ({@code ne[1]}), the dimension repacking interleaves
 * @param elements its weights (all experts of a mixture-of-experts tensor)
 * @param bytes its stored bytes
 * @param expert whether it holds a mixture-of-experts layer's experts, of which a token uses a share
 */
record WeightMatrix(int layer, GgmlType type, long rows, long elements, long bytes, boolean expert) {
}
