package io.github.localllm.backend.llamaserver.internal.install;

import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelDownloadException;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.StorageException;
import io.github.localllm.backend.llamaserver.EngineInstallException;
import io.github.localllm.backend.llamaserver.EngineInstallException.Reason;
import io.github.localllm.http.HttpRangeReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one release archive into a partial file with {@link HttpRangeReader} (ranged requests
 * that follow GitHub's redirect to its CDN, and resolve an expired CDN address again), hashing the
 * bytes as they are written, and verifies size and SHA-256 before anyone unpacks them. A broken
 * request is repeated from where it stopped, a few times with growing pauses; when they run out,
 * the partial file stays, and the next download of the same asset hashes what it holds and resumes
 * after it.
 */
final class AssetDownload {
    private static final Logger LOG = LoggerFactory.getLogger(AssetDownload.class);
    private static final int BUFFER = 1 << 20;

    private final Duration timeout;
    private final int attempts;
    private final Duration pause;

    /**
     * @param timeout the time limit for each request's answer (its body may take as long again)
     * @param attempts how often a request is tried before the download fails
     * @param pause the pause before the second attempt, doubled for each further one
     */
    AssetDownload(Duration timeout, int attempts, Duration pause) {
        this.timeout = timeout;
        this.attempts = attempts;
        this.pause = pause;
    }

    /**
     * @param name the asset's name, for messages
     * @param uri its address
     * @param size its published size
     * @param sha256 its published digest, lower-case hex
     * @param part the partial file: resumed if it exists, complete and verified on return
     * @param onBytes told of each stretch of bytes added (or found in the partial file)
     * @throws EngineInstallException if the asset is missing, the download fails, or it is not the published file
     * @throws StorageException if the partial file cannot be written
     */
    void fetch(String name, URI uri, long size, String sha256, Path part, LongConsumer onBytes) {
        MessageDigest digest = sha256();
        long have;
        try {
            have = Files.exists(part) ? Files.size(part) : 0;
            if (have > size) {
                Files.delete(part);
                have = 0;
            }
            if (have > 0) {
                hashExisting(part, digest);
                LOG.info("resuming the download of {} at byte {} of {}", name, have, size);
                onBytes.accept(have);
            }
        } catch (IOException e) {
            throw new StorageException("cannot read the partial download " + part + " (" + e.getMessage()
                    + "); delete it and try again", e);
        }
        if (have < size) {
            download(name, uri, size, part, have, digest, onBytes);
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(sha256)) {
            deleteQuietly(part);
            throw new EngineInstallException(Reason.DIGEST_MISMATCH, name + " from " + label(uri) + " has the SHA-256 "
                    + actual + ", but the release publishes " + sha256 + ": the download was corrupted, or the server "
                    + "(a proxy, a mirror) serves another file. It was deleted and nothing was installed; try again, and "
                    + "if it happens again check llamaserver.release.url and any proxy between here and GitHub");
        }
    }

    private void download(String name, URI uri, long size, Path part, long from, MessageDigest digest,
            LongConsumer onBytes) {
        try (HttpRangeReader reader = open(name, uri)) {
            if (reader.size() != size) {
                deleteQuietly(part);
                throw new EngineInstallException(Reason.DIGEST_MISMATCH, name + " at " + label(uri) + " is "
                        + reader.size() + " bytes long, but the release publishes " + size + " bytes: the server (a "
                        + "proxy, a mirror) serves another file. Nothing was downloaded or installed; check "
                        + "llamaserver.release.url and any proxy between here and GitHub");
            }
            write(reader, name, size, part, from, digest, onBytes);
        }
    }

    private void write(HttpRangeReader reader, String name, long size, Path part, long from, MessageDigest digest,
            LongConsumer onBytes) {
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            out.truncate(from);
            out.position(from);
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
            long position = from;
            while (position < size) {
                buffer.clear();
                int n = read(reader, name, position, size, buffer);
                buffer.flip();
                digest.update(buffer.duplicate());
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                position += n;
                onBytes.accept(n);
            }
        } catch (IOException e) {
            throw new StorageException("writing the download of " + name + " to " + part + " failed (" + e.getMessage()
                    + "); free disk space there, or set llamaserver.engines.dir to a disk with room, and try again", e);
        }
    }

    private HttpRangeReader open(String name, URI uri) {
        for (int attempt = 1; ; attempt++) {
            try {
                return HttpRangeReader.builder(uri).timeout(timeout).byteBudget(Long.MAX_VALUE).open();
            } catch (ModelNotFoundException e) {
                throw notFound(name, uri, e);
            } catch (ModelDownloadException e) {
                if (attempt >= attempts || !pause(attempt)) {
                    throw failed(name, uri, 0, e, attempt);
                }
                LOG.info("requesting {} failed, attempt {} of {}: {}", name, attempt + 1, attempts, e.getMessage());
            }
        }
    }

    /** Reads at {@code position}, repeating a broken request; @return the bytes read, at least one. */
    private int read(HttpRangeReader reader, String name, long position, long size, ByteBuffer buffer) {
        for (int attempt = 1; ; attempt++) {
            try {
                int n = reader.read(position, buffer);
                if (n <= 0) {
                    throw new ModelDownloadException(reader.label() + " ended at byte " + position + " of " + size);
                }
                return n;
            } catch (ModelNotFoundException e) {
                throw notFound(name, reader.label(), e);
            } catch (ModelDownloadException e) {
                if (attempt >= attempts || !pause(attempt)) {
                    throw failed(name, reader.label(), position, e, attempt);
                }
                LOG.info("downloading {} broke off at byte {} of {}, attempt {} of {}: {}", name, position, size,
                        attempt + 1, attempts, e.getMessage());
            }
        }
    }

    /** @return false if interrupted, which ends the download */
    private boolean pause(int attempt) {
        if (Thread.currentThread().isInterrupted()) {
            return false;
        }
        try {
            Thread.sleep(pause.multipliedBy(1L << Math.min(attempt - 1, 6)).toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static EngineInstallException notFound(String name, Object where, ModelNotFoundException e) {
        return new EngineInstallException(Reason.ASSET_NOT_FOUND, "llama.cpp's release has no " + name + " at " + where
                + " (" + e.getMessage() + "); if llamaserver.release.url points at a mirror, check that it holds "
                + "the release, or set llamaserver.path to a llama-server of your own", e);
    }

    private static EngineInstallException failed(String name, Object where, long position, LocalLlmException e,
            int attempts) {
        String interrupted = Thread.currentThread().isInterrupted() ? " (interrupted)" : "";
        return new EngineInstallException(Reason.DOWNLOAD_FAILED, "downloading " + name + " from " + where
                + " failed at byte " + position + " after " + attempts + " attempt(s)" + interrupted + ": "
                + e.getMessage() + "; check the network and any proxy, then install again: the download resumes "
                + "where it stopped", e);
    }

    private static void hashExisting(Path part, MessageDigest digest) throws IOException {
        try (InputStream in = Files.newInputStream(part)) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", file, e.toString());
        }
    }

    /** The address without user info or query, which may hold credentials or signatures. */
    private static String label(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java platform must have", e);
        }
    }
}
