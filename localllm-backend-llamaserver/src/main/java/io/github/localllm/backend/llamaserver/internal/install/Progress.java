package io.github.localllm.backend.llamaserver.internal.install;

import io.github.localllm.event.EngineInstallProgress;
import io.github.localllm.event.LocalLlmEventListener;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports one installation's steps as {@link EngineInstallProgress} events: each step, and download
 * progress at most every percent or MiB, whichever comes later, so that a listener is not called
 * for every buffer. A listener that throws is logged and otherwise ignored.
 */
final class Progress {
    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
    private static final long STEP_BYTES = 1L << 20;

    private final LocalLlmEventListener listener;
    private final String version;
    private final String variant;
    private long lastReported = -1;

    Progress(LocalLlmEventListener listener, String version, String variant) {
        this.listener = listener;
        this.version = version;
        this.variant = variant;
    }

    /** Reports a step. */
    void step(String status, long completed, long total) {
        lastReported = completed;
        emit(status, completed, total);
    }

    /** Reports download progress if enough happened since the last report, and always the end. */
    void downloaded(String status, long completed, long total) {
        long step = Math.max(STEP_BYTES, total / 100);
        if (lastReported < 0 || completed - lastReported >= step || completed == total) {
            lastReported = completed;
            emit(status, completed, total);
        }
    }

    private void emit(String status, long completed, long total) {
        try {
            listener.onEvent(new EngineInstallProgress(Instant.now(), "llamaserver", version, variant, status, completed,
                    total));
        } catch (RuntimeException e) {
            LOG.warn("an event listener failed on installation progress ({}); ignored", e.toString());
        }
    }
}
