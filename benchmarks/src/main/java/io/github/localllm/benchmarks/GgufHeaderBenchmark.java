package io.github.localllm.benchmarks;

import io.github.localllm.gguf.GgufFile;
import io.github.localllm.gguf.SyntheticModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long {@link GgufFile#read(Path)} takes to parse and validate a header: the check every model
 * goes through before llama.cpp sees it.
 *
 * <ul>
 *   <li>{@code sparse-1B}: the header of a 1B-parameter Q8_0 model (32000-token vocabulary with
 *       merges, 147 tensors) in a file of the model's real size, about 1.1 GB, whose data is a hole;</li>
 *   <li>{@code tiny}: a tiny model file, {@code -Dlocalllm.bench.tinyModel=path.gguf} (default: the
 *       stories260K model in /work/shared/models if present, else a synthetic tiny model).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GgufHeaderBenchmark {

    /** Which file to parse. */
    @Param({"sparse-1B", "tiny"})
    public String file;

    private Path path;

    /** Writes (or finds) the file. */
    @Setup(Level.Trial)
    public void setup() throws Exception {
        path = switch (file) {
            case "sparse-1B" -> BenchmarkModels.sparse(1_000_000_000L);
            case "tiny" -> tinyModel();
            default -> throw new IllegalArgumentException("unknown file " + file);
        };
        GgufFile header = GgufFile.read(path);
        System.out.printf("%n%s: %s, %,d bytes on disk (%,d-byte header, %d tensors, %d metadata keys)%n", file, path,
                Files.size(path), header.tensorDataOffset(), header.tensors().size(), header.metadata().size());
    }

    private static Path tinyModel() {
        String configured = System.getProperty("localllm.bench.tinyModel");
        if (configured != null) {
            return Path.of(configured);
        }
        Path stories = Path.of("/work/shared/models/stories260K-q8_0.gguf");
        if (Files.isRegularFile(stories)) {
            return stories;
        }
        Path synthetic = BenchmarkModels.directory().resolve("localllm-bench-synthetic-tiny.gguf");
        if (!Files.isRegularFile(synthetic)) {
            SyntheticModel.tiny().write(synthetic);
        }
        return synthetic;
    }

    /** @return the parsed header */
    @Benchmark
    public GgufFile readHeader() {
        return GgufFile.read(path);
    }
}
