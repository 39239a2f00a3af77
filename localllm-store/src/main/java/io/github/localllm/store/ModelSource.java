package io.github.localllm.store;

/** Where a model on disk came from, and who owns its files. */
public enum ModelSource {
    /** Downloaded from the Hugging Face Hub into the Hugging Face cache, by this library or the Hugging Face tools. */
    HUGGING_FACE,
    /** Downloaded from an address that is not a Hub repository. */
    URL,
    /** A local file imported into the library, copied or moved. */
    IMPORTED,
    /** Pulled by Ollama: read in place, never changed (remove it with {@code ollama rm}). */
    OLLAMA,
    /** Downloaded by LM Studio: read in place, never changed (remove it in LM Studio). */
    LM_STUDIO;

    /** @return whether the library may delete or move its files */
    public boolean ownedByLibrary() {
        return this == HUGGING_FACE || this == URL || this == IMPORTED;
    }
}
