package io.github.localllm.store;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A model file on disk that the library knows: its own, or another tool's (read-only).
 *
 * @param id a stable identifier: {@code hf:<repo>/<file>@<commit>}, {@code ollama:<name>},
 *     {@code lmstudio:<publisher>/<repo>/<file>}, {@code import:<sha256>}, {@code url:<address>}
 * @param source where it came from
 * @param path the file to load (for the Hugging Face cache, the snapshot path; for a split model,
 *     its first shard, which llama.cpp loads and which leads it to the others)
 * @param repository the Hub repository ({@code owner/name}) or Ollama name, if any
 * @param revision the commit it was downloaded at, or Ollama's tag, if known
 * @param file the file's name in its repository (a relative path; the first shard of a split model)
 * @param quantization the quantization read from the name ({@code Q4_K_M}, {@code IQ2_XXS}, {@code F16}...), if any
 * @param size its size in bytes (every shard of a split model, the projector not included)
 * @param sha256 its SHA-256 in hex, if known (verified at download or import, or Ollama's blob digest;
 *     the first shard's for a split model)
 * @param installedAt when it was installed, if known
 * @param lastUsedAt when it was last loaded through the library, if ever
 * @param projector the multimodal projector ({@code mmproj}) to load beside it, if it has one
 */
public record StoredModel(String id, ModelSource source, Path path, Optional<String> repository,
                          Optional<String> revision, String file, Optional<String> quantization, long size,
                          Optional<String> sha256, Optional<Instant> installedAt, Optional<Instant> lastUsedAt,
                          Optional<Path> projector) {
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
        Objects.requireNonNull(projector, "projector");
    }

    /** @return whether the library may delete it (Ollama's and LM Studio's models are only read) */
    public boolean deletable() {
        return source.ownedByLibrary();
    }

    /** @return whether it is split into shards ({@code -00001-of-00003.gguf} ...) */
    public boolean sharded() {
        return Shards.count(path.getFileName().toString()) > 1;
    }

    /**
     * @return the files that make the model, in order: its path alone, or every shard of a split
     *     model (named as {@code llama-gguf-split} names them, beside the first); the projector not included
     */
    public List<Path> shards() {
        String name = path.getFileName().toString();
        int count = Shards.count(name);
        if (count <= 1) {
            return List.of(path);
        }
        List<Path> all = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            all.add(path.resolveSibling(Shards.name(name, i)));
        }
        return List.copyOf(all);
    }

    /** @return a copy used at {@code when} */
    StoredModel usedAt(Instant when) {
        return new StoredModel(id, source, path, repository, revision, file, quantization, size, sha256, installedAt,
                Optional.of(when), projector);
    }

    /** @return a copy whose paths under {@code from} lie under {@code to} instead */
    StoredModel relocated(Path from, Path to) {
        return new StoredModel(id, source, rebase(path, from, to), repository, revision, file, quantization, size,
                sha256, installedAt, lastUsedAt, projector.map(p -> rebase(p, from, to)));
    }

    private static Path rebase(Path p, Path from, Path to) {
        return p.startsWith(from) ? to.resolve(from.relativize(p).toString()) : p;
    }
}
