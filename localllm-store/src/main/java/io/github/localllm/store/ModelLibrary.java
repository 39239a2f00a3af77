package io.github.localllm.store;

import io.github.localllm.InvalidModelFileException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelRef;
import io.github.localllm.StorageException;
import io.github.localllm.gguf.GgufFile;
import io.github.localllm.registry.GgufVariant;
import io.github.localllm.registry.RepoFile;
import io.github.localllm.store.internal.Addresses;
import io.github.localllm.gguf.QuantizationNames;
import io.github.localllm.store.internal.SafeNames;
import io.github.localllm.store.internal.Sha256;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
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

    private volatile HfCache hf;
    private volatile Path home;
    private final List<Path> ollama;
    private final Path lmStudio;
    private final boolean otherTools;
    private final URI endpoint;
    private final String token;
    /** The downloader given, or the one this library made on its first download; null until then. */
    private Downloader downloader;
    private final boolean ownsDownloader;
    private volatile ModelRecords records;
    private final Clock clock;
    private final boolean renameOnMove;
    private final Consumer<String> moveCheckpoint;

    private ModelLibrary(Builder b) {
        Map<String, String> env = b.env;
        Path userHome = Path.of(System.getProperty("user.home"));
        Path hfRoot = absolute(b.hfCache != null ? b.hfCache : HfCache.defaultRoot(env));
        Path requested = absolute(b.home != null ? b.home : userHome.resolve(".cache").resolve("localllm"));
        // A move of the library that a crash interrupted is finished or undone before anything is read.
        this.home = LibraryMove.recover(requested);
        this.hf = new HfCache(hfRoot.startsWith(requested) ? home.resolve(requested.relativize(hfRoot).toString())
                : hfRoot);
        this.ollama = b.ollama != null ? List.of(b.ollama)
                : OtherTools.defaultOllama(env, userHome, OtherTools.OLLAMA_SERVICE_MODELS);
        this.lmStudio = b.lmStudio != null ? b.lmStudio : OtherTools.defaultLmStudio(userHome);
        this.otherTools = b.otherTools;
        String mirror = env.get("HF_ENDPOINT");
        this.endpoint = b.endpoint != null ? b.endpoint
                : URI.create(mirror != null && !mirror.isBlank() ? mirror.replaceAll("/+$", "") : "https://huggingface.co");
        String envToken = env.get("HF_TOKEN");
        this.token = b.token != null ? b.token : envToken != null && !envToken.isBlank() ? envToken.strip() : null;
        this.ownsDownloader = b.downloader == null;
        // Made on the first download, not here: finding and listing models need no HTTP client or threads.
        this.downloader = b.downloader;
        this.records = new ModelRecords(home.resolve("records"));
        this.clock = b.clock;
        this.renameOnMove = b.renameOnMove;
        this.moveCheckpoint = b.moveCheckpoint;
    }

    private static Path absolute(Path p) {
        return p.toAbsolutePath().normalize();
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
            // Ollama's names compare without regard to case, with its default host, namespace and tag.
            String ollamaId = OtherTools.ollamaId(n.name());
            return list().stream().filter(m -> m.id().equals(ollamaId) || m.file().equals(n.name())).findFirst();
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
     * token) to the Hub only. Returns the file already in the cache without a download. The first
     * shard of a split model ({@code -00001-of-00003.gguf}) brings every shard, as one unit (see
     * {@link #download(GgufVariant)}).
     *
     * @param ref the repository, file and revision ({@code main} when none)
     * @return the model in place
     * @throws InvalidRequestException if the file name is hostile ({@code ..}, absolute, control characters),
     *     or names a shard other than the first
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
     * @param sha256 the SHA-256 the file (the first shard, for a split model) must have, if known
     * @return the model in place
     * @throws ChecksumMismatchException if the bytes do not have that hash (nothing is installed)
     */
    public StoredModel download(ModelRef.Hub ref, Optional<String> sha256) {
        String file = SafeNames.check(ref.file());
        String revision = ref.revision() == null ? "main" : ref.revision();
        String name = file.substring(file.lastIndexOf('/') + 1);
        int count = Shards.count(name);
        if (count > 1) {
            if (Shards.index(name) != 1) {
                throw new InvalidRequestException(file + " is shard " + Shards.index(name) + " of a split model; name "
                        + "its first shard, " + parentOf(file) + Shards.name(name, 1) + ", which downloads them all");
            }
            List<Part> shards = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                shards.add(new Part(parentOf(file) + Shards.name(name, i), i == 1 ? sha256 : Optional.empty(), -1));
            }
            return downloadUnit(ref.repository(), revision, QuantizationNames.of(name), shards, Optional.empty());
        }
        Optional<StoredModel> present = find(ref);
        if (present.isPresent()) {
            return present.get();
        }
        DownloadResult result = fetch(ref.repository(), revision, file, sha256, -1);
        String commit = commitOf(result, revision);
        Path snapshot = hf.install(ref.repository(), revision, commit, file, result.file(), result.sha256());
        StoredModel m = new StoredModel("hf:" + ref.repository() + "/" + file + "@" + commit, ModelSource.HUGGING_FACE,
                snapshot, Optional.of(ref.repository()), Optional.of(commit), file, QuantizationNames.of(file),
                result.size(), Optional.of(result.sha256()), Optional.of(clock.instant()), Optional.empty(),
                Optional.empty());
        records.put(m);
        return m;
    }

    /**
     * Downloads a GGUF variant as one unit into the Hugging Face cache: every shard of a split model
     * ({@code -00001-of-00003.gguf} ...) and its projector, each verified against the registry's
     * SHA-256 and size, then linked into the snapshot together, so the model is visible whole or not at
     * all. A file already verified among the blobs by an earlier, interrupted call is not fetched again.
     *
     * @param variant a variant listed by a registry (its revision pins the commit)
     * @return the model in place: its path is the first shard, which llama.cpp loads (it finds the
     *     others beside it), its size all shards together, its projector linked when the variant has one
     * @throws InvalidRequestException if a file name is hostile, or the shards are not named as one split
     *     model ({@code <prefix>-0000k-of-0000n.gguf} in one folder, in order)
     * @throws io.github.localllm.ModelNotFoundException if the repository, revision or a file does not
     *     exist, or the repository is gated or private and no accepted token was given
     * @throws io.github.localllm.ModelDownloadException if a file cannot be fetched (the files verified
     *     so far and the partial one stay, to resume)
     * @throws ChecksumMismatchException if a file's bytes are not the published ones
     * @throws StorageException if the disk lacks space or cannot be written
     */
    public StoredModel download(GgufVariant variant) {
        Objects.requireNonNull(variant, "variant");
        String repository = variant.repository();
        List<RepoFile> shards = variant.files();
        String first = SafeNames.check(shards.get(0).path());
        for (int i = 0; i < shards.size(); i++) {
            String path = SafeNames.check(shards.get(i).path());
            if (Shards.count(first) != shards.size() || shards.size() > 1 && (Shards.index(path) != i + 1
                    || !path.equals(parentOf(first) + Shards.name(shards.get(0).name(), i + 1)))) {
                throw new InvalidRequestException("the files of " + repository + " " + variant.label() + " are not "
                        + "the shards of one split model (" + shards.stream().map(RepoFile::path).toList() + "): "
                        + "llama.cpp finds shard k of n beside the first as <prefix>-0000k-of-0000n.gguf");
            }
        }
        variant.projector().ifPresent(p -> SafeNames.check(p.path()));
        return downloadUnit(repository, variant.revision(), variant.quantization(),
                shards.stream().map(f -> new Part(f.path(), f.sha256(), f.size())).toList(),
                variant.projector().map(f -> new Part(f.path(), f.sha256(), f.size())));
    }

    /** A file of a model to download, with its SHA-256 and size when the registry published them (else -1). */
    private record Part(String path, Optional<String> sha256, long size) {
    }

    /** Downloads the shards and projector of one model, verified each, then links them into the snapshot together. */
    private StoredModel downloadUnit(String repository, String revision, Optional<String> quantization,
                                     List<Part> shards, Optional<Part> projector) {
        String first = shards.get(0).path();
        Optional<StoredModel> present = find(new ModelRef.Hub(repository, first, revision));
        if (present.isPresent() && (projector.isEmpty() || present.get().projector().isPresent())) {
            return present.get();
        }
        List<Part> all = new ArrayList<>(shards);
        projector.ifPresent(all::add);
        List<Path> blobs = new ArrayList<>();
        String commit = null;
        String firstSha = null;
        long size = 0;
        for (Part f : all) {
            Optional<Path> done = f.sha256().flatMap(sha -> hf.blob(repository, sha, f.size()));
            String sha;
            Path blob;
            if (done.isPresent()) {
                blob = done.get();
                sha = f.sha256().get();
            } else {
                DownloadResult r = fetch(repository, revision, f.path(), f.sha256(), f.size());
                commit = r.commit().isPresent() ? commitOf(r, revision) : commit;
                blob = hf.placeBlob(repository, r.file(), r.sha256());
                sha = r.sha256();
            }
            blobs.add(blob);
            firstSha = firstSha == null ? sha : firstSha;
            if (blobs.size() <= shards.size()) {
                size += sizeOf(blob);
            }
        }
        commit = commit != null ? commit : hf.commitOf(repository, revision).orElse(revision);
        // Every file is verified among the blobs: only now do they appear in the snapshot, together.
        List<Path> links = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            links.add(hf.link(repository, revision, commit, all.get(i).path(), blobs.get(i)));
        }
        StoredModel m = new StoredModel("hf:" + repository + "/" + first + "@" + commit, ModelSource.HUGGING_FACE,
                links.get(0), Optional.of(repository), Optional.of(commit), first,
                quantization.or(() -> QuantizationNames.of(first)), size, Optional.of(firstSha),
                Optional.of(clock.instant()), Optional.empty(), projector.map(p -> links.get(links.size() - 1)));
        records.put(m);
        return m;
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new StorageException("cannot read the size of " + file + " (" + e.getMessage() + ")", e);
        }
    }

    private static String parentOf(String path) {
        return path.substring(0, path.lastIndexOf('/') + 1);
    }

    /** Fetches one Hub file into a staging file beside the blobs, so an interrupted download resumes. */
    private DownloadResult fetch(String repository, String revision, String file, Optional<String> sha256, long size) {
        URI uri = addressOf(new ModelRef.Hub(repository, file, revision));
        Path staging = hf.blobs(repository).resolve("localllm-" + Sha256.nameOf(uri.toString()));
        DownloadRequest.Builder request = DownloadRequest.builder(uri, staging).name(repository + "/" + file)
                .validateGguf(file.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf")).size(size);
        sha256.ifPresent(request::sha256);
        if (token != null) {
            request.bearerToken(token);
        }
        return downloader().download(request.build());
    }

    /**
     * Downloads a model from an address that is not a Hub repository into the library's home
     * ({@code downloads/<hash of the address>/<file name>}), validated as GGUF when the name ends in
     * {@code .gguf}, and records it, so {@link #find} finds it again without the network. Returns the
     * file already downloaded from that address without a download.
     *
     * @param ref the address (https; plain http only to loopback unless the downloader allows it); its
     *     query is sent but, like user info, left out of records and messages
     * @return the model in place
     * @throws InvalidRequestException if the address names no usable file name
     * @throws io.github.localllm.ModelDownloadException if it cannot be fetched (a partial file stays to resume)
     * @throws StorageException if the disk lacks space or cannot be written
     */
    public StoredModel download(ModelRef.Url ref) {
        Objects.requireNonNull(ref, "ref");
        Optional<StoredModel> present = find(ref);
        if (present.isPresent()) {
            return present.get();
        }
        String label = Addresses.label(ref.uri());
        String path = ref.uri().getPath() == null ? "" : ref.uri().getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (name.isEmpty()) {
            throw new InvalidRequestException(label + " names no file; give the address of the model file itself, "
                    + "e.g. https://example.com/models/model-Q4_K_M.gguf");
        }
        SafeNames.check(name);
        Path target = SafeNames.resolve(home.resolve("downloads").resolve(Sha256.nameOf(label)), name);
        DownloadResult r = downloader().download(DownloadRequest.builder(ref.uri(), target).name(label).build());
        StoredModel m = new StoredModel("url:" + label, ModelSource.URL, r.file(), Optional.empty(), Optional.empty(),
                name, QuantizationNames.of(name), r.size(), Optional.of(r.sha256()), Optional.of(clock.instant()),
                Optional.empty(), Optional.empty());
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
                QuantizationNames.of(name), size, Optional.of(sha256), Optional.of(clock.instant()), Optional.empty(),
                Optional.empty());
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
     * snapshot entry and its blob when no other snapshot uses it (every shard of a split model).
     * Ollama's and LM Studio's models are refused: they belong to those tools. A projector stays, as
     * other variants of its repository may use it.
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
            List<Path> blobs = new ArrayList<>();
            for (Path shard : model.shards()) {
                if (model.source() == ModelSource.HUGGING_FACE && Files.isSymbolicLink(shard)) {
                    if (Files.exists(shard)) {
                        blobs.add(shard.toRealPath());
                    }
                    Files.delete(shard);
                } else {
                    Files.deleteIfExists(shard);
                }
            }
            if (!blobs.isEmpty()) {
                java.util.Set<Path> used = new java.util.HashSet<>();
                for (StoredModel m : hf.scan()) {
                    for (Path p : m.shards()) {
                        realPath(p).ifPresent(used::add);
                    }
                    m.projector().flatMap(ModelLibrary::realPath).ifPresent(used::add);
                }
                for (Path blob : blobs) {
                    if (!used.contains(blob)) {
                        Files.deleteIfExists(blob);
                    }
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot delete " + model.path() + " (" + e.getMessage() + "); check the "
                    + "permissions there", e);
        }
        records.remove(model.id());
    }

    private static Optional<Path> realPath(Path p) {
        try {
            return Optional.of(p.toRealPath());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Copies a model out of the library into a directory, for another machine or tool: every shard
     * of a split model and its projector, each written beside its final name first, verified (its
     * SHA-256 against the one recorded, else against the original's as read while copying), then
     * renamed into place. A file of the same name already there is kept when it holds the same bytes,
     * and refused otherwise. Names come from the model's record or another tool's manifest, so each is
     * checked: a single plain file name, no {@code ..}, separators or control characters.
     *
     * @param model the model (any source: another tool's model is only read)
     * @param directory where the copies go (made if missing)
     * @return the copy of the model's path (the first shard of a split model)
     * @throws InvalidRequestException if a name is hostile or a different file of that name is there
     * @throws io.github.localllm.ModelNotFoundException if a file of the model is missing
     * @throws ChecksumMismatchException if a copy is not the model's bytes (the copy is deleted)
     * @throws StorageException if the files cannot be read or written
     */
    public Path export(StoredModel model, Path directory) {
        return Exports.export(model, directory);
    }

    /**
     * What to delete to free {@code bytesToFree} bytes, cheapest to lose first. Only the library's own
     * models are proposed: its imports and URL downloads, and Hugging Face cache entries (those the
     * Python tools made too: the cache is shared, and the Hub can give them again). Ollama's and LM
     * Studio's models never are; they belong to those tools.
     *
     * <p>The order, key by key: never used before used; then least recently used first; then
     * superseded before current (the same repository and file at a revision no branch or tag names
     * while another is, or, without refs, not the latest installed; an import of a file name imported
     * again later); then the earliest installed; then the largest. Models are taken in that order until their
     * freed bytes reach the goal; a blob shared by snapshots counts only once the last of them is taken.
     *
     * @param bytesToFree how many bytes to free; 0 gives an empty list
     * @return the suggestions in order, their {@code bytesFreed} adding up to at least {@code bytesToFree},
     *     or every candidate when the library cannot free that much
     * @throws InvalidRequestException if {@code bytesToFree} is negative
     */
    public List<DeletionSuggestion> suggestDeletions(long bytesToFree) {
        if (bytesToFree < 0) {
            throw new InvalidRequestException("bytesToFree is a number of bytes, 0 or more; got " + bytesToFree);
        }
        if (bytesToFree == 0) {
            return List.of();
        }
        return Deletions.suggest(list(), hf, bytesToFree);
    }

    /**
     * Moves the library to a new home: its records, imports and URL downloads, and the Hugging Face
     * cache when it lies under the home (another cache stays where it is, shared with other tools).
     * The move is crash-safe: it renames the directory in one step where it can, otherwise copies,
     * rewrites the records, then deletes the old home; a journal makes the next library opened at
     * either place finish the move or undo it. Run it while no download into the home is running.
     *
     * @param newHome the new home: absent or an empty directory, not inside the current home
     * @throws InvalidRequestException if {@code newHome} is inside the home, or a directory with files
     * @throws StorageException if the files cannot be moved (the library stays usable where it was)
     */
    public synchronized void moveTo(Path newHome) {
        Path from = home;
        Path to = absolute(Objects.requireNonNull(newHome, "newHome"));
        if (to.startsWith(from) || from.startsWith(to)) {
            throw new InvalidRequestException("cannot move the library from " + from + " to " + to + ": one lies in "
                    + "the other; choose a directory outside " + from);
        }
        try {
            if (Files.exists(to)) {
                if (!Files.isDirectory(to)) {
                    throw new InvalidRequestException("cannot move the library to " + to + ": it is a file");
                }
                try (Stream<Path> entries = Files.list(to)) {
                    if (entries.findAny().isPresent()) {
                        throw new InvalidRequestException("cannot move the library to " + to + ": the directory is "
                                + "not empty; choose a new or empty one");
                    }
                }
            }
            if (Files.isDirectory(from)) {
                LibraryMove.move(from, to, renameOnMove, moveCheckpoint);
            } else {
                Files.createDirectories(to);
            }
        } catch (IOException e) {
            throw new StorageException("cannot move the library from " + from + " to " + to + " (" + e.getMessage()
                    + "); check free space and permissions. A half-done move is finished or undone when the library "
                    + "is opened again", e);
        }
        Path hfRoot = hf.root();
        this.home = to;
        this.records = new ModelRecords(to.resolve("records"));
        if (hfRoot.startsWith(from)) {
            this.hf = new HfCache(to.resolve(from.relativize(hfRoot).toString()));
        }
    }

    /**
     * Deletes partial downloads that cannot or should not be resumed: those without a readable
     * record, and those untouched for longer than {@code olderThan}. A partial file whose download
     * runs (its lock is held) is left alone. In the Hugging Face cache it also deletes, once untouched
     * for longer than {@code olderThan}, the verified files a download of several files (a split model)
     * left among the blobs when it stopped before linking them: blobs named by a SHA-256 that no
     * snapshot uses. The Hugging Face tools' own {@code .incomplete} files are theirs to resume and stay.
     *
     * @param olderThan how long an untouched partial file is kept
     * @return the files deleted
     */
    public List<Path> cleanPartials(Duration olderThan) {
        Instant cutoff = clock.instant().minus(olderThan);
        List<Path> deleted = new ArrayList<>(Partials.clean(List.of(hf.root(), home), cutoff));
        deleted.addAll(hf.cleanUnlinkedBlobs(cutoff));
        return deleted;
    }

    /**
     * Notes that a model was used now (for the least-recently-used order), recording it if it had
     * no record yet (a model the Hugging Face tools downloaded).
     *
     * @param model the model
     * @return it with its new last-used time
     */
    public StoredModel markUsed(StoredModel model) {
        StoredModel used = model.usedAt(clock.instant());
        records.put(used);
        return used;
    }

    private synchronized Downloader downloader() {
        if (downloader == null) {
            downloader = Downloader.builder().build();
        }
        return downloader;
    }

    /** Closes the downloader this library made (not one it was given). */
    @Override
    public synchronized void close() {
        if (ownsDownloader && downloader != null) {
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
        private boolean renameOnMove = true;
        private Consumer<String> moveCheckpoint = phase -> { };

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

        /**
         * @param dir Ollama's models directory (default {@code OLLAMA_MODELS} or {@code ~/.ollama/models}, and the
         *     Linux service's {@code /usr/share/ollama/.ollama/models} when it exists); replaces the defaults
         * @return this builder
         */
        public Builder ollamaModels(Path dir) {
            this.ollama = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * @param dir LM Studio's models directory (default {@code <LM Studio home>/models}, the home being the path
         *     in {@code ~/.lmstudio-home-pointer}, else the legacy {@code ~/.cache/lm-studio} if present, else
         *     {@code ~/.lmstudio}, as LM Studio finds it)
         * @return this builder
         */
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

        /** For tests: whether a move may rename the home in one step, and where it stops as a crash would. */
        Builder moveSteps(boolean rename, Consumer<String> checkpoint) {
            this.renameOnMove = rename;
            this.moveCheckpoint = Objects.requireNonNull(checkpoint, "checkpoint");
            return this;
        }

        /**
         * @return the library
         * @throws StorageException if a move of the library that a crash left half-done cannot be finished or
         *     undone (the message names the journal and what to do)
         */
        public ModelLibrary build() {
            return new ModelLibrary(this);
        }
    }
}
