package io.github.localllm.store;

/** How {@link ModelLibrary#importFile} takes a local file. */
public enum ImportMode {
    /** Copies it; the original stays. */
    COPY,
    /** Moves it (a rename on the same file system, else a copy and a delete). */
    MOVE
}
