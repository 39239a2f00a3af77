package io.github.localllm.store.internal;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a partial download holds, written beside it as a small JSON file: the address (without
 * query), the file's size, the validator that tells whether the remote file is still the same one
 * (the Hub's {@code X-Linked-Etag}, else the server's {@code ETag}), the Hub's commit, and per
 * chunk the bytes written. It is replaced atomically and always written after the bytes it counts
 * were forced to disk, so it never claims more than the partial file holds.
 *
 * @param url the address asked, without query
 * @param size the file's size
 * @param validator the validator, or empty when the server gave none
 * @param commit the Hub's commit, or empty
 * @param chunkSize the chunks' size
 * @param done bytes written per chunk
 */
public record ResumeRecord(String url, long size, String validator, String commit, long chunkSize, long[] done) {
    /** The format's version; a record of another version is ignored. */
    public static final int VERSION = 1;
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /**
     * @param file a record file
     * @return the record, or empty if there is none or it cannot be read (then the partial cannot be trusted)
     */
    public static Optional<ResumeRecord> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode root = MAPPER.readTree(Files.readAllBytes(file));
            if (root.path("version").asInt(-1) != VERSION) {
                return Optional.empty();
            }
            JsonNode chunks = root.path("chunks");
            long[] done = new long[chunks.size()];
            for (int i = 0; i < done.length; i++) {
                done[i] = chunks.get(i).asLong(-1);
                if (done[i] < 0) {
                    return Optional.empty();
                }
            }
            long size = root.path("size").asLong(-1);
            long chunkSize = root.path("chunkSize").asLong(-1);
            if (size < 0 || chunkSize < 1) {
                return Optional.empty();
            }
            return Optional.of(new ResumeRecord(root.path("url").asString(""), size,
                    root.path("validator").asString(""), root.path("commit").asString(""), chunkSize, done));
        } catch (IOException | JacksonException e) {
            return Optional.empty();
        }
    }

    /**
     * Writes the record to a temporary file and moves it over {@code file}, so a kill leaves the
     * old record or the new one, never half of one.
     */
    public void write(Path file) throws IOException {
        ObjectNode root = MAPPER.createObjectNode().put("version", VERSION).put("url", url).put("size", size)
                .put("validator", validator).put("commit", commit).put("chunkSize", chunkSize);
        ArrayNode chunks = root.putArray("chunks");
        for (long d : done) {
            chunks.add(d);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, MAPPER.writeValueAsBytes(root));
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** @return whether this record describes the same remote file, cut the same way */
    public boolean matches(String url, long size, String validator, int chunks) {
        return this.url.equals(url) && this.size == size && this.validator.equals(validator) && done.length == chunks;
    }

    /** @return the bytes the record counts */
    public long written() {
        long sum = 0;
        for (long d : done) {
            sum += d;
        }
        return sum;
    }
}
