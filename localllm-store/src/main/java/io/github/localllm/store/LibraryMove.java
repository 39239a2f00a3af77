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
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Moves a library's home, crash-safe. A journal beside each of the two homes
 * ({@code <home>.localllm-move.json}, outside them, so it survives the home's rename or deletion) says
 * where from, where to, and how far the move went; {@link #recover} reads it when a library opens at
 * either place:
 *
 * <ol>
 *   <li>{@code RENAMING}: the home is renamed in one step (same file system). If the old home is still
 *       there, the rename did not happen: the journals go (rolled back); otherwise the records are
 *       rewritten and the journals go (resumed).</li>
 *   <li>{@code COPYING} (another file system): a copy is made in the new place. The copy may be
 *       incomplete: it is deleted (rolled back).</li>
 *   <li>{@code DELETING}: the copy is complete and its records rewritten. The old home is deleted and
 *       the new one used (resumed).</li>
 * </ol>
 * Each step can be redone: the records are rewritten only where a path still lies under the old home.
 */
final class LibraryMove {
    private static final Logger LOG = LoggerFactory.getLogger(LibraryMove.class);
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final String JOURNAL_SUFFIX = ".localllm-move.json";

    private LibraryMove() {
    }

    /** @return the journal of a move from or to {@code home}, which lies beside it */
    static Path journalOf(Path home) {
        return home.resolveSibling(home.getFileName() + JOURNAL_SUFFIX);
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
            write("RENAMING", from, to);
            checkpoint.accept("RENAMING");
            try {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
                checkpoint.accept("RENAMED");
                finish(from, to);
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
        write("COPYING", from, to);
        checkpoint.accept("COPYING");
        copyTree(from, to, checkpoint);
        new ModelRecords(to.resolve("records")).relocateAll(from, to);
        write("DELETING", from, to);
        checkpoint.accept("DELETING");
        finish(from, to);
    }

    /**
     * Ends or undoes a move an earlier process left half-done, as the journal beside {@code home} says.
     *
     * @return the home to use: {@code home}, or the new one when the move is finished now
     */
    static Path recover(Path home) {
        Path journal = journalOf(home);
        if (!Files.isRegularFile(journal)) {
            return home;
        }
        try {
            JsonNode n = MAPPER.readTree(Files.readAllBytes(journal));
            String phase = n.path("phase").asString("");
            Path from = Path.of(n.path("from").asString());
            Path to = Path.of(n.path("to").asString());
            switch (phase) {
                case "RENAMING" -> {
                    if (Files.isDirectory(from) && !Files.exists(to)) {
                        LOG.warn("the move of the model library from {} to {} did not happen; staying at {}", from,
                                to, from);
                        deleteJournals(from, to);
                        return from;
                    }
                    if (Files.exists(from) || !Files.isDirectory(to)) {
                        throw new IOException("it was renaming the one to the other, but " + (Files.exists(from)
                                ? "both exist" : "neither exists"));
                    }
                    LOG.warn("finishing the move of the model library from {} to {}", from, to);
                    finish(from, to);
                    return to;
                }
                case "COPYING" -> {
                    LOG.warn("the move of the model library from {} to {} stopped while copying; deleting the copy",
                            from, to);
                    deleteTree(to);
                    deleteJournals(from, to);
                    return from;
                }
                case "DELETING" -> {
                    LOG.warn("finishing the move of the model library from {} to {}", from, to);
                    finish(from, to);
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
    private static void finish(Path from, Path to) throws IOException {
        new ModelRecords(to.resolve("records")).relocateAll(from, to);
        deleteTree(from);
        deleteJournals(from, to);
    }

    private static void write(String phase, Path from, Path to) throws IOException {
        byte[] json = MAPPER.writeValueAsBytes(MAPPER.createObjectNode().put("version", 1).put("phase", phase)
                .put("from", from.toString()).put("to", to.toString()));
        // The new home's first: once the old one's says DELETING too, either open finishes the move.
        for (Path journal : new Path[] {journalOf(to), journalOf(from)}) {
            Path tmp = journal.resolveSibling(journal.getFileName() + ".tmp");
            Files.write(tmp, json);
            Files.move(tmp, journal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteJournals(Path from, Path to) throws IOException {
        Files.deleteIfExists(journalOf(from));
        Files.deleteIfExists(journalOf(to));
    }

    /** Copies files and symbolic links as they are, so the cache's relative links stay valid. */
    private static void copyTree(Path from, Path to, Consumer<String> checkpoint) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
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

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
