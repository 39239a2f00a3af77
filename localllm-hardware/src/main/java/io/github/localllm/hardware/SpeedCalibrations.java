package io.github.localllm.hardware;

import io.github.localllm.config.LocalLlmConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generation speeds measured on this machine ({@link SpeedCalibrator}), kept in a small JSON file so that
 * later plans predict from them: by default {@code ~/.localllm/calibration.json}, or the file the
 * configuration key {@value #CONFIG_KEY} names ({@code localllm.calibration.file},
 * {@code LOCALLLM_CALIBRATION_FILE}). Samples are kept per {@link CalibrationKey}, one per model size
 * (a new sample replaces one of the same key within a factor of two of its size), at most
 * {@value #MAX_PER_KEY} per key, newest kept.
 *
 * <pre>{@code
 * {"version": 1, "samples": [{"cpu": "Intel(R) Xeon(R) Processor", "threads": 2, "engine": "llamaserver",
 *   "build": 10470, "quantization": "Q4_K_M", "modelBytes": 85320224, "tokensPerSecond": 162.0,
 *   "predictedTokensPerSecond": 170.1, "source": "...", "measuredAt": "2026-11-30T15:00:00Z"}]}
 * }</pre>
 *
 * <p>A file that cannot be read as this format is not fatal: it is reported once, the store starts
 * empty, and the next {@link #record} moves the damaged file aside ({@code .corrupt}) before writing.
 * A sample with a missing or impossible field is skipped with a warning; the others are kept. Writes go
 * to a temporary file moved into place, so a reader never sees half a file. Thread-safe.
 */
public final class SpeedCalibrations {
    /** The configuration key naming the calibration file. */
    public static final String CONFIG_KEY = "calibration.file";
    /** The format version this SDK reads and writes. */
    public static final int VERSION = 1;
    /** Samples kept per key. */
    public static final int MAX_PER_KEY = 4;
    /** The file used when the configuration names none. */
    public static final Path DEFAULT_FILE = Path.of(System.getProperty("user.home", "."), ".localllm",
            "calibration.json");

    private static final Logger LOG = LoggerFactory.getLogger(SpeedCalibrations.class);
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final SpeedCalibrations NONE = new SpeedCalibrations(null, List.of(), false);
    private static final Map<Path, SpeedCalibrations> BY_FILE = new ConcurrentHashMap<>();

    private final Path file;
    private final List<SpeedSample> samples;
    private boolean damaged;

    private SpeedCalibrations(Path file, List<SpeedSample> samples, boolean damaged) {
        this.file = file;
        this.samples = new ArrayList<>(samples);
        this.damaged = damaged;
    }

    /** @return a store with no samples that keeps nothing: plans use the uncalibrated model */
    public static SpeedCalibrations none() {
        return NONE;
    }

    /** @return an empty store in memory only, for programs and tests that calibrate without a file */
    public static SpeedCalibrations inMemory() {
        return new SpeedCalibrations(null, List.of(), false);
    }

    /**
     * @param file a calibration file; it need not exist yet
     * @return its samples; empty (with a warning) if the file is damaged
     */
    public static SpeedCalibrations load(Path file) {
        Objects.requireNonNull(file, "file");
        Path path = file.toAbsolutePath().normalize();
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new SpeedCalibrations(path, List.of(), false);
        } catch (IOException e) {
            LOG.warn("speed calibrations in {} cannot be read ({}); plans use the uncalibrated speed model", path,
                    e.getMessage());
            return new SpeedCalibrations(path, List.of(), false);
        }
        try {
            return new SpeedCalibrations(path, parse(text, path), false);
        } catch (IllegalArgumentException e) {
            LOG.warn("speed calibrations in {} are damaged ({}); ignoring them, the file will be moved to {}.corrupt"
                    + " when the next measurement is recorded", path, e.getMessage(), path.getFileName());
            return new SpeedCalibrations(path, List.of(), true);
        }
    }

    /**
     * The store this configuration names, read once per file and shared, so that what one plan's
     * calibration recorded is what the next plan sees.
     *
     * @param config the effective configuration
     * @return the store of {@value #CONFIG_KEY}, else of {@link #DEFAULT_FILE}
     */
    public static SpeedCalibrations forConfig(LocalLlmConfig config) {
        Path file = config.get(CONFIG_KEY).map(String::strip).filter(s -> !s.isEmpty()).map(Path::of)
                .orElse(DEFAULT_FILE).toAbsolutePath().normalize();
        return BY_FILE.computeIfAbsent(file, SpeedCalibrations::load);
    }

    /**
     * @return the user's store: {@link #forConfig} of the configuration from system properties, environment
     *         and files, as it was when first asked for in this JVM
     */
    public static SpeedCalibrations user() {
        return UserHolder.STORE;
    }

    /** Reads the configuration once, when the user's store is first needed. */
    private static final class UserHolder {
        static final SpeedCalibrations STORE = userStore();

        private static SpeedCalibrations userStore() {
            LocalLlmConfig config;
            try {
                config = LocalLlmConfig.load(Map.of(), Map.of());
            } catch (RuntimeException e) {
                // A broken configuration file is reported where it is used; plans still need a store.
                LOG.warn("the configuration cannot be read ({}); speed calibrations are read from {}", e.getMessage(),
                        DEFAULT_FILE);
                config = LocalLlmConfig.empty();
            }
            return forConfig(config);
        }
    }

    /** @return the file this store keeps its samples in, if any */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** @return every sample, oldest first */
    public synchronized List<SpeedSample> samples() {
        return List.copyOf(samples);
    }

    /**
     * @param key what a prediction is for
     * @param modelBytes the predicted model's file size
     * @return the sample of that key whose model size is nearest (by ratio), if any
     */
    public synchronized Optional<SpeedSample> nearest(CalibrationKey key, long modelBytes) {
        Objects.requireNonNull(key, "key");
        double size = Math.max(1, modelBytes);
        return samples.stream().filter(s -> s.key().equals(key))
                .min(Comparator.comparingDouble(s -> Math.abs(Math.log(s.modelBytes() / size))));
    }

    /**
     * Keeps a sample (replacing one of the same key and a similar model size) and writes the file.
     *
     * @param sample the measurement
     * @throws UncheckedIOException if the file cannot be written
     */
    public synchronized void record(SpeedSample sample) {
        Objects.requireNonNull(sample, "sample");
        if (this == NONE) {
            throw new IllegalStateException("SpeedCalibrations.none() keeps no samples; use inMemory() or a file");
        }
        samples.removeIf(s -> s.key().equals(sample.key())
                && Math.abs(Math.log((double) s.modelBytes() / sample.modelBytes())) < Math.log(2));
        samples.add(sample);
        List<SpeedSample> sameKey = samples.stream().filter(s -> s.key().equals(sample.key()))
                .sorted(Comparator.comparing(SpeedSample::measuredAt)).toList();
        for (int i = 0; i < sameKey.size() - MAX_PER_KEY; i++) {
            samples.remove(sameKey.get(i));
        }
        if (file != null) {
            write();
        }
    }

    private void write() {
        try {
            Files.createDirectories(file.getParent());
            if (damaged && Files.exists(file)) {
                Files.move(file, file.resolveSibling(file.getFileName() + ".corrupt"), StandardCopyOption.REPLACE_EXISTING);
            }
            damaged = false;
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            try {
                Files.writeString(tmp, format(samples), StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write speed calibrations to " + file + ": " + e.getMessage(), e);
        }
    }

    static String format(List<SpeedSample> samples) {
        ObjectNode root = MAPPER.createObjectNode().put("version", VERSION);
        ArrayNode list = root.putArray("samples");
        for (SpeedSample s : samples) {
            CalibrationKey k = s.key();
            list.addObject().put("cpu", k.cpu()).put("threads", k.threads()).put("engine", k.engine())
                    .put("build", k.build()).put("quantization", k.quantization()).put("modelBytes", s.modelBytes())
                    .put("tokensPerSecond", s.tokensPerSecond())
                    .put("predictedTokensPerSecond", s.predictedTokensPerSecond()).put("source", s.source())
                    .put("measuredAt", s.measuredAt().toString());
        }
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }

    /** @throws IllegalArgumentException if the document is not this format; bad samples are only skipped */
    static List<SpeedSample> parse(String text, Path source) {
        JsonNode root = JsonTrees.parse(text);
        if (!root.isObject()) {
            throw new IllegalArgumentException("the document is " + JsonTrees.describe(root) + ", not an object");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isIntegralNumber() || version.intValue() != VERSION) {
            throw new IllegalArgumentException("'version' is " + JsonTrees.describe(version) + "; this SDK reads version "
                    + VERSION);
        }
        JsonNode list = root.get("samples");
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException("'samples' is " + JsonTrees.describe(list) + ", not an array");
        }
        List<SpeedSample> samples = new ArrayList<>();
        int index = 0;
        for (JsonNode s : list) {
            try {
                samples.add(sample(s));
            } catch (IllegalArgumentException | DateTimeParseException e) {
                LOG.warn("skipping speed calibration sample {} in {}: {}", index, source, e.getMessage());
            }
            index++;
        }
        return samples;
    }

    private static SpeedSample sample(JsonNode s) {
        if (!s.isObject()) {
            throw new IllegalArgumentException("it is " + JsonTrees.describe(s) + ", not an object");
        }
        CalibrationKey key = new CalibrationKey(text(s, "cpu"), (int) whole(s, "threads"), text(s, "engine"),
                (int) whole(s, "build"), text(s, "quantization"));
        return new SpeedSample(key, whole(s, "modelBytes"), number(s, "tokensPerSecond"),
                number(s, "predictedTokensPerSecond"), text(s, "source"), Instant.parse(text(s, "measuredAt")));
    }

    private static String text(JsonNode s, String name) {
        JsonNode v = s.get(name);
        if (v == null || !v.isString()) {
            throw new IllegalArgumentException("'" + name + "' is " + JsonTrees.describe(v) + ", not a string");
        }
        return v.stringValue();
    }

    private static long whole(JsonNode s, String name) {
        JsonNode v = s.get(name);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() > Integer.MAX_VALUE
                && !name.equals("modelBytes")) {
            throw new IllegalArgumentException("'" + name + "' is " + JsonTrees.describe(v) + ", not a whole number");
        }
        return v.longValue();
    }

    private static double number(JsonNode s, String name) {
        JsonNode v = s.get(name);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException("'" + name + "' is " + JsonTrees.describe(v) + ", not a number");
        }
        return v.doubleValue();
    }

    @Override
    public synchronized String toString() {
        return "SpeedCalibrations[" + (file == null ? "in memory" : file) + ", " + samples.size() + " samples]";
    }
}
