package io.github.localllm.backend.llamacpp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a program that used the binding end like any other Java program: when {@code main} returns,
 * status 0; when it throws, its stack trace and status 1; while another non-daemon thread of the
 * program runs, the JVM waits for it.
 *
 * <p>Why it is needed: {@code de.kherud:llama} 4.2.0 starts llama.cpp's task loop for every model on
 * a {@code std::thread} and attaches it to the JVM with {@code AttachCurrentThread}, which makes a
 * non-daemon {@code java.lang.Thread} ("Thread-N", no Java frames), and never detaches it: not when
 * the loop ends on {@code LlamaModel.close()}, where the OS thread exits but the JVM keeps counting
 * it. The {@code java} launcher ends the JVM through {@code DestroyJavaVM}, which waits for every
 * non-daemon thread, so it waits forever. No Java API can help: {@code setDaemon} refuses a live
 * thread, and an attached thread does not inherit the daemon status of the thread that loaded the
 * model (measured: loading on a daemon thread, or closing the model, still hangs).
 *
 * <p>So a daemon thread stands in for {@code DestroyJavaVM}'s wait: once {@code main} has ended,
 * the launcher waits in {@code DestroyJavaVM} and no non-daemon thread is left but the binding's,
 * it ends the JVM through {@link Runtime#exit(int)} (shutdown hooks run as usual) with the status the
 * launcher would have used. A JVM embedded by a host that never calls {@code DestroyJavaVM} is never
 * ended by it, and a program that calls {@code System.exit} itself is unaffected.
 */
final class JvmExitWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(JvmExitWatcher.class);
    /** The name HotSpot gives the thread that runs {@code DestroyJavaVM} for the launcher. */
    private static final String DESTROY_JAVA_VM = "DestroyJavaVM";
    private static final long MAX_POLL_MILLIS = 200;
    private static final long ATTACH_WAIT_NANOS = 10_000_000_000L;

    private static final Object LOADING = new Object();
    /** Threads the binding attached; guarded by the class. */
    private static final Set<Thread> BINDING_THREADS = new HashSet<>();
    private static Thread watcher;
    private static volatile boolean mainThrew;

    private JvmExitWatcher() {
    }

    /**
     * Runs a native load and adopts the threads it attached to the JVM.
     *
     * @param load creates a {@code LlamaModel}
     * @return what {@code load} returned
     */
    static <T> T track(Supplier<T> load) {
        // One load at a time, so that the threads that appear during a load are that load's.
        synchronized (LOADING) {
            return trackLocked(load);
        }
    }

    private static <T> T trackLocked(Supplier<T> load) {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        T result = load.get();
        // The loop thread attaches itself after the load has returned: on a busy machine, some
        // milliseconds later (seen with six JVMs starting at once on two cores).
        long deadline = System.nanoTime() + ATTACH_WAIT_NANOS;
        long pause = 1;
        List<Thread> attached = attachedSince(before);
        while (attached.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            pause = Math.min(MAX_POLL_MILLIS, pause * 2);
            attached = attachedSince(before);
        }
        if (attached.isEmpty()) {
            LOG.warn("llama.cpp's task thread did not attach to the JVM within {} s of loading; if the program does"
                    + " not end after main, end it with System.exit", ATTACH_WAIT_NANOS / 1_000_000_000L);
        } else {
            adopt(attached);
        }
        return result;
    }

    private static List<Thread> attachedSince(Set<Thread> before) {
        List<Thread> attached = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(t) && attachedByNativeCode(t)) {
                attached.add(t);
            }
        }
        return attached;
    }

    private static synchronized void adopt(List<Thread> attached) {
        BINDING_THREADS.addAll(attached);
        LOG.debug("llama.cpp attached {} to the JVM as non-daemon; the JVM exit watcher stands in for them", attached);
        if (watcher == null) {
            Thread main = mainThread();
            if (main != null) {
                // Delegating to the previous handler (the thread group when none was set) keeps
                // the launcher's printing of the stack trace exactly as it was.
                Thread.UncaughtExceptionHandler previous = main.getUncaughtExceptionHandler();
                main.setUncaughtExceptionHandler((thread, error) -> {
                    mainThrew = true;
                    previous.uncaughtException(thread, error);
                });
            }
            watcher = new Thread(() -> watch(main), "localllm-jvm-exit");
            watcher.setDaemon(true);
            watcher.start();
        }
    }

    /** A thread native code attached: a plain {@code Thread} the JVM named, running no Java code. */
    private static boolean attachedByNativeCode(Thread t) {
        return t.isAlive() && !t.isDaemon() && t.getClass() == Thread.class && t.getName().startsWith("Thread-")
                && t.getStackTrace().length == 0;
    }

    private static Thread mainThread() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("main") && t.getThreadGroup() != null
                    && t.getThreadGroup().getName().equals("main")) {
                return t;
            }
        }
        return null;
    }

    private static void watch(Thread main) {
        try {
            if (main != null) {
                main.join();
            }
            long poll = 1;
            while (true) {
                Thread blocker = firstBlocker();
                if (blocker != null) {
                    blocker.join();
                    continue;
                }
                if (!destroyJavaVmWaiting()) {
                    // The launcher detaches main before it calls DestroyJavaVM: a short gap. A host
                    // that embeds the JVM may never call it; then the JVM is not ours to end.
                    Thread.sleep(poll);
                    poll = Math.min(MAX_POLL_MILLIS, poll * 2);
                    continue;
                }
                int status = mainThrew ? 1 : 0;
                LOG.debug("main has ended and only llama.cpp's attached threads keep the JVM alive; exiting with"
                        + " status {}", status);
                Runtime.getRuntime().exit(status);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return a live non-daemon thread that is neither the binding's nor the launcher's, or {@code null} */
    private static Thread firstBlocker() {
        Set<Thread> binding;
        synchronized (JvmExitWatcher.class) {
            binding = Set.copyOf(BINDING_THREADS);
        }
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t == Thread.currentThread() || t.isDaemon() || !t.isAlive() || t.getName().equals(DESTROY_JAVA_VM)) {
                continue;
            }
            // A thread that runs Java code is never the binding's idle loop, whatever its name.
            if (binding.contains(t) && t.getStackTrace().length == 0) {
                continue;
            }
            return t;
        }
        return null;
    }

    private static boolean destroyJavaVmWaiting() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(DESTROY_JAVA_VM) && !t.isDaemon() && t.isAlive()) {
                return true;
            }
        }
        return false;
    }
}
