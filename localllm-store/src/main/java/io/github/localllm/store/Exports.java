package io.github.localllm.store;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.StorageException;
import io.github.localllm.store.internal.SafeNames;
import io.github.localllm.store.internal.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Copies a model out of the library, hashing what it reads and then what it wrote, before the rename into place. */
final class Exports {
    private static final int BUFFER = 1 << 20;

    private Exports() {
    }

    static Path export(StoredModel model, Path directory) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(directory, "directory");
        String base = exportName(model);
        List<Path> sources = new ArrayList<>(model.shards());
        List<String> names = new ArrayList<>();
        for (Path shard : sources) {
            names.add(model.sharded() ? shard.getFileName().toString() : base);
        }
        model.projector().ifPresent(p -> {
            sources.add(p);
            String name = p.getFileName().toString();
            names.add(Projectors.isProjector(name) && Projectors.isGguf(name) ? name
                    : base.replaceAll("(?i)\\.gguf$", "") + "-mmproj.gguf");
        });
        List<Path> targets = new ArrayList<>();
        for (String name : names) {
            if (name.contains("/")) {
                throw new InvalidRequestException("refusing to export to the name '" + name + "': an exported file is "
                        + "named by one plain file name");
            }
            targets.add(SafeNames.resolve(directory, SafeNames.check(name)));
        }
        for (Path source : sources) {
            if (!Files.isRegularFile(source)) {
                throw new ModelNotFoundException("cannot export " + model.id() + ": " + source
                        + " is missing; list the library again");
            }
        }
        try {
            Files.createDirectories(directory);
            for (int i = 0; i < sources.size(); i++) {
                Optional<String> known = i == 0 ? model.sha256() : Optional.empty();
                copyVerified(sources.get(i), targets.get(i), known, model.id());
            }
        } catch (IOException e) {
            throw new StorageException("cannot export " + model.id() + " to " + directory + " (" + e.getMessage()
                    + "); check free space and permissions there", e);
        }
        return targets.get(0);
    }

    /** The exported file's name: the model's own, or for an Ollama name {@code model-tag.gguf}. */
    private static String exportName(StoredModel model) {
        String file = model.file();
        if (model.source() == ModelSource.OLLAMA) {
            String shortName = file.substring(file.lastIndexOf('/') + 1);
            return shortName.replace(':', '-') + ".gguf";
        }
        return file.substring(file.lastIndexOf('/') + 1);
    }

    static void copyVerified(Path source, Path target, Optional<String> knownSha256, String id) throws IOException {
        if (Files.exists(target)) {
            if (Files.isRegularFile(target) && Files.size(target) == Files.size(source)
                    && Sha256.of(target).equals(knownSha256.orElseGet(() -> hash(source)))) {
                return;
            }
            throw new InvalidRequestException("cannot export " + id + " to " + target + ": a different file of that "
                    + "name is there; delete it or export to another directory");
        }
        Path tmp = target.resolveSibling(target.getFileName() + Downloader.PARTIAL_SUFFIX);
        MessageDigest read = Sha256.digest();
        try (InputStream in = Files.newInputStream(source);
             OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE,
                     StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer)) > 0; ) {
                read.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        String original = Sha256.hex(read);
        String expected = knownSha256.orElse(original);
        String written = Sha256.of(tmp);
        if (!original.equals(expected) || !written.equals(expected)) {
            Files.deleteIfExists(tmp);
            throw new ChecksumMismatchException("the export of " + id + " to " + target + " is not the model's bytes ("
                    + (original.equals(expected) ? "the copy differs: a failing disk?" : "the library's file changed "
                    + "since it was recorded: delete the model and download it again") + ")", expected,
                    original.equals(expected) ? written : original);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target);
        }
    }

    private static String hash(Path file) {
        try {
            return Sha256.of(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
