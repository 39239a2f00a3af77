package io.github.localllm.store;

import io.github.localllm.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The library's record per model: one small JSON file each, replaced atomically. */
final class ModelRecords {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRecords.class);
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final Path dir;

    ModelRecords(Path dir) {
        this.dir = dir;
    }

    List<StoredModel> all() {
        List<StoredModel> models = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return models;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                read(f).ifPresent(models::add);
            }
        } catch (IOException e) {
            throw new StorageException("cannot list the model records in " + dir + " (" + e.getMessage() + ")", e);
        }
        return models;
    }

    Optional<StoredModel> get(String id) {
        return read(fileOf(id));
    }

    void put(StoredModel m) {
        ObjectNode n = MAPPER.createObjectNode().put("version", 1).put("id", m.id()).put("source", m.source().name())
                .put("path", m.path().toString()).put("file", m.file()).put("size", m.size());
        m.repository().ifPresent(v -> n.put("repository", v));
        m.revision().ifPresent(v -> n.put("revision", v));
        m.quantization().ifPresent(v -> n.put("quantization", v));
        m.sha256().ifPresent(v -> n.put("sha256", v));
        m.installedAt().ifPresent(v -> n.put("installedAt", v.toString()));
        m.lastUsedAt().ifPresent(v -> n.put("lastUsedAt", v.toString()));
        m.projector().ifPresent(v -> n.put("projector", v.toString()));
        Path file = fileOf(m.id());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(dir);
            Files.write(tmp, MAPPER.writeValueAsBytes(n));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new StorageException("cannot write the model record " + file + " (" + e.getMessage()
                    + "); check that " + dir + " is writable", e);
        }
    }

    /** Rewrites every record whose paths lie under {@code from} to lie under {@code to}; others stay. */
    void relocateAll(Path from, Path to) {
        for (StoredModel m : all()) {
            StoredModel moved = m.relocated(from, to);
            if (!moved.equals(m)) {
                put(moved);
            }
        }
    }

    /** @return the directory of the records */
    Path dir() {
        return dir;
    }

    void remove(String id) {
        try {
            Files.deleteIfExists(fileOf(id));
        } catch (IOException e) {
            throw new StorageException("cannot delete the model record " + fileOf(id) + " (" + e.getMessage() + ")", e);
        }
    }

    private Path fileOf(String id) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return dir.resolve(HexFormat.of().formatHex(h, 0, 16) + ".json");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<StoredModel> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = MAPPER.readTree(Files.readAllBytes(file));
            return Optional.of(new StoredModel(n.path("id").asString(), ModelSource.valueOf(n.path("source").asString()),
                    Path.of(n.path("path").asString()), text(n, "repository"), text(n, "revision"),
                    n.path("file").asString(), text(n, "quantization"), n.path("size").asLong(-1), text(n, "sha256"),
                    text(n, "installedAt").map(Instant::parse), text(n, "lastUsedAt").map(Instant::parse),
                    text(n, "projector").map(Path::of)));
        } catch (IOException | JacksonException | IllegalArgumentException | java.time.DateTimeException e) {
            LOG.warn("ignoring the unreadable model record {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asString());
    }
}
