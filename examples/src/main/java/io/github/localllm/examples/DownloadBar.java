package io.github.localllm.examples;

import io.github.localllm.event.LocalLlmEvent;
import io.github.localllm.event.LocalLlmEventListener;
import io.github.localllm.event.ModelDownloadProgress;
import java.io.PrintStream;
import java.util.Locale;

/** Draws the model store's download progress as one console line that redraws itself. */
final class DownloadBar implements LocalLlmEventListener {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private boolean drawn;

    DownloadBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void onEvent(LocalLlmEvent event) {
        if (!(event instanceof ModelDownloadProgress p)) {
            return;
        }
        out.print("\r" + line(p));
        drawn = true;
        if (p.status().equals("done")) {
            out.println();
            drawn = false;
        }
        out.flush();
    }

    /** Ends a bar left open by a download that failed. */
    synchronized void end() {
        if (drawn) {
            out.println();
            drawn = false;
        }
    }

    static String line(ModelDownloadProgress p) {
        double f = p.fraction();
        int filled = f < 0 ? 0 : (int) Math.round(f * WIDTH);
        String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
        String amount = p.totalBytes() > 0
                ? String.format(Locale.ROOT, "%5.1f%% %,.1f/%,.1f MB", f * 100, p.completedBytes() / 1e6, p.totalBytes() / 1e6)
                : String.format(Locale.ROOT, "%,.1f MB", p.completedBytes() / 1e6);
        String rate = p.bytesPerSecond() > 0 ? String.format(Locale.ROOT, " %.1f MB/s", p.bytesPerSecond() / 1e6) : "";
        String eta = p.eta().map(d -> String.format(Locale.ROOT, " ETA %d:%02d", d.toMinutes(), d.toSecondsPart()))
                .orElse("");
        return String.format(Locale.ROOT, "  %-11s [%s] %s%s%s   ", p.status(), bar, amount, rate, eta);
    }
}
