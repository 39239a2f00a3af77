package io.github.localllm.store;

import io.github.localllm.InvalidModelFileException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelDownloadException;
import io.github.localllm.StorageException;
import io.github.localllm.event.ModelDownloadProgress;
import io.github.localllm.gguf.GgufFile;
import io.github.localllm.store.internal.Addresses;
import io.github.localllm.store.internal.BodyBuffers;
import io.github.localllm.store.internal.ChunkTable;
import io.github.localllm.store.internal.Failures;
import io.github.localllm.store.internal.HashFollower;
import io.github.localllm.store.internal.RateMeter;
import io.github.localllm.store.internal.RemoteAnswer;
import io.github.localllm.store.internal.ResumeRecord;
import io.github.localllm.store.internal.Sha256;
import io.github.localllm.store.internal.TargetLock;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One run of a download, from the first request to the file in place, a pause, or a failure. */
final class DownloadTask {
    static final Logger LOG = LoggerFactory.getLogger(Downloader.class);
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)");
    private static final Pattern UNSATISFIED = Pattern.compile("bytes \\*/(\\d{1,18})");
    // Small enough to stay in the CPU cache between the copy into it and the write: a 1 MiB buffer cost
    // about twice the kernel time per byte written on the build machine.
    private static final int BUFFER = 64 << 10;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final long RECORD_INTERVAL_NANOS = 1_000_000_000L;

    private final Downloader downloader;
    private final Downloader.Settings settings;
    private final DownloadHandle handle;
    private final DownloadRequest request;
    private final URI origin;
    private final String label;
    private final Path target;
    private final Path partial;
    private final Path record;
    private final RateMeter meter = new RateMeter();
    private final AtomicLong transferred = new AtomicLong();
    private final List<Worker> active = new ArrayList<>();
    private volatile boolean stop;
    private long startNanos;

    DownloadTask(Downloader downloader, DownloadHandle handle) {
        this.downloader = downloader;
        this.settings = downloader.settings;
        this.handle = handle;
        this.request = handle.request();
        this.origin = request.uri();
        this.label = Addresses.label(origin);
        this.target = request.target().toAbsolutePath();
        this.partial = Downloader.partialFile(target);
        this.record = Downloader.recordFile(target);
    }

    /** Asks the run to stop soon: workers end after their current read, their connections closed. */
    void stop() {
        stop = true;
        synchronized (active) {
            active.forEach(Worker::abort);
        }
    }

    void run() {
        if (!handle.begin(this)) {
            return;
        }
        if (handle.stopRequested()) {
            stop = true;
        }
        startNanos = System.nanoTime();
        TargetLock lock = null;
        boolean installed = false;
        // The handle is completed only after the lock is released: a caller that tries again as soon as
        // this one failed must not find the target still locked by it.
        Runnable outcome;
        try {
            String refusal = downloader.remote.refusal(origin);
            if (refusal != null) {
                throw new ModelDownloadException("cannot download " + request.name() + ": " + refusal);
            }
            createParent();
            lock = TargetLock.acquire(target.resolveSibling(target.getFileName() + Downloader.LOCK_SUFFIX),
                    request.name());
            DownloadResult result = execute();
            installed = true;
            outcome = () -> handle.succeeded(result);
        } catch (Stopped s) {
            if (!handle.stopRequested()) {
                outcome = () -> handle.failed(new ModelDownloadException("the download of " + request.name()
                        + " stopped without a pause or cancel being asked; download again (it resumes)"));
            } else {
                if (handle.cancelRequested()) {
                    deletePartial(target);
                }
                emit(handle.cancelRequested() ? "cancelled" : "paused", handle.completedBytes(), handle.totalBytes());
                outcome = handle::stopped;
            }
        } catch (LocalLlmException e) {
            if (handle.cancelRequested()) {
                deletePartial(target);
                outcome = handle::stopped;
            } else {
                LOG.debug("download of {} failed: {}", request.name(), e.getMessage());
                outcome = () -> handle.failed(e);
            }
        } catch (RuntimeException | Error e) {
            LOG.error("download of {} failed unexpectedly", request.name(), e);
            outcome = () -> handle.failed(new ModelDownloadException("the download of " + request.name()
                    + " failed unexpectedly (" + e + "); the partial file is kept, try again", e));
        } finally {
            if (lock != null) {
                // The lock file stays only beside a partial file, which the next download of it will lock.
                lock.release(installed || !Files.exists(partial));
            }
        }
        outcome.run();
    }

    private DownloadResult execute() {
        emit("starting", 0, -1);
        Probe probe = probe();
        if (request.size() >= 0 && probe.size >= 0 && request.size() != probe.size) {
            probe.closeBody();
            throw new ChecksumMismatchException(label + " serves " + probe.size + " bytes, but " + request.name()
                    + " should have " + request.size() + ": the server (a proxy, a mirror, a newer revision) serves "
                    + "another file. Nothing was downloaded; check the address and the revision",
                    Long.toString(request.size()), Long.toString(probe.size));
        }
        Optional<String> expected = request.sha256().isPresent() ? request.sha256()
                : probe.linkedEtag.filter(Sha256::isHex).map(s -> s.toLowerCase(Locale.ROOT));
        String against = request.sha256().isPresent() ? "request" : expected.isPresent() ? "x-linked-etag" : "none";
        String sha256 = probe.ranged ? ranged(probe) : single(probe);
        handle.verifying();
        emit("verifying", handle.completedBytes(), handle.totalBytes());
        long size = size(partial);
        if (expected.isPresent() && !expected.get().equals(sha256)) {
            deletePartial(target);
            throw new ChecksumMismatchException(request.name() + " from " + label + " has the SHA-256 " + sha256
                    + ", but " + (against.equals("request") ? "the expected one is " : "the Hub publishes ")
                    + expected.get() + ": the bytes were corrupted on the way, or the server (a proxy, a mirror) "
                    + "serves another file. It was deleted and nothing was installed; download it again",
                    expected.get(), sha256);
        }
        if (expected.isEmpty()) {
            LOG.info("{}: no SHA-256 was published (no expected hash, no X-Linked-Etag); only its size was checked",
                    request.name());
        }
        if (request.validateGguf()) {
            validateGguf(size);
        }
        install();
        emit("done", size, size);
        return new DownloadResult(target, size, sha256, against, probe.commit, transferred.get(),
                Duration.ofNanos(System.nanoTime() - startNanos));
    }

    // --- the first request ---

    /** What the first answer told. */
    private static final class Probe {
        long size = -1;
        boolean ranged;
        String validator = "";
        Optional<String> linkedEtag = Optional.empty();
        Optional<String> commit = Optional.empty();
        URI resolved;
        RemoteAnswer wholeBody;

        void closeBody() {
            if (wholeBody != null) {
                wholeBody.close();
                wholeBody = null;
            }
        }
    }

    private Probe probe() {
        Retries retries = new Retries();
        while (true) {
            checkStop();
            RemoteAnswer answer;
            try {
                answer = downloader.remote.get(origin, origin, request.headers(), "bytes=0-0");
            } catch (IOException e) {
                retries.failed(e, 0);
                continue;
            }
            Probe probe = new Probe();
            probe.linkedEtag = answer.linkedEtag();
            probe.commit = answer.commit();
            probe.resolved = answer.uri();
            String etag = answer.header("ETag").map(DownloadTask::unquote).orElse("");
            probe.validator = answer.linkedEtag().orElse(etag);
            int status = answer.status();
            if (status == 206) {
                long[] range = contentRange(answer);
                answer.close();
                if (range == null || range[0] != 0 || range[2] < 0) {
                    throw new ModelDownloadException(label + " answered a range request with the Content-Range '"
                            + answer.header("Content-Range").orElse("") + "', not 'bytes 0-0/<size>'; the server "
                            + "mishandles ranges; try again later or use another mirror");
                }
                probe.size = range[2];
                probe.ranged = true;
                return probe;
            }
            if (status == 416) {
                Matcher m = UNSATISFIED.matcher(answer.header("Content-Range").orElse("").strip());
                answer.close();
                if (m.matches() && Long.parseLong(m.group(1)) == 0) {
                    probe.size = 0;
                    probe.ranged = true;
                    return probe;
                }
                throw new ModelDownloadException(label + " refused the first byte (HTTP 416); the file is empty or "
                        + "the server mishandles ranges; check the address");
            }
            if (status == 200) {
                LOG.info("{} ignores range requests (answered 200): downloading it as one stream, which cannot be "
                        + "resumed", label);
                probe.size = answer.header("Content-Length").map(DownloadTask::parseLong).orElse(answer.linkedSize());
                probe.wholeBody = answer;
                return probe;
            }
            if (Failures.retryable(status)) {
                Optional<Duration> wait = Failures.retryAfter(answer);
                LocalLlmException e = Failures.of(label, answer);
                retries.status(e, wait);
                continue;
            }
            throw Failures.of(label, answer);
        }
    }

    // --- ranged, parallel ---

    private String ranged(Probe probe) {
        ChunkTable table = resumeOrStart(probe);
        handle.progress(table.written(), probe.size);
        checkSpace(probe.size - table.written(), table.written());
        AtomicReference<URI> resolved = new AtomicReference<>(probe.resolved);
        ConcurrentLinkedQueue<Integer> queue = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < table.count(); i++) {
            if (!table.complete(i)) {
                queue.add(i);
            }
        }
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        HashFollower hasher = new HashFollower(partial, table);
        try (FileChannel channel = settings.channels().open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            int n = Math.max(1, Math.min(settings.connections(), queue.size()));
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < n; w++) {
                Worker worker = new Worker();
                synchronized (active) {
                    active.add(worker);
                }
                running.add(downloader.workers.submit(() -> {
                    try {
                        Integer i;
                        while (!stop && failure.get() == null && (i = queue.poll()) != null) {
                            fetchChunk(worker, channel, table, i, resolved, probe);
                        }
                    } catch (Stopped s) {
                        // A pause, or another connection's failure (a full disk stops them all): that one is recorded.
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            Future<Boolean> hashing = settings.hashAtEnd() ? null : downloader.workers.submit(() ->
                    hasher.run(() -> stop || failure.get() != null || running.stream().allMatch(Future::isDone)
                            && table.contiguous() < table.size()));
            supervise(running, table, probe.size, channel, failure, probe);
            RuntimeException failed = failure.get();
            if (failed instanceof RangeIgnored) {
                // The workers were stopped because of it; the stream that follows must not see that as a pause.
                stop = handle.stopRequested();
                channel.close();
                deletePartial(target);
                return single(reprobeWhole());
            }
            if (failed != null || stop) {
                saveRecord(table, probe, channel);
                if (failed instanceof FileChanged) {
                    deletePartial(target);
                }
                if (failed != null) {
                    throw failed;
                }
                throw new Stopped();
            }
            channel.force(true);
            deleteQuietly(record);
            if (hashing == null) {
                return Sha256.of(partial);
            }
            if (!join(hashing)) {
                throw new ModelDownloadException("hashing " + partial + " stopped before its end; download again");
            }
            return hasher.hex();
        } catch (IOException e) {
            throw new StorageException("cannot write the partial download " + partial + " (" + e.getMessage()
                    + "); check the disk and that the directory is writable, then download again (it resumes)", e);
        }
    }

    private ChunkTable resumeOrStart(Probe probe) {
        Optional<ResumeRecord> saved = ResumeRecord.read(record);
        if (saved.isPresent() && Files.isRegularFile(partial)) {
            ResumeRecord r = saved.get();
            ChunkTable table = new ChunkTable(probe.size, r.chunkSize());
            if (r.matches(label, probe.size, probe.validator, table.count())) {
                for (int i = 0; i < table.count(); i++) {
                    table.setDone(i, Math.min(r.done()[i], table.length(i)));
                }
                LOG.info("resuming {} with {} of {} bytes from an earlier attempt", request.name(), table.written(),
                        probe.size);
                emit("resuming", table.written(), probe.size);
                return table;
            }
            LOG.info("{} changed since the partial download was made (size or validator differ); starting over",
                    request.name());
        } else if (Files.exists(partial) || Files.exists(record)) {
            LOG.info("{}: a partial download without a usable record is not trusted; starting over", request.name());
        }
        deletePartial(target);
        return new ChunkTable(probe.size, settings.chunkSize());
    }

    /** Waits for the workers, sending progress, saving the record and dropping idle connections. */
    private void supervise(List<Future<?>> running, ChunkTable table, long size, FileChannel channel,
            AtomicReference<RuntimeException> failure, Probe probe) throws IOException {
        long lastSave = System.nanoTime();
        long tick = settings.progressInterval().toNanos();
        boolean interrupted = false;
        while (!running.stream().allMatch(Future::isDone)) {
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(tick, 50_000_000L));
            } catch (InterruptedException e) {
                // Kept for later: with the flag set, the record could not be saved (channels close on interrupt).
                interrupted = true;
                stop();
            }
            long now = System.nanoTime();
            if (failure.get() != null) {
                stop();
            }
            synchronized (active) {
                for (Worker w : active) {
                    w.abortIfIdle(now, settings.idleTimeout().toNanos());
                }
            }
            if (now - lastSave >= RECORD_INTERVAL_NANOS) {
                saveRecord(table, probe, channel);
                lastSave = now;
            }
            progress(table.written(), size, now, tick);
        }
        progress(table.written(), size, System.nanoTime(), 0);
        if (interrupted) {
            saveRecord(table, probe, channel);
            Thread.currentThread().interrupt();
        }
    }

    private long lastProgressNanos;

    private void progress(long done, long size, long now, long interval) {
        handle.progress(done, size);
        meter.sample(now, done);
        if (interval == 0 || now - lastProgressNanos >= interval) {
            lastProgressNanos = now;
            emit("downloading", done, size);
        }
    }

    private void fetchChunk(Worker worker, FileChannel channel, ChunkTable table, int i, AtomicReference<URI> resolved,
            Probe probe) {
        Retries retries = new Retries();
        boolean reresolved = false;
        while (!table.complete(i)) {
            checkStop();
            long from = table.start(i) + table.done(i);
            long to = table.start(i) + table.length(i) - 1;
            URI at = resolved.get();
            RemoteAnswer answer = null;
            try {
                answer = downloader.remote.get(origin, at, request.headers(), "bytes=" + from + "-" + to);
                int status = answer.status();
                if (status == 206) {
                    long[] range = contentRange(answer);
                    if (range == null || range[0] != from || range[1] > to || range[1] < from
                            || range[2] >= 0 && range[2] != probe.size) {
                        throw new FileChanged(label + " answered bytes " + answer.header("Content-Range").orElse("?")
                                + " when asked for " + from + "-" + to + " of " + probe.size + "; the file changed "
                                + "on the server or the server mishandles ranges. The partial download was deleted; "
                                + "download again");
                    }
                    checkValidator(answer, probe);
                    resolved.set(answer.uri());
                    long got = copy(worker, answer, channel, table, i, from, range[1]);
                    if (got > 0) {
                        retries.progressed();
                    }
                    if (!table.complete(i) && from + got <= range[1]) {
                        retries.failed(new IOException("the connection broke off after " + got + " of "
                                + (range[1] - from + 1) + " bytes"), from + got);
                    }
                } else if (status == 200) {
                    throw new RangeIgnored();
                } else if (status == 416) {
                    throw new FileChanged(label + " refused bytes " + from + "-" + to + " (HTTP 416): the file on the "
                            + "server is shorter than the " + probe.size + " bytes it had; it changed. The partial "
                            + "download was deleted; download again");
                } else if (!reresolved && !at.equals(origin) && (status == 401 || status == 403 || status == 404
                        || status == 410)) {
                    // A signed CDN address expires (after an hour on the Hub): ask the origin for a new one.
                    reresolved = true;
                    resolved.set(origin);
                } else if (Failures.retryable(status)) {
                    Optional<Duration> wait = Failures.retryAfter(answer);
                    retries.status(Failures.of(label, answer), wait);
                } else {
                    throw Failures.of(label, answer);
                }
            } catch (IOException e) {
                if (stop) {
                    throw new Stopped();
                }
                retries.failed(e, from);
            } finally {
                worker.detach();
                if (answer != null) {
                    answer.close();
                }
            }
        }
    }

    /** Copies a 206 answer's body into the partial file; @return bytes written. */
    private long copy(Worker worker, RemoteAnswer answer, FileChannel channel, ChunkTable table, int i, long from,
            long last) throws IOException {
        BodyBuffers body = answer.body();
        worker.attach(body);
        Staging staging = worker.staging(channel, from);
        try {
            while (staging.received() <= last && !stop) {
                ByteBuffer[] buffers = body.next();
                if (buffers.length == 0) {
                    break;
                }
                worker.touch();
                for (ByteBuffer b : buffers) {
                    long room = last - staging.received() + 1;
                    if (room <= 0) {
                        break;
                    }
                    if (b.remaining() > room) {
                        b.limit(b.position() + (int) room);
                    }
                    staging.add(b, n -> table.add(i, n));
                }
            }
        } catch (IOException e) {
            // What arrived before the break is kept: the retry asks only for the rest.
            staging.flush(n -> table.add(i, n));
            throw e;
        }
        staging.flush(n -> table.add(i, n));
        return staging.written() - from;
    }

    /**
     * Gathers a body's small buffers (about 16 KiB each) into one direct buffer written at its place
     * when full: a write per 64 KiB instead of per buffer, and no second copy into the JDK's temporary
     * direct buffer. Bytes count as done only once written.
     */
    private final class Staging {
        private final ByteBuffer buffer;
        private FileChannel channel;
        private long written;

        Staging(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        Staging at(FileChannel c, long position) {
            channel = c;
            written = position;
            buffer.clear();
            return this;
        }

        long written() {
            return written;
        }

        long received() {
            return written + buffer.position();
        }

        void add(ByteBuffer b, java.util.function.LongConsumer done) {
            while (b.hasRemaining()) {
                if (!buffer.hasRemaining()) {
                    flush(done);
                }
                int n = Math.min(buffer.remaining(), b.remaining());
                int limit = b.limit();
                b.limit(b.position() + n);
                buffer.put(b);
                b.limit(limit);
            }
        }

        void flush(java.util.function.LongConsumer done) {
            buffer.flip();
            int n = buffer.remaining();
            if (n > 0) {
                write(channel, buffer, written);
                written += n;
                transferred.addAndGet(n);
                done.accept(n);
            }
            buffer.clear();
        }
    }

    private void write(FileChannel channel, ByteBuffer buffer, long position) {
        try {
            long p = position;
            while (buffer.hasRemaining()) {
                p += channel.write(buffer, p);
            }
        } catch (IOException e) {
            stop = true;
            throw new StorageException("writing the partial download " + partial + " failed at byte " + position
                    + " (" + e.getMessage() + "): " + (isFull(e) ? "the disk is full. Free space there" : "check the disk")
                    + ", or download to another directory. The partial download is kept and resumes from where it "
                    + "stopped", e);
        }
    }

    private static boolean isFull(IOException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return m.contains("no space") || m.contains("disk full") || m.contains("quota");
    }

    private void checkValidator(RemoteAnswer answer, Probe probe) {
        // The CDN's own ETag is the validator only when the Hub named none.
        if (probe.linkedEtag.isEmpty() && !probe.validator.isEmpty()) {
            Optional<String> etag = answer.header("ETag").map(DownloadTask::unquote);
            if (etag.isPresent() && !etag.get().equals(probe.validator)) {
                throw new FileChanged(label + " changed while it was downloaded (its ETag was " + probe.validator
                        + ", now " + etag.get() + "). The partial download was deleted; download again");
            }
        }
    }

    private void saveRecord(ChunkTable table, Probe probe, FileChannel channel) {
        long[] done = table.snapshot();
        try {
            // Forced before the record is written, so the record never counts a byte the disk may not hold.
            if (channel.isOpen()) {
                channel.force(false);
            }
            new ResumeRecord(label, probe.size, probe.validator, probe.commit.orElse(""), table.chunkSize(), done)
                    .write(record);
        } catch (IOException e) {
            LOG.warn("cannot save the resume record {} ({}); a kill now would restart {} from scratch", record,
                    e.getMessage(), request.name());
        }
    }

    // --- one stream ---

    private Probe reprobeWhole() {
        Retries retries = new Retries();
        while (true) {
            checkStop();
            try {
                RemoteAnswer answer = downloader.remote.get(origin, origin, request.headers(), null);
                if (answer.status() == 200) {
                    Probe probe = new Probe();
                    probe.linkedEtag = answer.linkedEtag();
                    probe.commit = answer.commit();
                    probe.size = answer.header("Content-Length").map(DownloadTask::parseLong)
                            .orElse(answer.linkedSize());
                    probe.wholeBody = answer;
                    return probe;
                }
                if (Failures.retryable(answer.status())) {
                    retries.status(Failures.of(label, answer), Failures.retryAfter(answer));
                    continue;
                }
                throw Failures.of(label, answer);
            } catch (IOException e) {
                retries.failed(e, 0);
            }
        }
    }

    /** Reads the whole file as one stream from the start, hashing as it goes; such a download cannot resume. */
    private String single(Probe probe) {
        deletePartial(target);
        if (probe.size >= 0) {
            checkSpace(probe.size, 0);
        }
        handle.progress(0, probe.size);
        Retries retries = new Retries();
        Worker worker = new Worker();
        synchronized (active) {
            active.add(worker);
        }
        // A read blocked on a silent server returns only when its connection is closed: a watchdog does that.
        java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        Future<?> watchdog = downloader.workers.submit(() -> {
            while (!finished.get()) {
                worker.abortIfIdle(System.nanoTime(), settings.idleTimeout().toNanos());
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            return stream(probe, worker, retries);
        } finally {
            finished.set(true);
            watchdog.cancel(true);
        }
    }

    private String stream(Probe first, Worker worker, Retries retries) {
        Probe probe = first;
        while (true) {
            checkStopDeleting();
            if (probe.wholeBody == null) {
                probe = reprobeWhole();
            }
            MessageDigest digest = Sha256.digest();
            try (FileChannel channel = settings.channels().open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING); RemoteAnswer answer = probe.wholeBody) {
                probe.wholeBody = null;
                BodyBuffers in = answer.body();
                worker.attach(in);
                Staging staging = worker.staging(channel, 0);
                long lastTick = System.nanoTime();
                ByteBuffer[] buffers;
                while ((buffers = in.next()).length > 0) {
                    for (ByteBuffer b : buffers) {
                        digest.update(b.duplicate());
                        staging.add(b, n -> { });
                    }
                    worker.touch();
                    long now = System.nanoTime();
                    if (now - lastTick >= 50_000_000L) {
                        lastTick = now;
                        worker.abortIfIdle(now, settings.idleTimeout().toNanos());
                        progress(staging.received(), probe.size, now, settings.progressInterval().toNanos());
                    }
                    checkStopDeleting();
                }
                staging.flush(n -> { });
                long position = staging.written();
                if (probe.size >= 0 && position != probe.size) {
                    throw new IOException("the connection broke off after " + position + " of " + probe.size
                            + " bytes");
                }
                channel.force(true);
                progress(position, position, System.nanoTime(), 0);
                return Sha256.hex(digest);
            } catch (IOException e) {
                checkStopDeleting();
                // Without ranges the only way on is from the start.
                retries.failed(e, 0);
            } finally {
                worker.detach();
            }
        }
    }

    private void checkStopDeleting() {
        if (stop) {
            deletePartial(target);
            throw new Stopped();
        }
    }

    // --- checks and moves ---

    private void checkSpace(long needed, long kept) {
        Path dir = partial.getParent();
        long usable;
        try {
            usable = settings.diskSpace().usableBytes(dir);
        } catch (IOException e) {
            LOG.warn("cannot tell the free space in {} ({}); downloading anyway", dir, e.getMessage());
            return;
        }
        if (usable < needed) {
            throw new StorageException(request.name() + " needs " + needed + " more bytes (" + human(needed) + ") in "
                    + dir + ", but only " + usable + " bytes (" + human(usable) + ") are free there"
                    + (kept > 0 ? "; the " + kept + " bytes already downloaded are kept" : "")
                    + ". Free " + human(needed - usable) + " or more, or download to another directory", null);
        }
    }

    private void validateGguf(long size) {
        try {
            GgufFile gguf = GgufFile.read(partial);
            long end = gguf.tensorDataOffset() + gguf.tensorDataSize();
            if (end > size) {
                throw new InvalidModelFileException(partial, "tensor data", gguf.tensorDataOffset(), "the tensors end at"
                        + " byte " + end + ", past the end of the " + size + "-byte file: it is truncated");
            }
        } catch (InvalidModelFileException e) {
            deletePartial(target);
            throw new InvalidModelFileException(target, "the download from " + label + " is not a valid GGUF file ("
                    + e.getMessage() + "); it was deleted and nothing was installed. Check that the address names a "
                    + ".gguf file", e);
        } catch (LocalLlmException e) {
            deletePartial(target);
            throw e;
        }
    }

    private void install() {
        try {
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
            deleteQuietly(record);
        } catch (IOException e) {
            throw new StorageException("cannot move the verified download " + partial + " to " + target + " ("
                    + e.getMessage() + "); check the permissions there, then download again (it resumes)", e);
        }
    }

    private void createParent() {
        try {
            Files.createDirectories(target.getParent());
        } catch (IOException e) {
            throw new StorageException("cannot create the directory " + target.getParent() + " (" + e.getMessage()
                    + "); check the path and its permissions", e);
        }
    }

    /** Deletes a target's partial file and record (not the lock, held by its download). Never throws. */
    static void deletePartial(Path target) {
        deleteQuietly(Downloader.partialFile(target));
        deleteQuietly(Downloader.recordFile(target));
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.getMessage());
        }
    }

    private void checkStop() {
        if (stop) {
            throw new Stopped();
        }
    }

    private void emit(String status, long done, long size) {
        double rate = meter.bytesPerSecond();
        downloader.emit(new ModelDownloadProgress(Instant.now(), request.name(), status, Math.max(0, done), size, rate,
                size < 0 ? Optional.empty() : meter.eta(size - done)));
    }

    private <T> T join(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new StorageException("cannot read back " + partial + " to hash it (" + cause.getMessage()
                    + "); check the disk and download again", cause);
        }
    }

    /** @return {first, last, total or -1} of a Content-Range, or null if it is not one */
    private static long[] contentRange(RemoteAnswer answer) {
        Matcher m = CONTENT_RANGE.matcher(answer.header("Content-Range").orElse("").strip());
        if (!m.matches()) {
            return null;
        }
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
            m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3))};
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String unquote(String etag) {
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new StorageException("cannot read " + file + " (" + e.getMessage() + ")", e);
        }
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    // --- failures in a row, waits ---

    /** Counts failures in a row without progress, and waits between attempts. */
    private final class Retries {
        private int failures;

        void progressed() {
            failures = 0;
        }

        void failed(IOException e, long at) {
            failures++;
            if (failures >= settings.attempts()) {
                throw new ModelDownloadException("downloading " + request.name() + " from " + label + " failed "
                        + failures + " times in a row at byte " + at + " (" + e.getMessage() + "); check the network "
                        + "and download again: " + (at > 0 || handle.completedBytes() > 0
                        ? "the partial download is kept and resumes" : "nothing was kept"), e);
            }
            LOG.debug("{}: attempt {} failed at byte {}: {}", request.name(), failures, at, e.toString());
            pause(backoff());
        }

        void status(LocalLlmException e, Optional<Duration> retryAfter) {
            failures++;
            if (failures >= settings.attempts()) {
                throw e;
            }
            Duration wait = retryAfter.orElse(backoff());
            if (wait.compareTo(settings.maxRetryWait()) > 0) {
                throw new ModelDownloadException(e.getMessage() + "; the server asks to wait " + wait.toSeconds()
                        + " s, longer than the " + settings.maxRetryWait().toSeconds() + " s allowed", e);
            }
            LOG.debug("{}: attempt {} answered {}; waiting {} ms", request.name(), failures, e.getMessage(),
                    wait.toMillis());
            pause(wait);
        }

        private Duration backoff() {
            long base = settings.backoff().toMillis() << Math.min(failures - 1, 16);
            long capped = Math.min(base, MAX_BACKOFF.toMillis());
            // Jitter keeps parallel chunks from hitting a recovering server in step.
            return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
        }

        private void pause(Duration d) {
            long end = System.nanoTime() + d.toNanos();
            while (System.nanoTime() < end) {
                checkStop();
                try {
                    Thread.sleep(Math.max(1, Math.min(50, (end - System.nanoTime()) / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Stopped();
                }
            }
        }
    }

    /** A connection's body as it is read: closed to stop it, or when it brings nothing for too long. */
    private final class Worker {
        private volatile InputStream in;
        private volatile long lastByte = System.nanoTime();
        private Staging staging;

        /** @return this connection's staging buffer, empty, writing to {@code channel} from {@code position} */
        Staging staging(FileChannel channel, long position) {
            if (staging == null) {
                staging = new Staging(ByteBuffer.allocateDirect(BUFFER));
            }
            return staging.at(channel, position);
        }

        void attach(InputStream stream) {
            lastByte = System.nanoTime();
            in = stream;
        }

        void detach() {
            in = null;
        }

        void touch() {
            lastByte = System.nanoTime();
        }

        void abortIfIdle(long now, long idleNanos) {
            if (in != null && now - lastByte > idleNanos) {
                LOG.debug("a connection brought no byte for {} ms; dropping it", idleNanos / 1_000_000);
                abort();
            }
        }

        void abort() {
            InputStream s = in;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    // Closing is all that is wanted; the reader sees the break.
                }
            }
        }
    }

    /** Pause or cancel: not a failure. */
    private static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super(null, null, false, false);
        }
    }

    /** The server answered a range with 200: the download goes on as one stream. */
    private static final class RangeIgnored extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RangeIgnored() {
            super(null, null, false, false);
        }
    }

    /** The remote file is no longer the one the partial file holds bytes of. */
    private static final class FileChanged extends ModelDownloadException {
        private static final long serialVersionUID = 1L;

        FileChanged(String message) {
            super(message);
        }
    }
}
