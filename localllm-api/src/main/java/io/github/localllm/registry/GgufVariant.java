package io.github.localllm.registry;

import io.github.localllm.ModelRef;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One GGUF model of a repository at one quantization: a single file, or the shards of a split model
 * ({@code -00001-of-00003.gguf} ...) taken together, with the multimodal projector that goes with it.
 *
 * @param repository the repository, e.g. {@code ggml-org/gemma-3-12b-it-GGUF}
 * @param revision the commit the files were listed at, so a download gets exactly these bytes
 * @param quantization the quantization read from the file name, upper case ({@code Q4_K_M}, {@code IQ2_XXS},
 *        {@code F16}, {@code BF16}, {@code MXFP4}, ...), when the name says it
 * @param files the file, or the shards in order (the first holds the header)
 * @param projector the vision or audio projector ({@code mmproj-...gguf}) to load beside it, if the model has one
 */
public record GgufVariant(String repository, String revision, Optional<String> quantization, List<RepoFile> files,
                          Optional<RepoFile> projector) {

    /** Copies the list and checks the parts. */
    public GgufVariant {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(quantization, "quantization");
        files = List.copyOf(files);
        Objects.requireNonNull(projector, "projector");
        if (files.isEmpty()) {
            throw new IllegalArgumentException("a variant has at least one file");
        }
    }

    /** @return the total size of its files in bytes, the projector not included */
    public long size() {
        return files.stream().mapToLong(RepoFile::size).sum();
    }

    /** @return whether it is split into several shards */
    public boolean sharded() {
        return files.size() > 1;
    }

    /** @return the first file (the only one when not split): the one engines are given */
    public RepoFile firstFile() {
        return files.get(0);
    }

    /** @return a reference to the first file at the pinned revision */
    public ModelRef.Hub ref() {
        return new ModelRef.Hub(repository, firstFile().path(), revision);
    }

    /** @return a short name for people: the quantization, else the file name */
    public String label() {
        return quantization.orElse(firstFile().name());
    }
}
