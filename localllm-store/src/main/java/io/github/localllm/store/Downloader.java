package io.github.localllm.store;

import io.github.localllm.event.LocalLlmEventListener;
import io.github.localllm.store.internal.Remote;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Downloads model files: one large file over several connections in ranged chunks, resumable after
 * a crash or a kill, verified, and moved into place atomically. Downloads wait in a queue for one of
 * {@link Builder#maxConcurrentDownloads} slots.
 *
 * <pre>{@code
 * try (Downloader downloader = Downloader.builder().listener(System.out::println).build()) {
 *     DownloadResult r = downloader.download(DownloadRequest.builder(uri, Path.of("model.gguf")).build());
 * }
 * }</pre>
 *
 * <ul>
 *   <li>The first request asks for one byte ({@code Range: bytes=0-0}), following redirects by hand:
 *       credentials go only to the address's own host, never to the CDN the Hub redirects to, and
 *       HTTPS is never followed to plain HTTP. Plain HTTP is used only with loopback hosts, unless
 *       {@link Builder#allowPlainHttp allowed}. Its answer gives the size ({@code Content-Range}),
 *       the Hub's {@code X-Linked-Etag} (the SHA-256), {@code X-Linked-Size} and {@code X-Repo-Commit}.</li>
 *   <li>Free space is checked before a byte is written: a {@link io.github.localllm.StorageException}
 *       names the bytes needed and free.</li>
 *   <li>The file is cut into {@link Builder#chunkSize chunks} fetched by up to
 *       {@link Builder#connections} connections, written in place in a partial file
 *       ({@code <target>.localllm-part}) beside the target. A small JSON record
 *       ({@code <target>.localllm-part.json}) names the address, size, validator and the bytes done per
 *       chunk; it is rewritten about once a second, after the bytes it counts were forced to disk, so a
 *       kill at any moment leaves a partial file that resumes where the record says. A changed remote
 *       file (another size or validator) starts over.</li>
 *   <li>A broken chunk is asked again from where it stopped, with growing pauses ({@link Builder#attempts}
 *       failures in a row without progress end the download); {@code 429} and {@code 503} are waited
 *       out as their {@code Retry-After} says; a signed CDN address that stops working is resolved
 *       again; {@code 416} means the file changed. A server that answers a range with {@code 200}
 *       (ignoring it) is read as one stream, which cannot resume.</li>
 *   <li>SHA-256 is computed while the chunks arrive, over the bytes without a gap from the start,
 *       and compared with the request's, else the Hub's {@code X-Linked-Etag}; a GGUF target's header
 *       is validated; only then is the partial moved over the target atomically. A mismatching or
 *       invalid file is deleted with its record and is never installed.</li>
 * </ul>
 *
 * <p>Threads are daemons; {@link #close()} pauses what runs (keeping the partial files) and ends them.
 */
public final class Downloader implements AutoCloseable {
    /** The connections per file, unless {@link Builder#connections} says otherwise. */
    public static final int DEFAULT_CONNECTIONS = 4;
    /** The chunk size, unless {@link Builder#chunkSize} says otherwise. */
    public static final long DEFAULT_CHUNK_SIZE = 16L << 20;
    /** Suffix of the partial file beside the target (not {@code .incomplete}, which the Hugging Face tools resume by length). */
    public static final String PARTIAL_SUFFIX = ".localllm-part";
    /** Suffix of the resume record beside the target. */
    public static final String RECORD_SUFFIX = ".localllm-part.json";
    /** Suffix of the lock file beside the target. */
    public static final String LOCK_SUFFIX = ".localllm-part.lock";

    final Settings settings;
    final Remote remote;
    private final ExecutorService jobs;
    final ExecutorService workers;
    private final Set<DownloadHandle> handles = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private Downloader(Builder b) {
        this.settings = new Settings(b.connections, b.chunkSize, b.attempts, b.backoff, b.maxRetryWait, b.timeout,
                b.idleTimeout, b.progressInterval, b.diskSpace, b.listener, b.hashAtEnd, b.channels);
        HttpClient client = b.client != null ? b.client : HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                // One TCP connection per chunk: a server or CDN that limits each connection is then outrun.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(b.timeout)
                .build();
        this.remote = new Remote(client, b.timeout, b.allowPlainHttp, userAgent());
        this.jobs = Executors.newFixedThreadPool(b.maxConcurrentDownloads, daemons("localllm-download"));
        this.workers = Executors.newCachedThreadPool(daemons("localllm-download-chunk"));
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Queues a download.
     *
     * @param request what to download
     * @return its handle
     * @throws IllegalStateException if this downloader is closed
     */
    public DownloadHandle submit(DownloadRequest request) {
        Objects.requireNonNull(request, "request");
        DownloadHandle handle = new DownloadHandle(this, request);
        handles.add(handle);
        handle.result().whenComplete((r, e) -> handles.remove(handle));
        enqueue(handle);
        return handle;
    }

    /**
     * Downloads a file and waits for it.
     *
     * @param request what to download
     * @return the verified file in place
     * @throws io.github.localllm.ModelNotFoundException if the server says the file does not exist or is not accessible
     * @throws io.github.localllm.ModelDownloadException if it cannot be fetched (the partial file stays if it can be resumed)
     * @throws ChecksumMismatchException if the bytes are not the published file
     * @throws io.github.localllm.InvalidModelFileException if a GGUF target is not a valid GGUF file
     * @throws io.github.localllm.StorageException if the disk lacks space or cannot be written
     */
    public DownloadResult download(DownloadRequest request) {
        return submit(request).await();
    }

    /** @return the partial file of a target */
    public static Path partialFile(Path target) {
        return target.resolveSibling(target.getFileName() + PARTIAL_SUFFIX);
    }

    /** @return the resume record of a target */
    public static Path recordFile(Path target) {
        return target.resolveSibling(target.getFileName() + RECORD_SUFFIX);
    }

    /** Pauses every running or queued download (keeping partial files) and ends the threads. */
    @Override
    public void close() {
        closed = true;
        for (DownloadHandle handle : handles) {
            handle.pause();
        }
        // Paused tasks end within a read and save their records; an interrupt would close their file channels first.
        jobs.shutdown();
        workers.shutdown();
        try {
            if (!jobs.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                DownloadTask.LOG.warn("downloads still running 10 s after close; interrupting them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        jobs.shutdownNow();
        workers.shutdownNow();
        for (DownloadHandle handle : handles) {
            handle.closed();
        }
    }

    void enqueue(DownloadHandle handle) {
        if (closed) {
            throw new IllegalStateException("this downloader is closed; make a new one");
        }
        jobs.execute(() -> new DownloadTask(this, handle).run());
    }

    void emit(io.github.localllm.event.LocalLlmEvent event) {
        if (settings.listener() == null) {
            return;
        }
        try {
            settings.listener().onEvent(event);
        } catch (RuntimeException e) {
            DownloadTask.LOG.warn("a download listener failed on {}: {}", event.getClass().getSimpleName(), e.toString());
        }
    }

    private static String userAgent() {
        String v = Downloader.class.getPackage() == null ? null : Downloader.class.getPackage().getImplementationVersion();
        return "localllm/" + (v == null ? "dev" : v) + " (model store; java " + Runtime.version().feature() + ")";
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The downloader's settings, for its tasks. */
    record Settings(int connections, long chunkSize, int attempts, Duration backoff, Duration maxRetryWait,
                    Duration timeout, Duration idleTimeout, Duration progressInterval, DiskSpace diskSpace,
                    LocalLlmEventListener listener, boolean hashAtEnd, PartChannels channels) {
    }

    /** Builds a {@link Downloader}; every setting has a default. */
    public static final class Builder {
        private int connections = DEFAULT_CONNECTIONS;
        private long chunkSize = DEFAULT_CHUNK_SIZE;
        private int maxConcurrentDownloads = 2;
        private int attempts = 6;
        private Duration backoff = Duration.ofMillis(500);
        private Duration maxRetryWait = Duration.ofSeconds(120);
        private Duration timeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration progressInterval = Duration.ofMillis(250);
        private DiskSpace diskSpace = DiskSpace.fileStore();
        private LocalLlmEventListener listener;
        private boolean allowPlainHttp;
        private boolean hashAtEnd;
        private HttpClient client;
        private PartChannels channels = PartChannels.DEFAULT;

        private Builder() {
        }

        /** For tests: how partial files are opened for writing. */
        Builder channels(PartChannels channels) {
            this.channels = Objects.requireNonNull(channels, "channels");
            return this;
        }

        /** @param n connections per file, 1 to 32 (default 4) @return this builder */
        public Builder connections(int n) {
            if (n < 1 || n > 32) {
                throw new IllegalArgumentException("connections must be 1 to 32, got " + n);
            }
            this.connections = n;
            return this;
        }

        /** @param bytes the size of the chunks, at least 64 KiB (default 16 MiB) @return this builder */
        public Builder chunkSize(long bytes) {
            if (bytes < 64 << 10) {
                throw new IllegalArgumentException("chunks must be at least 64 KiB, got " + bytes);
            }
            this.chunkSize = bytes;
            return this;
        }

        /** @param n downloads that run at once, the others wait in the queue (default 2) @return this builder */
        public Builder maxConcurrentDownloads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("at least one download must run at a time, got " + n);
            }
            this.maxConcurrentDownloads = n;
            return this;
        }

        /** @param n failures in a row without progress that end a download, at least 1 (default 6) @return this builder */
        public Builder attempts(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("attempts must be at least 1, got " + n);
            }
            this.attempts = n;
            return this;
        }

        /** @param pause the pause after a first failure, doubled after each further one, up to 30 s (default 500 ms) @return this builder */
        public Builder backoff(Duration pause) {
            this.backoff = positive(pause, "backoff");
            return this;
        }

        /** @param max the longest {@code Retry-After} waited out; a longer one fails the download (default 120 s) @return this builder */
        public Builder maxRetryWait(Duration max) {
            this.maxRetryWait = Objects.requireNonNull(max, "max");
            return this;
        }

        /** @param timeout the wait for a connection and for an answer's headers (default 30 s) @return this builder */
        public Builder timeout(Duration timeout) {
            this.timeout = positive(timeout, "timeout");
            return this;
        }

        /** @param timeout the longest a connection may bring no byte before it is dropped and asked again (default 60 s) @return this builder */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = positive(timeout, "idleTimeout");
            return this;
        }

        /** @param interval how often progress events are sent (default 250 ms) @return this builder */
        public Builder progressInterval(Duration interval) {
            this.progressInterval = positive(interval, "progressInterval");
            return this;
        }

        /** @param space how free space is measured (default: the file store's answer) @return this builder */
        public Builder diskSpace(DiskSpace space) {
            this.diskSpace = Objects.requireNonNull(space, "space");
            return this;
        }

        /** @param listener receives {@link io.github.localllm.event.ModelDownloadProgress} events @return this builder */
        public Builder listener(LocalLlmEventListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * @param allow whether plain HTTP may be used with remote hosts (a trusted mirror on the local
         *     network); loopback hosts are always allowed (default false)
         * @return this builder
         */
        public Builder allowPlainHttp(boolean allow) {
            this.allowPlainHttp = allow;
            return this;
        }

        /**
         * @param atEnd hash the file in one pass after the last chunk, instead of following the chunks
         *     as they arrive (default false; kept for the benchmark that compares both)
         * @return this builder
         */
        public Builder hashAtEnd(boolean atEnd) {
            this.hashAtEnd = atEnd;
            return this;
        }

        /**
         * @param client the HTTP client (proxy, SSL, executor); it must not follow redirects, which the
         *     downloader does itself to keep credentials on the first host
         * @return this builder
         */
        public Builder client(HttpClient client) {
            if (client.followRedirects() != HttpClient.Redirect.NEVER) {
                throw new IllegalArgumentException("the client follows redirects (" + client.followRedirects()
                        + "); give one with Redirect.NEVER: the downloader follows them itself so that credentials "
                        + "stay on the first host");
            }
            this.client = client;
            return this;
        }

        /** @return the downloader */
        public Downloader build() {
            return new Downloader(this);
        }

        private static Duration positive(Duration d, String what) {
            if (Objects.requireNonNull(d, what).isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }
    }
}
