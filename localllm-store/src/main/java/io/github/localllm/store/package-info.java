/**
 * The model store. {@link io.github.localllm.store.Downloader} fetches one file over several
 * connections in ranged chunks, resumes after a crash or kill from its partial file and record,
 * verifies SHA-256 and GGUF, and moves the file into place atomically; a queue runs a few downloads
 * at once, each with pause and cancel, reporting {@link io.github.localllm.event.ModelDownloadProgress}.
 * {@link io.github.localllm.store.ModelLibrary} keeps models in the Hugging Face cache layout (by
 * default), a split model's shards as one unit, downloads from plain addresses, imports and exports
 * local files (verified), records each model, cleans stale partial downloads, suggests what to delete
 * to free space ({@link io.github.localllm.store.DeletionSuggestion}), moves its home crash-safe, and
 * lists what the Hugging Face tools, Ollama and LM Studio already hold, read in place.
 */
package io.github.localllm.store;
