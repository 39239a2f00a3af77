package io.github.localllm.backend.llamaserver.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a process the way a server should be stopped: asked first ({@code SIGTERM}, on which
 * llama-server finishes its requests' slots and frees its memory), killed ({@code SIGKILL}) if it
 * still runs after a grace period.
 */
public final class Stopper {
    private static final Logger LOG = LoggerFactory.getLogger(Stopper.class);
    /** After a kill the process ends at once; this only bounds the wait for the system to say so. */
    private static final long KILLED_WAIT_MILLIS = 5000;

    private Stopper() {
    }

    /**
     * @param process the process
     * @param graceMillis how long it gets to stop by itself
     * @return whether it has ended
     */
    public static boolean stop(ProcessHandle process, long graceMillis) {
        if (process.isAlive()) {
            process.destroy();
        }
        return awaitOrKill(process, graceMillis);
    }

    /**
     * Waits for a process asked to stop, and kills it if it has not ended after {@code graceMillis}.
     *
     * @return whether it has ended
     */
    static boolean awaitOrKill(ProcessHandle process, long graceMillis) {
        if (awaitExit(process, graceMillis)) {
            return true;
        }
        LOG.debug("pid {} still runs {} ms after being asked to stop; killing it", process.pid(), graceMillis);
        process.destroyForcibly();
        if (awaitExit(process, KILLED_WAIT_MILLIS)) {
            return true;
        }
        LOG.warn("pid {} did not end within {} ms of being killed", process.pid(), KILLED_WAIT_MILLIS);
        return false;
    }

    /** @return whether the process ended within {@code millis} */
    static boolean awaitExit(ProcessHandle process, long millis) {
        if (ProcessHandle.current().children().anyMatch(c -> c.pid() == process.pid())) {
            // The JDK reaps its own children and completes onExit at once.
            try {
                process.onExit().get(Math.max(1, millis), TimeUnit.MILLISECONDS);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !process.isAlive();
            } catch (ExecutionException | TimeoutException e) {
                return !process.isAlive();
            }
        }
        // Another JVM's orphan: the JDK polls it every 300 ms and more, and its end shows only once the
        // system's init process has reaped it, which may take seconds; a zombie has ended already.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(1, millis));
        while (isRunning(process)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !isRunning(process);
            }
        }
        return true;
    }

    /**
     * @param process a process
     * @return whether it runs: alive, and not a zombie (ended, waiting for its parent to collect its status)
     */
    public static boolean isRunning(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        try {
            String text = Files.readString(stat, StandardCharsets.ISO_8859_1);
            // pid (comm) state ...: the command may hold spaces and parentheses, the state follows the last ')'.
            int end = text.lastIndexOf(')');
            return end < 0 || end + 2 >= text.length() || text.charAt(end + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return process.isAlive(); // not Linux, or it has just ended
        }
    }
}
