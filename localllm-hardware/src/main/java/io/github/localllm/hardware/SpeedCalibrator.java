package io.github.localllm.hardware;

import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.InsufficientResourcesException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.SamplingParameters;
import io.github.localllm.gguf.GgufFile;
import io.github.localllm.gguf.MemoryModel;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.ModelLoadRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Measures how fast an engine generates on this machine and records it in {@link SpeedCalibrations}, so
 * that later plans for the same processor, threads, engine build and quantization predict from a
 * measurement instead of assumptions. A calibration loads a GGUF file on the CPU (no GPU layers) with a
 * small context, generates a few tokens to warm up, then {@link Builder#runs runs} times
 * {@link Builder#tokens tokens} greedy tokens, and keeps the fastest run (other programs can only slow a
 * run down). The sample stores the measured speed beside what the uncalibrated speed model predicts for
 * the same file; their ratio corrects later predictions (see {@link SpeedModel}).
 *
 * <p>{@link #measureLlamaBench} measures with {@code llama-bench} instead, when it is installed beside a
 * {@code llama-server}: decoding alone, without the per-token work a server or the SDK adds (HTTP, the
 * sampler chain), so it reads faster than an engine generates (234 against 162 tokens/s for a 134M
 * Q4_K_M file on a 2-core machine). Measure the engine itself when it can run.
 *
 * <p>A busy machine gives speeds no later plan should rest on: a calibration refuses to run while the
 * system's load average exceeds {@link Builder#maxLoadPerProcessor} per processor.
 */
public final class SpeedCalibrator {
    private static final Logger LOG = LoggerFactory.getLogger(SpeedCalibrator.class);
    /** The context a calibration loads with: enough for the prompt and the tokens, cheap to allocate. */
    static final int CONTEXT = 512;
    private static final String PROMPT = "Once upon a time, in a small village by the sea, there lived";

    private final int tokens;
    private final int runs;
    private final double maxLoadPerProcessor;
    private final DoubleSupplier loadAverage;
    private final Clock clock;

    private SpeedCalibrator(Builder b) {
        this.tokens = b.tokens;
        this.runs = b.runs;
        this.maxLoadPerProcessor = b.maxLoadPerProcessor;
        this.loadAverage = b.loadAverage;
        this.clock = b.clock;
    }

    /** @return a builder: 64 tokens, 3 runs, at most 0.5 load per processor */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Measures {@code backend} generating from {@code model} and records the result in {@code store}.
     *
     * @param hardware this machine
     * @param engine the engine as plans describe it (its id and build key the sample)
     * @param backend the engine itself, which loads the file
     * @param model a GGUF file of the quantization to calibrate
     * @param store where the sample is kept
     * @return the recorded sample
     * @throws InsufficientResourcesException if the machine is too busy to measure
     * @throws InvalidRequestException if the model stops before generating enough tokens to time
     */
    public SpeedSample calibrate(HardwareProfile hardware, InferenceEngine engine, InferenceBackend backend,
                                 Path model, SpeedCalibrations store) {
        Objects.requireNonNull(backend, "backend");
        Expectation expected = expect(hardware, engine, model);
        checkIdle(hardware);
        double best = 0;
        int threads = hardware.cpu().generationThreads();
        LoadOptions options = LoadOptions.builder().contextSize(CONTEXT).threads(threads).gpuLayers(0).build();
        try (ModelInstance instance = backend.load(ModelLoadRequest.ofFile(model, options))) {
            instance.generate(request(4));
            for (int i = 0; i < runs; i++) {
                GenerationResult r = instance.generate(request(tokens));
                int generated = r.usage().completionTokens();
                if (generated < Math.min(tokens, 16)) {
                    throw new InvalidRequestException(model.getFileName() + " stopped after " + generated
                            + " tokens, too few to time; calibrate with a model that keeps generating (any"
                            + " instruction-tuned or base model does)");
                }
                best = Math.max(best, r.metrics().generationTokensPerSecond());
            }
        }
        String source = String.format(Locale.ROOT, "%s, fastest of %d runs of %d greedy tokens", engine.displayName(),
                runs, tokens);
        return record(store, expected, best, source);
    }

    /**
     * Measures decoding with {@code llama-bench} ({@code -p 0 -n tokens -r runs}) and records it for
     * {@code engine}, whose build should be the bench's.
     *
     * @param hardware this machine
     * @param engine the engine whose speed the bench stands for (a {@code llama-server} of the same build)
     * @param llamaBench the {@code llama-bench} executable
     * @param model a GGUF file of the quantization to calibrate
     * @param store where the sample is kept
     * @return the recorded sample
     * @throws InsufficientResourcesException if the machine is too busy to measure
     * @throws IllegalStateException if the bench fails or prints no result
     */
    public SpeedSample measureLlamaBench(HardwareProfile hardware, InferenceEngine engine, Path llamaBench, Path model,
                                         SpeedCalibrations store) {
        Expectation expected = expect(hardware, engine, model);
        checkIdle(hardware);
        int threads = hardware.cpu().generationThreads();
        List<String> command = List.of(llamaBench.toString(), "-m", model.toString(), "-t", Integer.toString(threads),
                "-p", "0", "-n", Integer.toString(tokens), "-r", Integer.toString(runs), "-o", "json");
        String output = run(command);
        double tps = benchTokensPerSecond(output);
        String source = String.format(Locale.ROOT, "llama-bench b%d, %d runs of %d tokens, decoding only",
                engine.build().number(), runs, tokens);
        return record(store, expected, tps, source);
    }

    /** The mean decode speed of the generation test in {@code llama-bench -o json} output. */
    static double benchTokensPerSecond(String json) {
        JsonNode root;
        try {
            root = JsonTrees.parse(json.substring(Math.max(0, json.indexOf('['))));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("llama-bench printed no JSON result: " + e.getMessage(), e);
        }
        for (JsonNode test : root) {
            JsonNode gen = test.get("n_gen");
            JsonNode tps = test.get("avg_ts");
            if (gen != null && gen.isIntegralNumber() && gen.longValue() > 0 && tps != null && tps.isNumber()) {
                return tps.doubleValue();
            }
        }
        throw new IllegalStateException("llama-bench's output has no generation test with avg_ts");
    }

    private SpeedSample record(SpeedCalibrations store, Expectation expected, double measured, String source) {
        if (!(measured > 0)) {
            throw new IllegalStateException("the engine reported no generation speed; it cannot be calibrated");
        }
        SpeedSample sample = new SpeedSample(expected.key(), expected.modelBytes(), measured, expected.predicted(),
                source, clock.instant());
        store.record(sample);
        LOG.info("speed calibration for {}: {} tokens/s measured, {} predicted", sample.key(),
                String.format(Locale.ROOT, "%.1f", measured), String.format(Locale.ROOT, "%.1f", expected.predicted()));
        return sample;
    }

    /** What the uncalibrated model predicts for the file on this CPU, and the key and size it is kept under. */
    private record Expectation(CalibrationKey key, long modelBytes, double predicted) {
    }

    private static Expectation expect(HardwareProfile hardware, InferenceEngine engine, Path model) {
        Objects.requireNonNull(hardware, "hardware");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(model, "model");
        MemoryModel memory = MemoryModel.of(GgufFile.read(model));
        // The measurement runs on the CPU, so the prediction it is compared with must too.
        HardwareProfile cpuOnly = new HardwareProfile(hardware.osName(), hardware.osVersion(), hardware.architecture(),
                hardware.cpu(), hardware.memory(), hardware.disk(), List.of(), hardware.detectedAt());
        int context = (int) Math.min(CONTEXT, memory.trainedContextLength().orElse(CONTEXT));
        FitPlan plan = FitPlanner.plan(cpuOnly, FitRequest.builder(memory).targetContext(context).engine(engine)
                .calibrations(SpeedCalibrations.none()).build());
        SpeedPrediction speed = plan.speed().orElseThrow(() -> new InvalidRequestException(model.getFileName()
                + " does not run on this machine's CPU (" + plan.explanation() + "), so its speed cannot be measured"));
        CalibrationKey key = CalibrationKey.of(hardware.cpu(), hardware.cpu().generationThreads(), engine,
                memory.weightFormat());
        return new Expectation(key, memory.totalWeightBytes(), speed.estimatedTokensPerSecond());
    }

    private void checkIdle(HardwareProfile hardware) {
        double load = loadAverage.getAsDouble();
        int processors = hardware.cpu().availableProcessors();
        if (load >= 0 && load > maxLoadPerProcessor * processors) {
            throw new InsufficientResourcesException(String.format(Locale.ROOT, "the machine is busy (load average"
                    + " %.1f on %d processors): a speed measured now would hold every later plan to it; calibrate"
                    + " when it is idle", load, processors));
        }
    }

    private GenerationRequest request(int n) {
        return GenerationRequest.builder().prompt(PROMPT).raw(true).maxTokens(n).sampling(SamplingParameters.greedy())
                .build();
    }

    private static String run(List<String> command) {
        try {
            Path out = Files.createTempFile("llama-bench", ".json");
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(false).redirectOutput(out.toFile())
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(command.get(0) + " did not finish in 10 minutes");
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException(command.get(0) + " failed with exit code " + p.exitValue());
                }
                return Files.readString(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + command.get(0) + " ran", e);
        }
    }

    /** Builds a {@link SpeedCalibrator}. */
    public static final class Builder {
        private int tokens = 64;
        private int runs = 3;
        private double maxLoadPerProcessor = 0.5;
        private DoubleSupplier loadAverage = () -> ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** @param n greedy tokens per timed run, at least 16 @return this builder */
        public Builder tokens(int n) {
            if (n < 16) {
                throw new IllegalArgumentException("at least 16 tokens are needed to time generation, got " + n);
            }
            this.tokens = n;
            return this;
        }

        /** @param n timed runs, the fastest kept @return this builder */
        public Builder runs(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("at least one run, got " + n);
            }
            this.runs = n;
            return this;
        }

        /**
         * @param load the system load average per processor above which the machine counts as busy;
         *        {@link Double#POSITIVE_INFINITY} measures whatever the load
         * @return this builder
         */
        public Builder maxLoadPerProcessor(double load) {
            if (!(load > 0)) {
                throw new IllegalArgumentException("the load limit must be positive, got " + load);
            }
            this.maxLoadPerProcessor = load;
            return this;
        }

        /** For tests: where the load average comes from (negative: unknown, never busy). */
        Builder loadAverage(DoubleSupplier source) {
            this.loadAverage = Objects.requireNonNull(source, "source");
            return this;
        }

        /** For tests: the clock samples are stamped with. */
        Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /** @return the calibrator */
        public SpeedCalibrator build() {
            return new SpeedCalibrator(this);
        }
    }

    /** @return this calibrator's settings, for logs */
    @Override
    public String toString() {
        return "SpeedCalibrator[" + runs + " runs of " + tokens + " tokens, busy above " + maxLoadPerProcessor
                + " load per processor]";
    }
}
