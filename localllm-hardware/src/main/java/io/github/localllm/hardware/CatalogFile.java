package io.github.localllm.hardware;

import java.util.Objects;
import java.util.Optional;

/**
 * One downloadable GGUF file of a catalog model: the model at one quantization.
 *
 * @param quantization the llama.cpp quantization name, e.g. {@code Q4_K_M}, {@code Q8_0}, {@code F16}
 * @param fileName the file's path inside the model's Hugging Face repository
 * @param sizeBytes the file's size in bytes: published by the repository, or an estimate when
 *        {@code sizeApproximate} is set
 * @param sha256 the SHA-256 of the file's content as the repository publishes it (lower-case hex),
 *        empty when no published value was found
 * @param sizeApproximate whether {@code sizeBytes} is an estimate (parameters × bits per weight)
 *        rather than the published size; a download must then not be checked against it
 */
public record CatalogFile(String quantization, String fileName, long sizeBytes, Optional<String> sha256,
                          boolean sizeApproximate) {

    /** Checks no part is missing and the size is positive. */
    public CatalogFile {
        Objects.requireNonNull(quantization, "quantization");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(sha256, "sha256");
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("sizeBytes must be positive: " + sizeBytes);
        }
    }

    @Override
    public String toString() {
        return fileName + " (" + quantization + ", " + (sizeApproximate ? "about " : "")
                + String.format(java.util.Locale.ROOT, "%.2f GB", sizeBytes / 1e9) + ")";
    }
}
