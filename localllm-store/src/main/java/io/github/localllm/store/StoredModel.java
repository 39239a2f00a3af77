package io.github.localllm.store;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A model file on disk that the library knows: its own, or another tool's (read-only).
 *
 * @param id a stable identifier: {@code hf:<repo>/<file>@<commit>}, {@code ollama:<name>},
 *     {@code lmstudio:<publisher>/<repo>/<file>}, {@code import:<sha256>}, {@code url:<address>}
 * @param source where it came from
 * @param path the file to load (for the Hugging Face cache, the snapshot path)
 * @param repository the Hub repository ({@code owner/name}) or Ollama name, if any
 * @param revision the commit it was downloaded at, or Ollama's tag, if known
 * @param file the file's name in its repository (a relative path)
 * @param quantization the quantization read from the name ({@code Q4_K_M}, {@code IQ2_XXS}, {@code F16}...), if any
 * @param size its size in bytes
 * @param sha256 its SHA-256 in hex, if known (verified at download or import, or Ollama's blob digest)
 * @param installedAt when it was installed, if known
 * @param lastUsedAt when it was last loaded through the library, if ever
 */
public record StoredModel(String id, ModelSource source, Path path, Optional<String> repository,
                          Optional<String> revision, String file, Optional<String> quantization, long size,
                          Optional<String> sha256, Optional<Instant> installedAt, Optional<Instant> lastUsedAt) {
    /** Rejects nulls. */
    public StoredModel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(quantization, "quantization");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(installedAt, "installedAt");
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
    }

    /** @return whether the library may delete it (Ollama's and LM Studio's models are only read) */
    public boolean deletable() {
        return source.ownedByLibrary();
    }
}
