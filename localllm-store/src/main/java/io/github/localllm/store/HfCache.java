package io.github.localllm.store;

import io.github.localllm.StorageException;
import io.github.localllm.gguf.QuantizationNames;
import io.github.localllm.store.internal.SafeNames;
import io.github.localllm.store.internal.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Hugging Face cache as {@code huggingface_hub} lays it out ({@code file_download.py},
 * "Understand caching" in its guide): {@code models--<owner>--<name>/blobs/<etag>} holds the bytes,
 * {@code snapshots/<commit>/<path>} is a relative symbolic link to the blob, {@code refs/<branch>}
 * holds the commit a branch was at. Files this library downloads land there too, so Python tools and
 * llama.cpp see them; where links cannot be made the snapshot holds the file itself, as
 * {@code huggingface_hub} does on Windows without developer mode.
 */
final class HfCache {
    private final Path root;

    HfCache(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** The default root: {@code HF_HUB_CACHE}, else {@code HF_HOME/hub}, else {@code ~/.cache/huggingface/hub}. */
    static Path defaultRoot(Map<String, String> env) {
        String cache = env.get("HF_HUB_CACHE");
        if (cache != null && !cache.isBlank()) {
            return Path.of(cache);
        }
        String home = env.get("HF_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home, "hub");
        }
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("huggingface").resolve("hub");
    }

    Path repoDir(String repository) {
        return root.resolve("models--" + repository.replace("/", "--"));
    }

    Path blobs(String repository) {
        return repoDir(repository).resolve("blobs");
    }

    /** @return the snapshot path of a file at a commit */
    Path snapshot(String repository, String commit, String file) {
        return SafeNames.resolve(repoDir(repository).resolve("snapshots").resolve(SafeNames.check(commit)), file);
    }

    /** The commit a branch or tag points at, from {@code refs/}; a commit hash is its own. */
    Optional<String> commitOf(String repository, String revision) {
        if (revision.matches("[0-9a-f]{40}")) {
            return Optional.of(revision);
        }
        Path ref = repoDir(repository).resolve("refs").resolve(SafeNames.check(revision));
        try {
            return Files.isRegularFile(ref) ? Optional.of(Files.readString(ref).strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** @return the commits the repository's refs (its branches and tags) point at */
    java.util.Set<String> refCommits(String repository) {
        java.util.Set<String> commits = new java.util.HashSet<>();
        Path refs = repoDir(repository).resolve("refs");
        if (!Files.isDirectory(refs)) {
            return commits;
        }
        try (Stream<Path> files = Files.walk(refs)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    commits.add(Files.readString(f).strip());
                }
            }
        } catch (IOException e) {
            return commits;
        }
        return commits;
    }

    /**
     * Puts a verified download in place: the blob named by its SHA-256, the snapshot link, the ref.
     *
     * @param downloaded the verified file (in the blobs directory)
     * @return the snapshot path
     */
    Path install(String repository, String revision, String commit, String file, Path downloaded, String sha256) {
        return link(repository, revision, commit, file, placeBlob(repository, downloaded, sha256));
    }

    /**
     * Names a verified download by its SHA-256 among the blobs. No snapshot shows it yet, so a model
     * of several files becomes visible only once {@link #link} has linked them all.
     *
     * @return the blob
     */
    Path placeBlob(String repository, Path downloaded, String sha256) {
        Path blob = blobs(repository).resolve(sha256);
        try {
            if (!downloaded.equals(blob)) {
                move(downloaded, blob);
            }
            return blob;
        } catch (IOException e) {
            throw new StorageException("cannot place " + downloaded + " in the Hugging Face cache at "
                    + repoDir(repository) + " (" + e.getMessage() + "); check the permissions there", e);
        }
    }

    /** @return the blob of a file, when a verified download left it among the blobs before */
    Optional<Path> blob(String repository, String sha256, long size) {
        Path blob = blobs(repository).resolve(sha256);
        try {
            return Files.isRegularFile(blob) && (size < 0 || Files.size(blob) == size) ? Optional.of(blob)
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Links a blob as a file of a snapshot, and points the ref at the commit.
     *
     * @return the snapshot path
     */
    Path link(String repository, String revision, String commit, String file, Path blob) {
        Path snapshot = snapshot(repository, commit, file);
        try {
            Files.createDirectories(snapshot.getParent());
            Files.deleteIfExists(snapshot);
            try {
                Files.createSymbolicLink(snapshot, snapshot.getParent().relativize(blob));
            } catch (UnsupportedOperationException | IOException e) {
                // No symbolic links here (Windows without developer mode): the snapshot holds the file.
                move(blob, snapshot);
            }
            if (!revision.equals(commit)) {
                Path ref = repoDir(repository).resolve("refs").resolve(SafeNames.check(revision));
                Files.createDirectories(ref.getParent());
                Files.writeString(ref, commit, StandardCharsets.UTF_8);
            }
            return snapshot;
        } catch (IOException e) {
            throw new StorageException("cannot place " + file + " in the Hugging Face cache at " + repoDir(repository)
                    + " (" + e.getMessage() + "); check the permissions there", e);
        }
    }

    /** Every GGUF file in every snapshot, newest commit first within a repository. */
    List<StoredModel> scan() {
        List<StoredModel> found = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return found;
        }
        try (DirectoryStream<Path> repos = Files.newDirectoryStream(root, "models--*")) {
            for (Path repoDir : repos) {
                String name = repoDir.getFileName().toString().substring("models--".length());
                int dash = name.indexOf("--");
                if (dash <= 0) {
                    continue;
                }
                String repository = name.substring(0, dash) + "/" + name.substring(dash + 2);
                Path snapshots = repoDir.resolve("snapshots");
                if (!Files.isDirectory(snapshots)) {
                    continue;
                }
                try (DirectoryStream<Path> commits = Files.newDirectoryStream(snapshots)) {
                    for (Path commitDir : commits) {
                        scanSnapshot(repository, commitDir, found);
                    }
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot read the Hugging Face cache " + root + " (" + e.getMessage() + ")", e);
        }
        return found;
    }

    private static void scanSnapshot(String repository, Path commitDir, List<StoredModel> found) throws IOException {
        String commit = commitDir.getFileName().toString();
        try (Stream<Path> files = Files.walk(commitDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String file = commitDir.relativize(f).toString().replace('\\', '/');
                String name = f.getFileName().toString();
                // A split model is listed once, by its first shard, and only when every shard is here.
                if (!Projectors.isGguf(name) || Projectors.isProjector(name) || Shards.index(name) != 1
                        || !Files.isRegularFile(f)) {
                    continue;
                }
                long size = 0;
                boolean complete = true;
                for (int i = 1; i <= Shards.count(name); i++) {
                    Path shard = i == 1 ? f : f.resolveSibling(Shards.name(name, i));
                    if (!Files.isRegularFile(shard)) {
                        complete = false;
                        break;
                    }
                    size += Files.size(shard.toRealPath());
                }
                if (!complete) {
                    continue;
                }
                String blobName = f.toRealPath().getFileName().toString();
                Optional<String> quantization = QuantizationNames.of(file);
                found.add(new StoredModel("hf:" + repository + "/" + file + "@" + commit, ModelSource.HUGGING_FACE, f,
                        Optional.of(repository), Optional.of(commit), file, quantization, size,
                        Sha256.isHex(blobName) ? Optional.of(blobName) : Optional.empty(), Optional.empty(),
                        Optional.empty(), Projectors.beside(f.getParent(), quantization)));
            }
        }
    }

    /** @return the commit a snapshot was made at, by its directory's time (the Hub's order is not on disk) */
    Optional<Instant> snapshotTime(String repository, String commit) {
        try {
            return Optional.of(Files.getLastModifiedTime(repoDir(repository).resolve("snapshots").resolve(commit))
                    .toInstant());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Deletes blobs named by a SHA-256 that no snapshot links to, last changed before {@code cutoff}:
     * what a download of several files verified and then left unlinked when it stopped.
     *
     * @return the blobs deleted
     */
    List<Path> cleanUnlinkedBlobs(Instant cutoff) {
        List<Path> deleted = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return deleted;
        }
        try (DirectoryStream<Path> repos = Files.newDirectoryStream(root, "models--*")) {
            for (Path repoDir : repos) {
                Path blobs = repoDir.resolve("blobs");
                if (!Files.isDirectory(blobs)) {
                    continue;
                }
                java.util.Set<Path> linked = new java.util.HashSet<>();
                Path snapshots = repoDir.resolve("snapshots");
                if (Files.isDirectory(snapshots)) {
                    try (Stream<Path> files = Files.walk(snapshots)) {
                        for (Path f : (Iterable<Path>) files::iterator) {
                            if (Files.isSymbolicLink(f) && Files.exists(f)) {
                                linked.add(f.toRealPath());
                            }
                        }
                    }
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(blobs)) {
                    for (Path blob : files) {
                        if (Sha256.isHex(blob.getFileName().toString()) && Files.isRegularFile(blob)
                                && !linked.contains(blob.toRealPath())
                                && Files.getLastModifiedTime(blob).toInstant().isBefore(cutoff)) {
                            Files.delete(blob);
                            deleted.add(blob);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot clean the Hugging Face cache " + root + " (" + e.getMessage() + ")", e);
        }
        return deleted;
    }

    private static void move(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
