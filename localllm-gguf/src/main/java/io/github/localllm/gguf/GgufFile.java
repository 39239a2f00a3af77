package io.github.localllm.gguf;

import io.github.localllm.InvalidModelFileException;
import io.github.localllm.ModelNotFoundException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The validated header of a GGUF file: version, metadata and tensor descriptions. Reading one
 * touches only the header, so a multi-gigabyte model is described in milliseconds.
 *
 * @param version GGUF version, 2 or 3
 * @param alignment alignment of tensor data ({@code general.alignment}, default 32)
 * @param tensorDataOffset absolute offset where tensor data starts
 * @param fileSize total size of the file in bytes
 * @param metadata the key/value metadata in file order
 * @param tensors the tensor descriptions in file order
 */
public record GgufFile(int version, long alignment, long tensorDataOffset, long fileSize, GgufMetadata metadata,
                       List<GgufTensorInfo> tensors) {

    /** Rejects nulls and copies the tensor list. */
    public GgufFile {
        Objects.requireNonNull(metadata, "metadata");
        tensors = List.copyOf(tensors);
    }

    /**
     * Reads and validates the header of a local GGUF file.
     *
     * @param file the .gguf file
     * @return its header
     * @throws ModelNotFoundException if the file does not exist
     * @throws InvalidModelFileException if it is a directory, unreadable, or not a valid GGUF file
     */
    public static GgufFile read(Path file) {
        Objects.requireNonNull(file, "file");
        if (!Files.exists(file)) {
            throw new ModelNotFoundException("model file " + file + " does not exist (resolved to "
                    + file.toAbsolutePath() + "); check the path, or download the model first");
        }
        if (Files.isDirectory(file)) {
            throw new InvalidModelFileException(file, null, -1, "is a directory; pass the .gguf file inside it");
        }
        GgufSource source;
        try {
            source = GgufSource.open(file);
        } catch (UncheckedIOException e) {
            throw new InvalidModelFileException(file, "cannot be opened (" + e.getCause().getMessage()
                    + "); check that it is readable by this user", e);
        }
        try (source) {
            return read(source);
        }
    }

    /**
     * Reads and validates the header of a remote GGUF file with HTTP range requests, without
     * downloading its tensors. See {@link GgufSource#http(java.net.http.HttpClient, URI, java.util.Map, java.time.Duration)}
     * to pass an access token, a client or a time limit.
     *
     * @param uri the file's download address, e.g. {@code https://huggingface.co/<repo>/resolve/<revision>/<file>.gguf}
     * @return its header
     * @throws ModelNotFoundException if the server says the file does not exist or is not accessible
     * @throws io.github.localllm.ModelDownloadException if the server cannot be reached, times out, fails or does not serve ranges
     * @throws InvalidModelFileException if the bytes are not a valid GGUF file
     */
    public static GgufFile read(URI uri) {
        try (GgufSource source = GgufSource.http(uri)) {
            return read(source);
        }
    }

    /**
     * Reads and validates a GGUF header from any random-access source. The source is not closed.
     *
     * @param source the bytes
     * @return the header
     * @throws InvalidModelFileException if the bytes are not a valid GGUF file or cannot be read
     */
    public static GgufFile read(GgufSource source) {
        Objects.requireNonNull(source, "source");
        try {
            return new GgufReader(source).read();
        } catch (UncheckedIOException e) {
            throw new InvalidModelFileException(source.path().orElse(null), "could not be read ("
                    + e.getMessage() + "); check the disk or connection and retry", e);
        }
    }

    /** @return the standard model keys (architecture, sizes, tokenizer) as typed accessors */
    public ModelMetadata model() {
        return new ModelMetadata(metadata, tensors);
    }

    /** @param name a tensor name @return the tensor, if present */
    public Optional<GgufTensorInfo> tensor(String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** @return the bytes of tensor data, from {@link #tensorDataOffset()} to the end of the last tensor */
    public long tensorDataSize() {
        return tensors.stream().mapToLong(t -> t.relativeOffset() + t.byteSize()).max().orElse(0);
    }
}
