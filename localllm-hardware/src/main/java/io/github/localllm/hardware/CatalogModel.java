package io.github.localllm.hardware;

import io.github.localllm.ModelRef;
import io.github.localllm.gguf.ModelShape;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One model of the {@link ModelCatalog}: a GGUF repository on Hugging Face and its files.
 *
 * @param id the catalog's stable name for the model, e.g. {@code qwen2.5-7b-instruct}
 * @param displayName a name to show people
 * @param tasks what the model is for
 * @param repository the Hugging Face repository holding the GGUF files, e.g.
 *        {@code Qwen/Qwen2.5-0.5B-Instruct-GGUF}
 * @param revision the repository commit (40 lower-case hex digits) the catalog's sizes and hashes were taken
 *        from; a file may name its own ({@link CatalogFile#revision()}), which is the one to download it at.
 *        {@value CatalogFile#UNPINNED} only for a user catalog's model that names no commit
 * @param architecture the GGUF {@code general.architecture}, e.g. {@code qwen2}
 * @param parameterCount the number of weights
 * @param contextLength the context length the model was trained for, in tokens
 * @param license the licence's SPDX id, or the model's own licence name where it has no SPDX id
 * @param files the files, one per quantization, smallest first
 * @param shape the architecture's hyperparameters, when the catalog states them; they let the fit
 *        planner estimate a load before anything is downloaded
 */
public record CatalogModel(String id, String displayName, Set<ModelTask> tasks, String repository,
                           String revision, String architecture, long parameterCount, int contextLength, String license,
                           List<CatalogFile> files, Optional<ModelShape> shape) {

    /** Copies the collections, sorts the files smallest first and checks no part is missing. */
    public CatalogModel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(displayName, "displayName");
        tasks = Set.copyOf(tasks);
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(revision, "revision");
        if (!revision.equals(CatalogFile.UNPINNED) && !CatalogFile.isCommit(revision)) {
            throw new IllegalArgumentException("model " + id + ": revision must be a full commit (40 lower-case hex"
                    + " digits) or '" + CatalogFile.UNPINNED + "', found '" + revision + "'");
        }
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(license, "license");
        Objects.requireNonNull(shape, "shape");
        files = files.stream().sorted(Comparator.comparingLong(CatalogFile::sizeBytes)).toList();
        if (tasks.isEmpty() || files.isEmpty()) {
            throw new IllegalArgumentException("model " + id + " needs at least one task and one file");
        }
        if (parameterCount <= 0 || contextLength <= 0) {
            throw new IllegalArgumentException("model " + id + " needs a positive parameter count and context length");
        }
    }

    /**
     * A model without a stated shape.
     *
     * @param id the catalog's stable name for the model
     * @param displayName a name to show people
     * @param tasks what the model is for
     * @param repository the Hugging Face repository holding the GGUF files
     * @param revision the commit the files' sizes and hashes were taken from
     * @param architecture the GGUF {@code general.architecture}
     * @param parameterCount the number of weights
     * @param contextLength the trained context, in tokens
     * @param license the licence
     * @param files the files
     */
    public CatalogModel(String id, String displayName, Set<ModelTask> tasks, String repository, String revision,
                        String architecture, long parameterCount, int contextLength, String license,
                        List<CatalogFile> files) {
        this(id, displayName, tasks, repository, revision, architecture, parameterCount, contextLength, license, files,
                Optional.empty());
    }

    /** @param task a task @return whether the model is meant for it */
    public boolean supports(ModelTask task) {
        return tasks.contains(task);
    }

    /**
     * @param quantization a quantization name, e.g. {@code Q4_K_M} (case-insensitive)
     * @return the file at that quantization, if the catalog lists one
     */
    public Optional<CatalogFile> file(String quantization) {
        return files.stream().filter(f -> f.quantization().equalsIgnoreCase(quantization)).findFirst();
    }

    /** @return whether every file is pinned to a commit, so its published size and hash hold for good */
    public boolean pinned() {
        return files.stream().allMatch(CatalogFile::pinned);
    }

    /**
     * @param file one of this model's files
     * @return its Hugging Face download address at the commit its size and hash were taken from
     *         ({@code https://huggingface.co/<repository>/resolve/<revision>/<file>})
     */
    public String downloadUrl(CatalogFile file) {
        return "https://huggingface.co/" + repository + "/resolve/" + file.revision() + "/" + file.fileName();
    }

    /**
     * @param file one of this model's files
     * @return a reference to it at the commit its size and hash were taken from, for a downloader or an engine
     */
    public ModelRef.Hub hubRef(CatalogFile file) {
        return new ModelRef.Hub(repository, file.fileName(), file.revision());
    }
}
