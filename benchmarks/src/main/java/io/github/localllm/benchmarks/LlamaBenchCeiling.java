package io.github.localllm.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * llama.cpp's own decode speed on a file, the ceiling for any client of the same build: {@code llama-bench
 * -m FILE -p 0 -n TOKENS -t THREADS -r 3 -o json} (no prompt; flash attention and repacking as the server
 * chooses them by default).
 *
 * @param tokensPerSecond mean over the repetitions
 * @param stddev their standard deviation
 * @param command what ran
 */
record LlamaBenchCeiling(double tokensPerSecond, double stddev, String command) {

    /** Runs {@code llama-bench} on {@code file}. */
    static LlamaBenchCeiling measure(Path file, int tokens, int threads) {
        List<String> command = List.of(LlamaCppTools.bench().toString(), "-m", file.toString(), "-p", "0", "-n",
                Integer.toString(tokens), "-t", Integer.toString(threads), "-r", "3", "-o", "json");
        JsonNode runs = new ObjectMapper().readTree(LlamaCppTools.run(command, Duration.ofMinutes(10)));
        JsonNode run = runs.get(0);
        return new LlamaBenchCeiling(run.get("avg_ts").asDouble(), run.get("stddev_ts").asDouble(),
                String.join(" ", command));
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "llama-bench ceiling: %.1f ± %.1f tokens/s (as a score: %.1f ms per"
                + " %s tokens); %s", tokensPerSecond, stddev, 1000.0 * LlamaServerBenchmark.TOKENS / tokensPerSecond,
                LlamaServerBenchmark.TOKENS, command);
    }
}
