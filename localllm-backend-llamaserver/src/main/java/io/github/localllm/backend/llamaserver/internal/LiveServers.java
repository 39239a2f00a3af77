package io.github.localllm.backend.llamaserver.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The servers this JVM runs, stopped by one shutdown hook when the JVM exits normally (main returned,
 * {@code System.exit}, Ctrl-C, SIGTERM): each is asked to stop at once, and those still running
 * after a short grace are killed, so no server outlives its JVM. A JVM killed outright leaves its
 * {@link ServerRecords records}, and the next start reaps its servers.
 */
final class LiveServers {
    /** A shutdown hook should be quick: the JVM waits for it. */
    private static final long HOOK_GRACE_MILLIS = 3000;
    private static final Set<ServerProcess> RUNNING = ConcurrentHashMap.newKeySet();
    private static volatile boolean hooked;

    private LiveServers() {
    }

    static void add(ServerProcess server) {
        if (!hooked) {
            hook();
        }
        RUNNING.add(server);
    }

    static void remove(ServerProcess server) {
        RUNNING.remove(server);
    }

    /** @return the servers running now, for tests */
    static List<ServerProcess> running() {
        return new ArrayList<>(RUNNING);
    }

    private static synchronized void hook() {
        if (hooked) {
            return;
        }
        Thread hook = new Thread(LiveServers::stopAll, "llama-server-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        hooked = true;
    }

    private static void stopAll() {
        List<ServerProcess> all = new ArrayList<>(RUNNING);
        for (ServerProcess s : all) {
            s.signalStop();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HOOK_GRACE_MILLIS);
        for (ServerProcess s : all) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            s.awaitOrKill(Math.max(1, left));
        }
    }
}
