package io.github.localllm.store;

import io.github.localllm.InvalidModelFileException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelRef;
import io.github.localllm.StorageException;
import io.github.localllm.gguf.GgufFile;
import io.github.localllm.store.internal.Addresses;
import io.github.localllm.gguf.QuantizationNames;
import io.github.localllm.store.internal.SafeNames;
import io.github.localllm.store.internal.Sha256;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local model library: models downloaded from the Hub (into the Hugging Face cache layout by
 * default, so Python tools and llama.cpp see them), imported local files, and, read-only and
 * without copying, what the Hugging Face tools, Ollama and LM Studio already keep. A record per model
 * (source, repository, revision, file, quantization, size, SHA-256, installed and last-used times)
 * lies in the library's home.
 *
 * <pre>{@code
 * try (ModelLibrary library = ModelLibrary.builder().build()) {
 *     StoredModel m = library.find(hub).orElseGet(() -> library.download(hub));
 *     library.markUsed(m);
 * }
 * }</pre>
 */
public final class ModelLibrary implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLibrary.class);
    private static final java.util.regex.Pattern COMMIT = java.util.regex.Pattern.compile("[0-9a-f]{40}");

    private final HfCache hf;
    private final Path home;
    private final Path ollama;
    private final Path lmStudio;
    private final boolean otherTools;
    private final URI endpoint;
    private final String token;
    private final Downloader downloader;
    private final boolean ownsDownloader;
    private final ModelRecords records;
    private final Clock clock;

    private ModelLibrary(Builder b) {
        Map<String, String> env = b.env;
        this.hf = new HfCache(b.hfCache != null ? b.hfCache : HfCache.defaultRoot(env));
        this.home = b.home != null ? b.home : Path.of(System.getProperty("user.home"), ".cache", "localllm");
        this.ollama = b.ollama != null ? b.ollama : OtherTools.defaultOllama(env);
        this.lmStudio = b.lmStudio != null ? b.lmStudio : OtherTools.defaultLmStudio();
        this.otherTools = b.otherTools;
        String mirror = env.get("HF_ENDPOINT");
        this.endpoint = b.endpoint != null ? b.endpoint
                : URI.create(mirror != null && !mirror.isBlank() ? mirror.replaceAll("/+$", "") : "https://huggingface.co");
        String envToken = env.get("HF_TOKEN");
        this.token = b.token != null ? b.token : envToken != null && !envToken.isBlank() ? envToken.strip() : null;
        this.ownsDownloader = b.downloader == null;
        this.downloader = b.downloader != null ? b.downloader : Downloader.builder().build();
        this.records = new ModelRecords(home.resolve("records"));
        this.clock = b.clock;
    }

    /** @return a builder with the defaults: the Hugging Face cache, {@code ~/.cache/localllm}, Ollama's and LM Studio's folders */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the Hugging Face cache this library downloads into */
    public Path hfCache() {
        return hf.root();
    }

    /** @return the library's own directory: records, imports, downloads from other addresses */
    public Path home() {
        return home;
    }

    /**
     * Every model the library knows: its records, the Hugging Face cache, and (unless turned off)
     * Ollama's and LM Studio's models. A model is listed once; a record's times win.
     *
     * @return the models, by source then id
     */
    public List<StoredModel> list() {
        Map<String, StoredModel> byId = new LinkedHashMap<>();
        for (StoredModel m : hf.scan()) {
            byId.put(m.id(), m);
        }
        if (otherTools) {
            OtherTools.ollama(ollama).forEach(m -> byId.put(m.id(), m));
            OtherTools.lmStudio(lmStudio).forEach(m -> byId.put(m.id(), m));
        }
        for (StoredModel m : records.all()) {
            if (Files.exists(m.path())) {
                byId.put(m.id(), m);
            }
        }
        return byId.values().stream()
                .sorted((a, b) -> a.source() != b.source() ? a.source().compareTo(b.source()) : a.id().compareTo(b.id()))
                .collect(Collectors.toList());
    }

    /**
     * Finds a model on disk without any network.
     *
     * @param ref a Hub file (found at its revision: a commit, or the commit the cache's ref names),
     *     an Ollama name ({@code qwen2.5:7b}; {@code :latest} when no tag), a file, or an address
     *     downloaded before
     * @return the model, if it is here
     */
    public Optional<StoredModel> find(ModelRef ref) {
        Objects.requireNonNull(ref, "ref");
        if (ref instanceof ModelRef.Hub h) {
            String revision = h.revision() == null ? "main" : h.revision();
            Optional<String> commit = hf.commitOf(h.repository(), revision);
            if (commit.isEmpty()) {
                return Optional.empty();
            }
            String id = "hf:" + h.repository() + "/" + h.file() + "@" + commit.get();
            Optional<StoredModel> recorded = records.get(id).filter(m -> Files.exists(m.path()));
            if (recorded.isPresent()) {
                return recorded;
            }
            return hf.scan().stream().filter(m -> m.id().equals(id)).findFirst();
        }
        if (ref instanceof ModelRef.Name n) {
            String name = n.name().contains(":") ? n.name() : n.name() + ":latest";
            return list().stream().filter(m -> m.id().equals("ollama:" + name) || m.file().equals(n.name()))
                    .findFirst();
        }
        if (ref instanceof ModelRef.File f) {
            Path p = f.path().toAbsolutePath().normalize();
            return list().stream().filter(m -> m.path().toAbsolutePath().normalize().equals(p)).findFirst();
        }
        ModelRef.Url u = (ModelRef.Url) ref;
        return records.get("url:" + Addresses.label(u.uri())).filter(m -> Files.exists(m.path()));
    }

    /**
     * Downloads a Hub file into the Hugging Face cache (blob, snapshot link, ref), verified against
     * the Hub's {@code X-Linked-Etag}, and records it. Sends {@code HF_TOKEN} (or the builder's
     * token) to the Hub only. Returns the file already in the cache without a download.
     *
     * @param ref the repository, file and revision ({@code main} when none)
     * @return the model in place
     * @throws InvalidRequestException if the file name is hostile ({@code ..}, absolute, control characters)
     * @throws io.github.localllm.ModelNotFoundException if the repository, revision or file does not exist,
     *     or the repository is gated or private and no accepted token was given
     * @throws io.github.localllm.ModelDownloadException if it cannot be fetched (a partial file stays to resume)
     * @throws ChecksumMismatchException if the bytes are not the published file
     * @throws StorageException if the disk lacks space or cannot be written
     */
    public StoredModel download(ModelRef.Hub ref) {
        return download(ref, Optional.empty());
    }

    /**
     * Downloads a Hub file as {@link #download(ModelRef.Hub)} does, checked against a hash known
     * beforehand (a catalog's, or the user's) as well as the Hub's.
     *
     * @param ref the repository, file and revision ({@code main} when none)
     * @param sha256 the SHA-256 the file must have, if known
     * @return the model in place
     * @throws ChecksumMismatchException if the bytes do not have that hash (nothing is installed)
     */
    public StoredModel download(ModelRef.Hub ref, Optional<String> sha256) {
        String file = SafeNames.check(ref.file());
        String revision = ref.revision() == null ? "main" : ref.revision();
        Optional<StoredModel> present = find(ref);
        if (present.isPresent()) {
            return present.get();
        }
        URI uri = addressOf(ref);
        // Staged under a name of its own beside the blobs, so an interrupted download resumes, then renamed to its hash.
        Path staging = hf.blobs(ref.repository()).resolve("localllm-" + Sha256.nameOf(uri.toString()));
        DownloadRequest.Builder request = DownloadRequest.builder(uri, staging).name(ref.repository() + "/" + file)
                .validateGguf(file.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf"));
        if (token != null) {
            request.bearerToken(token);
        }
        sha256.ifPresent(request::sha256);
        DownloadResult result = downloader.download(request.build());
        String commit = commitOf(result, revision);
        Path snapshot = hf.install(ref.repository(), revision, commit, file, result.file(), result.sha256());
        Instant now = clock.instant();
        StoredModel m = new StoredModel("hf:" + ref.repository() + "/" + file + "@" + commit, ModelSource.HUGGING_FACE,
                snapshot, Optional.of(ref.repository()), Optional.of(commit), file, QuantizationNames.of(file),
                result.size(), Optional.of(result.sha256()), Optional.of(now), Optional.empty());
        records.put(m);
        return m;
    }

    /**
     * @param ref a Hub file
     * @return the address it is downloaded from: the Hub (or {@code HF_ENDPOINT}'s mirror), {@code resolve} at its revision
     * @throws InvalidRequestException if the file name is hostile
     */
    public URI addressOf(ModelRef.Hub ref) {
        String file = SafeNames.check(ref.file());
        String revision = ref.revision() == null ? "main" : ref.revision();
        return URI.create(endpoint + "/" + ref.repository() + "/resolve/" + encode(revision) + "/"
                + Stream.of(file.split("/")).map(ModelLibrary::encode).collect(Collectors.joining("/")));
    }

    /**
     * The commit the Hub's {@code X-Repo-Commit} names, which becomes a folder of the cache: only a commit hash
     * is taken from the server, anything else (a mirror's oddity, a path that would leave the folder) is not.
     */
    private static String commitOf(DownloadResult result, String revision) {
        Optional<String> said = result.commit();
        if (said.isPresent() && !COMMIT.matcher(said.get()).matches()) {
            LOG.warn("ignoring the server's X-Repo-Commit for {}: it is not a commit hash; the file is filed under"
                    + " the revision '{}'", result.file().getFileName(), revision);
            return revision;
        }
        return said.orElse(revision);
    }

    /**
     * Imports a local GGUF file: validates it, hashes it, and copies or moves it into the library's
     * home ({@code imported/<sha256 prefix>/<name>}).
     *
     * @param file the file
     * @param mode copy or move
     * @return the model in the library (the same one if these bytes were imported before)
     * @throws io.github.localllm.ModelNotFoundException if the file does not exist
     * @throws InvalidModelFileException if it is not a valid GGUF file
     * @throws StorageException if it cannot be read, copied or moved
     */
    public StoredModel importFile(Path file, ImportMode mode) {
        Objects.requireNonNull(mode, "mode");
        GgufFile gguf = GgufFile.read(file);
        long size;
        String sha256;
        try {
            size = Files.size(file);
            if (gguf.tensorDataOffset() + gguf.tensorDataSize() > size) {
                throw new InvalidModelFileException(file, "tensor data", gguf.tensorDataOffset(), "the tensors end past "
                        + "the end of the " + size + "-byte file: it is truncated; copy it again");
            }
            sha256 = Sha256.of(file);
        } catch (IOException e) {
            throw new StorageException("cannot read " + file + " (" + e.getMessage() + ")", e);
        }
        String name = file.getFileName().toString();
        String id = "import:" + sha256;
        Optional<StoredModel> existing = records.get(id).filter(m -> Files.exists(m.path()));
        if (existing.isPresent()) {
            if (mode == ImportMode.MOVE && !existing.get().path().equals(file.toAbsolutePath())) {
                deleteFile(file);
            }
            return existing.get();
        }
        Path dest = home.resolve("imported").resolve(sha256.substring(0, 16)).resolve(name);
        try {
            Files.createDirectories(dest.getParent());
            Path tmp = dest.resolveSibling(name + Downloader.PARTIAL_SUFFIX);
            if (mode == ImportMode.MOVE) {
                try {
                    Files.move(file, dest, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
                    verifyCopy(tmp, sha256);
                    Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    Files.delete(file);
                }
            } else {
                Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
                verifyCopy(tmp, sha256);
                Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new StorageException("cannot " + mode.name().toLowerCase(java.util.Locale.ROOT) + " " + file + " to "
                    + dest + " (" + e.getMessage() + "); check free space and permissions there", e);
        }
        StoredModel m = new StoredModel(id, ModelSource.IMPORTED, dest, Optional.empty(), Optional.empty(), name,
                QuantizationNames.of(name), size, Optional.of(sha256), Optional.of(clock.instant()), Optional.empty());
        records.put(m);
        return m;
    }

    private static void verifyCopy(Path copy, String sha256) throws IOException {
        String actual = Sha256.of(copy);
        if (!actual.equals(sha256)) {
            Files.deleteIfExists(copy);
            throw new IOException("the copy's SHA-256 is " + actual + ", not the original's " + sha256
                    + " (a failing disk?)");
        }
    }

    /**
     * Deletes a model the library owns: an import or URL download's file, or a Hugging Face cache
     * snapshot entry and its blob when no other snapshot uses it. Ollama's and LM Studio's models are
     * refused: they belong to those tools.
     *
     * @param model the model
     * @throws InvalidRequestException for another tool's model
     * @throws StorageException if the files cannot be deleted
     */
    public void delete(StoredModel model) {
        if (!model.deletable()) {
            throw new InvalidRequestException(model.id() + " belongs to " + (model.source() == ModelSource.OLLAMA
                    ? "Ollama; remove it with `ollama rm " + model.file() + "`"
                    : "LM Studio; remove it in LM Studio's model list") + ". The library only reads it");
        }
        try {
            if (model.source() == ModelSource.HUGGING_FACE && Files.isSymbolicLink(model.path())) {
                Path blob = model.path().toRealPath();
                Files.delete(model.path());
                boolean used = hf.scan().stream().anyMatch(m -> {
                    try {
                        return m.path().toRealPath().equals(blob);
                    } catch (IOException e) {
                        return false;
                    }
                });
                if (!used) {
                    Files.deleteIfExists(blob);
                }
            } else {
                Files.deleteIfExists(model.path());
            }
        } catch (IOException e) {
            throw new StorageException("cannot delete " + model.path() + " (" + e.getMessage() + "); check the "
                    + "permissions there", e);
        }
        records.remove(model.id());
    }

    /**
     * Deletes partial downloads that cannot or should not be resumed: those without a readable
     * record, and those untouched for longer than {@code olderThan}. A partial file whose download
     * runs (its lock is held) is left alone.
     *
     * @param olderThan how long an untouched partial file is kept
     * @return the partial files deleted
     */
    public List<Path> cleanPartials(Duration olderThan) {
        List<Path> deleted = new ArrayList<>();
        Instant cutoff = clock.instant().minus(olderThan);
        for (Path dir : List.of(hf.root(), home)) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> partials;
            try (Stream<Path> files = Files.walk(dir, 4)) {
                partials = files.filter(p -> p.getFileName().toString().endsWith(Downloader.PARTIAL_SUFFIX)).toList();
            } catch (IOException e) {
                throw new StorageException("cannot look for partial downloads in " + dir + " (" + e.getMessage() + ")", e);
            }
            for (Path partial : partials) {
                String name = partial.getFileName().toString();
                Path target = partial.resolveSibling(name.substring(0, name.length() - Downloader.PARTIAL_SUFFIX.length()));
                if (stale(partial, target, cutoff) && !running(target)) {
                    DownloadTask.deletePartial(target);
                    try {
                        Files.deleteIfExists(target.resolveSibling(target.getFileName() + Downloader.LOCK_SUFFIX));
                    } catch (IOException e) {
                        LOG.debug("cannot delete the lock beside {}: {}", partial, e.getMessage());
                    }
                    deleted.add(partial);
                }
            }
        }
        return deleted;
    }

    private static boolean stale(Path partial, Path target, Instant cutoff) {
        if (io.github.localllm.store.internal.ResumeRecord.read(Downloader.recordFile(target)).isEmpty()) {
            return true;
        }
        try {
            return Files.getLastModifiedTime(partial).toInstant().isBefore(cutoff);
        } catch (IOException e) {
            return true;
        }
    }

    private static boolean running(Path target) {
        Path lock = target.resolveSibling(target.getFileName() + Downloader.LOCK_SUFFIX);
        if (!Files.exists(lock)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock l = channel.tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Notes that a model was used now (for the least-recently-used order), recording it if it had
     * no record yet (a model the Hugging Face tools downloaded).
     *
     * @param model the model
     * @return it with its new last-used time
     */
    public StoredModel markUsed(StoredModel model) {
        StoredModel used = new StoredModel(model.id(), model.source(), model.path(), model.repository(),
                model.revision(), model.file(), model.quantization(), model.size(), model.sha256(),
                model.installedAt(), Optional.of(clock.instant()));
        records.put(used);
        return used;
    }

    /** Closes the downloader this library made (not one it was given). */
    @Override
    public void close() {
        if (ownsDownloader) {
            downloader.close();
        }
    }

    private void deleteFile(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new StorageException("cannot delete " + file + " (" + e.getMessage() + ")", e);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Builds a {@link ModelLibrary}. */
    public static final class Builder {
        private Path hfCache;
        private Path home;
        private Path ollama;
        private Path lmStudio;
        private boolean otherTools = true;
        private URI endpoint;
        private String token;
        private Downloader downloader;
        private Map<String, String> env = System.getenv();
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** @param dir the Hugging Face cache (default {@code HF_HUB_CACHE}, {@code HF_HOME/hub}, {@code ~/.cache/huggingface/hub}) @return this builder */
        public Builder hfCache(Path dir) {
            this.hfCache = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** @param dir the library's own directory (default {@code ~/.cache/localllm}) @return this builder */
        public Builder home(Path dir) {
            this.home = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** @param dir Ollama's models directory (default {@code OLLAMA_MODELS} or {@code ~/.ollama/models}) @return this builder */
        public Builder ollamaModels(Path dir) {
            this.ollama = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** @param dir LM Studio's models directory (default {@code ~/.lmstudio/models}) @return this builder */
        public Builder lmStudioModels(Path dir) {
            this.lmStudio = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** @param read whether Ollama's and LM Studio's models are listed (default true) @return this builder */
        public Builder readOtherTools(boolean read) {
            this.otherTools = read;
            return this;
        }

        /** @param endpoint the Hub or a mirror (default {@code HF_ENDPOINT} or {@code https://huggingface.co}) @return this builder */
        public Builder endpoint(URI endpoint) {
            this.endpoint = URI.create(Objects.requireNonNull(endpoint, "endpoint").toString().replaceAll("/+$", ""));
            return this;
        }

        /** @param token a Hub access token (default {@code HF_TOKEN}); sent to the Hub only, never logged @return this builder */
        public Builder token(String token) {
            this.token = Objects.requireNonNull(token, "token");
            return this;
        }

        /** @param downloader the downloader to use (default: a new one, closed with the library) @return this builder */
        public Builder downloader(Downloader downloader) {
            this.downloader = Objects.requireNonNull(downloader, "downloader");
            return this;
        }

        /** For tests: the environment read for defaults. */
        Builder environment(Map<String, String> env) {
            this.env = Map.copyOf(env);
            return this;
        }

        /** For tests: the clock of installed and last-used times. */
        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @return the library */
        public ModelLibrary build() {
            return new ModelLibrary(this);
        }
    }
}
