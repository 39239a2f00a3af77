package io.github.localllm.store;

import io.github.localllm.StorageException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Moves a library's home, crash-safe. A journal ({@value #JOURNAL}) written before anything moves
 * says where from, where to, and how far it went, and {@link #recover} reads it when a library opens:
 *
 * <ol>
 *   <li>{@code RENAMING}: the home is renamed in one step (same file system), the journal with it.
 *       Found in the old home, the rename did not happen: the journal goes (rolled back). Found in
 *       the new home, it did: the records are rewritten and the journal goes (resumed).</li>
 *   <li>{@code COPYING} (another file system): a copy is made in the new place, the journal left
 *       out. Found in the old home, the copy is incomplete: it is deleted (rolled back).</li>
 *   <li>{@code DELETING}: the copy is complete and its records rewritten; a journal in both homes
 *       says so. Wherever it is found, the old home is deleted and the new one used (resumed).</li>
 * </ol>
 * The records are rewritten idempotently (only paths still under the old home change), so each step
 * can be redone.
 */
final class LibraryMove {
    private static final Logger LOG = LoggerFactory.getLogger(LibraryMove.class);
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    static final String JOURNAL = "localllm-move.json";

    private LibraryMove() {
    }

    /**
     * Moves {@code from} to {@code to}.
     *
     * @param rename whether a one-step rename may be tried
     * @param checkpoint called with each phase's name as it is reached (tests stop there, as a crash would)
     */
    static void move(Path from, Path to, boolean rename, Consumer<String> checkpoint) throws IOException {
        if (Files.isDirectory(to)) {
            // Checked empty by the caller; a rename needs it absent.
            Files.delete(to);
        }
        Files.createDirectories(to.getParent());
        if (rename) {
            write(from, "RENAMING", from, to);
            checkpoint.accept("RENAMING");
            try {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
                checkpoint.accept("RENAMED");
                finish(to, from, to);
                return;
            } catch (AtomicMoveNotSupportedException e) {
                LOG.debug("cannot rename {} to {} in one step ({}); copying", from, to, e.getMessage());
            } catch (IOException e) {
                if (!Files.isDirectory(from) || Files.exists(to)) {
                    throw e;
                }
                LOG.debug("cannot rename {} to {} ({}); copying", from, to, e.getMessage());
            }
        }
        write(from, "COPYING", from, to);
        checkpoint.accept("COPYING");
        copyTree(from, to, checkpoint);
        new ModelRecords(to.resolve("records")).relocateAll(from, to);
        write(to, "DELETING", from, to);
        write(from, "DELETING", from, to);
        checkpoint.accept("DELETING");
        finish(to, from, to);
    }

    /**
     * Ends or undoes a move an earlier process left half-done, as its journal in {@code home} says.
     *
     * @return the home to use: {@code home}, or the new one when the move had been committed
     */
    static Path recover(Path home) {
        Path journal = home.resolve(JOURNAL);
        if (!Files.isRegularFile(journal)) {
            return home;
        }
        try {
            JsonNode n = MAPPER.readTree(Files.readAllBytes(journal));
            String phase = n.path("phase").asString("");
            Path from = Path.of(n.path("from").asString());
            Path to = Path.of(n.path("to").asString());
            boolean atOld = home.toAbsolutePath().normalize().equals(from);
            switch (phase) {
                case "RENAMING" -> {
                    if (atOld) {
                        LOG.warn("the move of the model library from {} to {} did not happen; staying at {}", from, to,
                                from);
                        Files.delete(journal);
                        return home;
                    }
                    LOG.warn("finishing the move of the model library from {} to {}", from, to);
                    finish(to, from, to);
                    return to;
                }
                case "COPYING" -> {
                    LOG.warn("the move of the model library from {} to {} stopped while copying; deleting the copy",
                            from, to);
                    deleteTree(to, null);
                    Files.delete(journal);
                    return home;
                }
                case "DELETING" -> {
                    LOG.warn("finishing the move of the model library from {} to {}", from, to);
                    finish(to, from, to);
                    return to;
                }
                default -> throw new IOException("unknown phase '" + phase + "'");
            }
        } catch (IOException | RuntimeException e) {
            throw new StorageException("cannot finish or undo the move of the model library recorded in " + journal
                    + " (" + e.getMessage() + "); move the directory by hand and delete that file", e);
        }
    }

    /** Rewrites the records at {@code to}, deletes what is left of {@code from}, then the journals. */
    private static void finish(Path to, Path from, Path newHome) throws IOException {
        new ModelRecords(newHome.resolve("records")).relocateAll(from, to);
        if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            deleteTree(from, from.resolve(JOURNAL));
            Files.deleteIfExists(from.resolve(JOURNAL));
            Files.deleteIfExists(from);
        }
        Files.deleteIfExists(to.resolve(JOURNAL));
    }

    private static void write(Path dir, String phase, Path from, Path to) throws IOException {
        Path journal = dir.resolve(JOURNAL);
        Path tmp = dir.resolve(JOURNAL + ".tmp");
        Files.write(tmp, MAPPER.writeValueAsBytes(MAPPER.createObjectNode().put("version", 1).put("phase", phase)
                .put("from", from.toString()).put("to", to.toString())));
        Files.move(tmp, journal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Copies files and symbolic links as they are (the cache's relative links stay valid), the journal left out. */
    private static void copyTree(Path from, Path to, Consumer<String> checkpoint) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (file.equals(from.resolve(JOURNAL))) {
                    return FileVisitResult.CONTINUE;
                }
                Path dest = to.resolve(from.relativize(file).toString());
                Files.copy(file, dest, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES,
                        StandardCopyOption.REPLACE_EXISTING);
                if (attrs.isRegularFile() && Files.size(dest) != attrs.size()) {
                    throw new IOException("the copy " + dest + " has " + Files.size(dest) + " bytes, not "
                            + attrs.size());
                }
                checkpoint.accept("COPIED " + from.relativize(file));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path dir, Path keep) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                if (!p.equals(keep) && !(keep != null && p.equals(dir))) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** @return the journal of a move that stopped half-way in {@code home}, if one is there */
    static Optional<Path> pending(Path home) {
        Path journal = home.resolve(JOURNAL);
        return Files.isRegularFile(journal) ? Optional.of(journal) : Optional.empty();
    }
}
