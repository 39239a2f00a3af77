package io.github.localllm.examples;

import io.github.localllm.LocalLlmException;
import io.github.localllm.gguf.GgufFile;
import io.github.localllm.gguf.GgufSource;
import io.github.localllm.hardware.CpuFeature;
import io.github.localllm.hardware.FitPlan;
import io.github.localllm.hardware.FitPlanner;
import io.github.localllm.hardware.FitRequest;
import io.github.localllm.hardware.GpuInfo;
import io.github.localllm.hardware.HardwareDetector;
import io.github.localllm.hardware.HardwareProfile;
import io.github.localllm.hardware.ModelCatalog;
import io.github.localllm.hardware.ModelTask;
import io.github.localllm.hardware.Reading;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * "Will this model run on my machine, and how should I load it?" Prints what the machine is and,
 * for a GGUF file or a GGUF download address, the load plan; with no argument, the catalog
 * model recommended for each task. Nothing is loaded or downloaded: a remote file's header is read
 * with HTTP range requests ({@code HF_TOKEN} is sent to huggingface.co, for gated models).
 *
 * <pre>
 * ./mvnw -q -pl examples -am package -DskipTests -Dwillitrun \
 *     -Dwillitrun.args="https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf 8192"
 * </pre>
 */
public final class WillItRun {
    private WillItRun() {
    }

    /** @param args a .gguf path or an http(s) address, and optionally a context size */
    public static void main(String[] args) {
        int code = run(args, System.getenv(), HardwareDetector.create(), System.out, System.err);
        if (code != 0) {
            // Thrown out of main, this ends the JVM with status 1, as any failing Java program does.
            throw new IllegalStateException("WillItRun ended with code " + code + " (1: the model does not run here,"
                    + " 2: bad input); see the report above");
        }
    }

    /**
     * @param args a .gguf path or an http(s) address, and optionally a context size; none for recommendations
     * @param env environment variables: {@code HF_TOKEN}, if set, is sent to huggingface.co for gated models
     * @param detector where the machine's description comes from
     * @param out where the report goes
     * @param err where problems go
     * @return the exit code: 0 when the model runs (or recommendations were printed), 1 when it does not, 2 on bad input
     */
    public static int run(String[] args, Map<String, String> env, HardwareDetector detector, PrintStream out,
                          PrintStream err) {
        HardwareProfile machine = detector.detect();
        printMachine(machine, out);
        try {
            if (args.length == 0) {
                printRecommendations(machine, out);
                return 0;
            }
            GgufFile header = args[0].startsWith("http://") || args[0].startsWith("https://")
                    ? readRemote(URI.create(args[0]), env)
                    : GgufFile.read(Path.of(args[0]));
            FitRequest.Builder request = FitRequest.builder(header);
            if (args.length > 1) {
                request.targetContext(Integer.parseInt(args[1]));
            }
            FitPlan plan = FitPlanner.plan(machine, request.build());
            printPlan(args[0], plan, out);
            return plan.runnable() ? 0 : 1;
        } catch (LocalLlmException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
    }

    private static GgufFile readRemote(URI uri, Map<String, String> env) {
        String token = env.get("HF_TOKEN");
        Map<String, String> headers = token != null && !token.isBlank() && "huggingface.co".equalsIgnoreCase(uri.getHost())
                ? Map.of("Authorization", "Bearer " + token.strip())
                : Map.of();
        try (GgufSource source = GgufSource.http(HttpClient.newHttpClient(), uri, headers, Duration.ofSeconds(30))) {
            return GgufFile.read(source);
        }
    }

    private static void printMachine(HardwareProfile m, PrintStream out) {
        out.println("Machine");
        out.printf("  %s %s (%s)%n", m.osName(), m.osVersion(), m.architecture());
        out.printf("  CPU   %s: %d cores, %d threads; %s%n", m.cpu().name(), m.cpu().physicalCores(),
                m.cpu().logicalCores(), m.cpu().features().isEmpty() ? "no SIMD extensions detected"
                        : m.cpu().features().stream().map(CpuFeature::name).collect(Collectors.joining(" ")));
        out.printf("  RAM   %s total, %s available%n", gb(m.memory().totalBytes()), gb(m.memory().availableBytes()));
        out.printf("  Disk  %s free at %s%n", gb(m.disk().freeBytes()), m.disk().directory());
        if (m.gpus().isEmpty()) {
            out.println("  GPU   none found");
        }
        for (GpuInfo gpu : m.gpus()) {
            out.printf("  GPU   %s %s: %s VRAM, %s free, %s%s%n", gpu.vendor(), gpu.name(), gb(gpu.totalVramBytes()),
                    gb(gpu.freeVramBytes()), gpu.acceleration(), gpu.unifiedMemory() ? ", unified memory" : "");
        }
    }

    private static void printPlan(String model, FitPlan plan, PrintStream out) {
        out.println();
        out.println("Plan for " + model);
        out.printf("  %s on %s: %s, %d GPU layers%n", plan.compatibility(), plan.engine().displayName(), plan.mode(),
                plan.gpuLayers());
        out.printf("  context %d (largest that fits: %d), KV cache %s%s%n", plan.contextSize(), plan.largestContext(),
                plan.kvCacheType(), plan.flashAttention() ? ", flash attention" : "");
        if (plan.memory() != null) {
            out.println("  memory: " + plan.memory().describe());
        }
        plan.speed().ifPresent(speed -> out.printf(Locale.ROOT, "  about %.0f tokens/s%s (%s)%n", speed.tokensPerSecond(),
                speed.calibrated() ? ", measured on this machine" : "", speed.basis()));
        plan.warnings().forEach(w -> out.println("  warning: " + w.message()));
        out.println();
        out.println(plan.explanation());
    }

    private static void printRecommendations(HardwareProfile machine, PrintStream out) {
        ModelCatalog catalog = ModelCatalog.defaultCatalog();
        out.println();
        out.println("Catalog of " + catalog.updated() + ", " + catalog.models().size() + " models");
        for (ModelTask task : ModelTask.values()) {
            out.println();
            out.println(task.name().toLowerCase(Locale.ROOT) + ": " + catalog.recommend(machine, task).explanation());
        }
    }

    private static String gb(Reading<Long> bytes) {
        return bytes.isKnown() ? String.format(Locale.ROOT, "%.1f GiB", bytes.value() / (double) (1L << 30)) : "unknown";
    }
}
