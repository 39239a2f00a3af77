package io.github.localllm.examples;

import io.github.localllm.registry.GgufVariant;
import io.github.localllm.registry.ModelFit;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** FindModel's table: one row per planned repository, with its variant's fit; a note under those that cannot run. */
final class CandidateTable {
    private static final String ROW = "  %-2s %-44s %10s  %-8s %9s  %-11s %4s %8s %6s%n";

    private CandidateTable() {
    }

    static void print(List<Candidate> candidates, PrintStream out) {
        out.printf(Locale.ROOT, ROW, "#", "repository", "downloads", "variant", "size", "fits", "GPU", "context",
                "tok/s");
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            String variant = c.variant().map(GgufVariant::label).orElse("-");
            String size = c.variant().map(v -> size(v.size())).orElse("-");
            String fits = c.fit().map(f -> f.runnable() ? f.compatibility().toLowerCase(Locale.ROOT) : "no").orElse("-");
            String gpu = c.fit().filter(ModelFit::runnable).map(f -> Integer.toString(f.gpuLayers())).orElse("-");
            String context = c.fit().filter(ModelFit::runnable).map(f -> Integer.toString(f.largestContext()))
                    .orElse("-");
            String speed = c.fit().filter(ModelFit::runnable).filter(f -> f.tokensPerSecond().isPresent())
                    .map(f -> String.format(Locale.ROOT, "%.0f", f.tokensPerSecond().getAsDouble())).orElse("-");
            out.printf(Locale.ROOT, ROW, i + 1, shorten(c.repository()),
                    c.downloads() > 0 ? String.format(Locale.ROOT, "%,d", c.downloads()) : "-", variant, size, fits, gpu,
                    context, speed);
            if (!c.note().isEmpty()) {
                out.println("     " + c.note());
            }
        }
    }

    /** @return a size for people: megabytes below a gigabyte, else gigabytes (decimal, as the Hub shows them) */
    static String size(long bytes) {
        if (bytes >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
        }
        return String.format(Locale.ROOT, bytes >= 100_000_000L ? "%.0f MB" : "%.1f MB", bytes / 1e6);
    }

    private static String shorten(String id) {
        return id.length() <= 44 ? id : id.substring(0, 43) + "~";
    }
}
