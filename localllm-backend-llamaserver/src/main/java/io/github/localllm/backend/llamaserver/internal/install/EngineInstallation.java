package io.github.localllm.backend.llamaserver.internal.install;

import io.github.localllm.LocalLlmException;
import io.github.localllm.StorageException;
import io.github.localllm.backend.llamaserver.Accelerator;
import io.github.localllm.backend.llamaserver.EngineInstallException;
import io.github.localllm.backend.llamaserver.EngineInstallException.Reason;
import io.github.localllm.backend.llamaserver.InstallPlan;
import io.github.localllm.backend.llamaserver.Platform;
import io.github.localllm.backend.llamaserver.ReleaseAsset;
import io.github.localllm.backend.llamaserver.internal.EnginesDirectory;
import io.github.localllm.event.LocalLlmEventListener;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Installs a variant of a pinned llama.cpp build into the engines directory: under a lock per
 * variant (so a second installation waits, then finds it installed), reads missing digests from
 * GitHub's release API, downloads and verifies every archive into {@code b<build>/.staging/},
 * unpacks them into a fresh directory there (the single top directory of a {@code .tar.gz}
 * dropped), checks the server is there and makes it executable, writes the completion marker,
 * and moves the directory into place in one atomic rename. Whatever fails, the variant's
 * directory is either the complete old one or the complete new one; a failed download keeps its
 * partial file for the next attempt, and nothing else remains.
 */
public final class EngineInstallation {
    private static final Logger LOG = LoggerFactory.getLogger(EngineInstallation.class);
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final String STAGING = ".staging";

    private final EnginesDirectory engines;
    private final ReleaseTable table;
    private final URI downloads;
    private final PublishedDigests published;
    private final LocalLlmEventListener listener;
    private final AssetDownload download;
    private final ArchiveUnpacker unpacker;

    /**
     * @param engines where engines are installed
     * @param table what is known of the releases
     * @param downloads where assets are downloaded from: {@code <downloads>/<tag>/<asset>}
     * @param api where GitHub's release API answers for the releases: {@code <api>/tags/<tag>}
     * @param timeout the time limit for each HTTP answer
     * @param listener told of the installation's progress
     */
    public EngineInstallation(EnginesDirectory engines, ReleaseTable table, URI downloads, URI api, Duration timeout,
            LocalLlmEventListener listener) {
        this(engines, table, downloads, api, timeout, listener, FileSink.DISK, 4, Duration.ofSeconds(1));
    }

    EngineInstallation(EnginesDirectory engines, ReleaseTable table, URI downloads, URI api, Duration timeout,
            LocalLlmEventListener listener, FileSink sink, int attempts, Duration pause) {
        this.engines = Objects.requireNonNull(engines, "engines");
        this.table = Objects.requireNonNull(table, "table");
        this.downloads = Objects.requireNonNull(downloads, "downloads");
        this.published = new PublishedDigests(Objects.requireNonNull(api, "api"), timeout);
        this.listener = Objects.requireNonNull(listener, "listener");
        this.download = new AssetDownload(timeout, attempts, pause);
        this.unpacker = new ArchiveUnpacker(sink);
    }

    /**
     * @return what installing the variant of {@code build} for the platform and accelerator would
     *     download, and where it would go; nothing is downloaded
     * @throws EngineInstallException ({@link Reason#UNSUPPORTED_PLATFORM}) if nothing is published for the platform
     */
    public InstallPlan plan(int build, Platform platform, Accelerator accelerator) {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(accelerator, "accelerator");
        ReleaseTable.Build release = table.build(build).orElseThrow(() -> new IllegalArgumentException(
                "the SDK knows nothing of llama.cpp build " + build));
        ReleaseTable.Choice choice = release.choose(platform, accelerator).orElseThrow(() ->
                new EngineInstallException(Reason.UNSUPPORTED_PLATFORM, "llama.cpp publishes no " + release.tag()
                        + " build for " + platform.id() + "; build llama-server yourself and set llamaserver.path"));
        ReleaseTable.Variant variant = choice.variant();
        List<ReleaseAsset> assets = new ArrayList<>();
        for (ReleaseTable.Asset a : variant.assets()) {
            assets.add(new ReleaseAsset(a.name(), URI.create(strip(downloads) + "/" + release.tag() + "/" + a.name()),
                    a.size(), a.sha256()));
        }
        Path directory = engines.forBuild(build, variant.id());
        boolean installed = EnginesDirectory.isComplete(directory)
                && Files.isRegularFile(directory.resolve(platform.serverFileName()));
        return new InstallPlan(build, platform, variant.accelerator(), variant.id(), directory, assets, choice.notes(),
                installed);
    }

    /**
     * Installs the variant unless it is installed already.
     *
     * @return the server executable
     * @throws EngineInstallException if an archive is missing, cannot be downloaded, differs from the
     *     published one, or is unsafe or damaged
     * @throws StorageException if the engines directory cannot be written (a full disk, permissions)
     */
    public Path install(int build, Platform platform, Accelerator accelerator) {
        InstallPlan plan = plan(build, platform, accelerator);
        Progress progress = new Progress(listener, plan.tag(), plan.variant());
        Path staging = plan.directory().resolveSibling(STAGING);
        try {
            Files.createDirectories(staging);
        } catch (IOException e) {
            throw storage("cannot create " + staging, plan, e);
        }
        try (InstallLock lock = InstallLock.acquire(staging.resolve(plan.variant() + ".lock"),
                () -> progress.step("waiting for another installation of " + plan.variant(), -1, -1))) {
            // Planned again under the lock: another installation may have finished meanwhile.
            return installLocked(plan(build, platform, accelerator), staging, progress);
        } catch (IOException e) {
            throw storage("cannot lock " + staging.resolve(plan.variant() + ".lock"), plan, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalLlmException("interrupted while waiting for another installation of llama.cpp "
                    + plan.tag() + " " + plan.variant() + "; nothing was installed", e);
        }
    }

    private Path installLocked(InstallPlan plan, Path staging, Progress progress) {
        if (plan.installed()) {
            LOG.debug("llama.cpp {} {} is installed in {}", plan.tag(), plan.variant(), plan.directory());
            progress.step("installed", 0, 0);
            return plan.server();
        }
        LOG.info("installing llama.cpp {} {} into {}", plan.tag(), plan.variant(), plan.directory());
        List<Verified> assets = verified(plan, progress);
        long total = assets.stream().mapToLong(Verified::size).sum();
        AtomicLong done = new AtomicLong();
        List<Path> archives = new ArrayList<>();
        for (Verified asset : assets) {
            Path part = staging.resolve(asset.asset().name() + ".part");
            String status = "downloading " + asset.asset().name();
            progress.step(status, done.get(), total);
            download.fetch(asset.asset().name(), asset.asset().uri(), asset.size(), asset.sha256(), part,
                    n -> progress.downloaded(status, done.addAndGet(n), total));
            progress.step("verified sha256 of " + asset.asset().name(), done.get(), total);
            archives.add(part);
        }
        try {
            unpackAndMove(plan, assets, archives, staging, progress);
        } finally {
            archives.forEach(EngineInstallation::deleteQuietly);
        }
        progress.step("installed", total, total);
        LOG.info("installed llama.cpp {} {}: {}", plan.tag(), plan.variant(), plan.server());
        return plan.server();
    }

    /** An asset with the size and digest it must have. */
    private record Verified(ReleaseAsset asset, long size, String sha256, String digestSource) {
    }

    /** Takes each asset's size and digest from the plan, or else from the release's published figures. */
    private List<Verified> verified(InstallPlan plan, Progress progress) {
        Map<String, PublishedDigests.Published> fromApi = null;
        List<Verified> out = new ArrayList<>();
        for (ReleaseAsset asset : plan.assets()) {
            if (asset.sha256().isPresent() && asset.size().isPresent()) {
                out.add(new Verified(asset, asset.size().getAsLong(), asset.sha256().get(), "the SDK's release table"));
                continue;
            }
            if (fromApi == null) {
                progress.step("reading published digests from " + published.api(), -1, -1);
                fromApi = published.of(plan.tag(), asset.name());
            }
            PublishedDigests.Published p = fromApi.get(asset.name());
            if (p == null) {
                throw new EngineInstallException(Reason.ASSET_NOT_FOUND, "llama.cpp's release " + plan.tag() + " lists no "
                        + asset.name() + " at " + published.api() + "/tags/" + plan.tag() + "; set llamaserver.path to "
                        + "a llama-server of your own");
            }
            Optional<String> sha256 = asset.sha256().or(p::sha256);
            if (sha256.isEmpty()) {
                throw new EngineInstallException(Reason.NO_DIGEST, "llama.cpp's release " + plan.tag() + " publishes no "
                        + "SHA-256 digest for " + asset.name() + ", and the SDK installs only archives it can verify; "
                        + "download and check it yourself, then set llamaserver.path to its llama-server");
            }
            OptionalLong size = asset.size();
            out.add(new Verified(asset, size.isPresent() ? size.getAsLong() : p.size(), sha256.get(),
                    "GitHub's release API"));
        }
        return out;
    }

    private void unpackAndMove(InstallPlan plan, List<Verified> assets, List<Path> archives, Path staging,
            Progress progress) {
        Path work = null;
        try {
            work = Files.createTempDirectory(staging, "unpack-" + plan.variant() + "-");
            Path content = Files.createDirectory(work.resolve("content"));
            for (int i = 0; i < archives.size(); i++) {
                String name = assets.get(i).asset().name();
                progress.step("unpacking " + name, -1, -1);
                Path into = Files.createDirectory(work.resolve("archive-" + i));
                unpacker.unpack(archives.get(i), name, into);
                merge(topOf(into), content, name);
            }
            SafeTree.checkLinks(content, plan.tag() + " " + plan.variant());
            Path server = content.resolve(plan.platform().serverFileName());
            if (!Files.isRegularFile(server, LinkOption.NOFOLLOW_LINKS)) {
                throw new EngineInstallException(Reason.MALFORMED_ARCHIVE, "the archives of llama.cpp " + plan.tag() + " "
                        + plan.variant() + " hold no " + plan.platform().serverFileName() + " at their top; nothing "
                        + "was installed. Set llamaserver.path to a llama-server of your own");
            }
            makeExecutable(server);
            writeMarker(content, plan, assets);
            if (Files.exists(plan.directory(), LinkOption.NOFOLLOW_LINKS)) {
                // An incomplete leftover (no marker): replaced whole, never merged with.
                LOG.info("replacing the incomplete {}", plan.directory());
                Files.move(plan.directory(), work.resolve("previous"), StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(content, plan.directory(), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw storage("unpacking into " + (work == null ? staging : work), plan, e);
        } finally {
            if (work != null) {
                deleteTree(work);
            }
        }
    }

    /** A {@code .tar.gz}'s content sits in one top directory ({@code llama-b10470/}); a zip's at its top. */
    private static Path topOf(Path unpacked) throws IOException {
        try (Stream<Path> children = Files.list(unpacked)) {
            List<Path> list = children.toList();
            if (list.size() == 1 && Files.isDirectory(list.get(0), LinkOption.NOFOLLOW_LINKS)) {
                return list.get(0);
            }
        }
        return unpacked;
    }

    private static void merge(Path from, Path into, String archive) throws IOException {
        try (Stream<Path> children = Files.list(from)) {
            for (Path child : children.toList()) {
                Path target = into.resolve(child.getFileName().toString());
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new EngineInstallException(Reason.MALFORMED_ARCHIVE, archive + " holds "
                            + child.getFileName() + ", which an earlier archive of the same build holds too; nothing "
                            + "was installed");
                }
                Files.move(child, target);
            }
        }
    }

    private static void makeExecutable(Path server) throws IOException {
        if (server.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(server));
            permissions.addAll(List.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_EXECUTE,
                    PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE));
            Files.setPosixFilePermissions(server, permissions);
        } else if (!server.toFile().setExecutable(true, false) && !server.toFile().canExecute()) {
            throw new IOException("cannot make " + server + " executable");
        }
    }

    private static void writeMarker(Path content, InstallPlan plan, List<Verified> assets) throws IOException {
        ObjectNode marker = MAPPER.createObjectNode();
        marker.put("build", plan.build());
        marker.put("tag", plan.tag());
        marker.put("variant", plan.variant());
        marker.put("platform", plan.platform().id());
        marker.put("accelerator", plan.accelerator().id());
        marker.put("server", plan.platform().serverFileName());
        ArrayNode list = marker.putArray("assets");
        for (Verified v : assets) {
            list.addObject().put("name", v.asset().name()).put("url", v.asset().uri().toString()).put("size", v.size())
                    .put("sha256", v.sha256()).put("digestFrom", v.digestSource());
        }
        marker.put("installedAt", Instant.now().toString());
        Files.write(content.resolve(EnginesDirectory.MARKER), MAPPER.writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(marker));
    }

    private static StorageException storage(String what, InstallPlan plan, IOException e) {
        String room = "";
        try {
            Path existing = plan.directory().getParent();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null) {
                room = " (" + (Files.getFileStore(existing).getUsableSpace() >> 20) + " MiB free there)";
            }
        } catch (IOException ignored) {
            // The free space is only a hint in the message.
        }
        return new StorageException(what + " failed: " + e + room + "; llama.cpp " + plan.tag() + " " + plan.variant()
                + " was not installed. Free disk space, check the permissions of " + plan.directory().getParent()
                + ", or set llamaserver.engines.dir to a directory with room, then try again", e);
    }

    private static String strip(URI base) {
        String s = base.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", file, e.toString());
        }
    }

    /** Deletes a directory tree without following its symbolic links. */
    static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("could not delete {} entirely: {}", root, e.toString());
        }
    }
}
