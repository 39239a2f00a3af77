package io.github.localllm.backend.llamaserver.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file per running server in the state directory: its pid and start time, and those of the JVM
 * that started it. A JVM killed with {@code kill -9} runs no shutdown hook, and its servers live on;
 * the next start in any JVM {@link #reap reaps} them: a server whose JVM is gone, and that is still
 * the process the record names (same pid, same start time), is stopped. Records of live JVMs are
 * left alone, so JVMs sharing the directory never stop each other's servers.
 */
public final class ServerRecords {
    private static final Logger LOG = LoggerFactory.getLogger(ServerRecords.class);
    private static final String PREFIX = "llama-server-";
    private static final String SUFFIX = ".properties";
    /** Start times are read from the OS; allow for the boot time it derives them from moving slightly. */
    private static final long START_TOLERANCE_MILLIS = 2000;

    private ServerRecords() {
    }

    /**
     * Records a started server.
     *
     * @param stateDir the state directory, made if missing
     * @param server the server's process
     * @param binary its executable
     * @param model the model it serves
     * @param port its port
     * @return the record, to {@link #delete} once the server has stopped; empty if it could not be written
     */
    public static Optional<Path> write(Path stateDir, ProcessHandle server, Path binary, Path model, int port) {
        ProcessHandle owner = ProcessHandle.current();
        Properties p = new Properties();
        p.setProperty("server.pid", Long.toString(server.pid()));
        p.setProperty("server.start", Long.toString(startMillis(server)));
        p.setProperty("owner.pid", Long.toString(owner.pid()));
        p.setProperty("owner.start", Long.toString(startMillis(owner)));
        p.setProperty("binary", binary.toString());
        p.setProperty("model", model.toString());
        p.setProperty("port", Integer.toString(port));
        Path file = stateDir.resolve(PREFIX + server.pid() + SUFFIX);
        try {
            Files.createDirectories(stateDir);
            Path tmp = Files.createTempFile(stateDir, PREFIX, ".tmp");
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(out, "a llama-server started by localllm; removed when it stops");
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return Optional.of(file);
        } catch (IOException e) {
            // Only reaping after a kill -9 needs the record; the server itself runs fine without it.
            LOG.warn("could not record llama-server pid {} in {} ({}); if this JVM is killed, stop that server"
                    + " yourself", server.pid(), stateDir, e.toString());
            return Optional.empty();
        }
    }

    /** @param record a record {@link #write} made; nothing happens for {@code null} */
    public static void delete(Path record) {
        if (record == null) {
            return;
        }
        try {
            Files.deleteIfExists(record);
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", record, e.toString());
        }
    }

    /**
     * Stops the servers of JVMs that ended without stopping them, and forgets the records of servers
     * that are gone.
     *
     * @param stateDir the state directory; nothing happens if it does not exist
     * @param grace how long a server gets to stop before it is killed
     * @return how many servers were stopped
     */
    public static int reap(Path stateDir, java.time.Duration grace) {
        if (!Files.isDirectory(stateDir)) {
            return 0;
        }
        int reaped = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(stateDir, PREFIX + "*" + SUFFIX)) {
            for (Path file : files) {
                if (reapOne(file, grace)) {
                    reaped++;
                }
            }
        } catch (IOException e) {
            LOG.debug("could not read the server records in {}: {}", stateDir, e.toString());
        }
        return reaped;
    }

    private static boolean reapOne(Path file, java.time.Duration grace) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            LOG.debug("{} is not a server record ({}); removed", file, e.toString());
            delete(file);
            return false;
        }
        long ownerPid = number(p, "owner.pid");
        long serverPid = number(p, "server.pid");
        if (ownerPid <= 0 || serverPid <= 0) {
            delete(file);
            return false;
        }
        if (ProcessHandle.of(ownerPid).filter(h -> isSame(h, number(p, "owner.start"), null)).isPresent()) {
            return false; // its JVM runs and stops it itself
        }
        String binary = p.getProperty("binary", "");
        Optional<ProcessHandle> server = ProcessHandle.of(serverPid)
                .filter(h -> isSame(h, number(p, "server.start"), binary));
        boolean reaped = false;
        if (server.isPresent()) {
            ProcessHandle h = server.get();
            LOG.warn("stopping llama-server pid {} (model {}, port {}): the JVM that started it (pid {}) ended"
                    + " without stopping it", serverPid, p.getProperty("model"), p.getProperty("port"), ownerPid);
            long start = System.nanoTime();
            boolean ended = Stopper.stop(h, grace.toMillis());
            LOG.debug("llama-server pid {} {} after {} ms", serverPid, ended ? "ended" : "still runs",
                    (System.nanoTime() - start) / 1_000_000);
            reaped = true;
        }
        delete(file);
        return reaped;
    }

    /** Whether a live process is the one recorded: same start time, or (without one) the same executable. */
    private static boolean isSame(ProcessHandle h, long recordedStart, String binary) {
        if (!Stopper.isRunning(h)) {
            return false;
        }
        Optional<Instant> start = h.info().startInstant();
        if (recordedStart > 0 && start.isPresent()) {
            return Math.abs(start.get().toEpochMilli() - recordedStart) <= START_TOLERANCE_MILLIS;
        }
        if (binary == null) {
            return true; // an owner whose identity cannot be checked is taken as alive: never stop a live JVM's server
        }
        Optional<String> command = h.info().command();
        return command.isPresent() && Path.of(command.get()).getFileName().equals(Path.of(binary).getFileName());
    }

    private static long number(Properties p, String key) {
        try {
            return Long.parseLong(p.getProperty(key, "-1").strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long startMillis(ProcessHandle h) {
        return h.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    }
}
