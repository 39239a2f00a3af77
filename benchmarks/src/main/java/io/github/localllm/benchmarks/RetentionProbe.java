package io.github.localllm.benchmarks;

import io.github.localllm.benchmarks.StreamingClient.Api;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Does a client keep anything per token? Streams many tokens (ten million by default) through one
 * client from the {@link FakeStreamServer} in a child JVM, and prints the heap in use after a full
 * collection every million tokens: a client that retains nothing stays flat. Also prints the live
 * threads before and after, and (from the server) how many connections the answers took. Run it
 * by hand with a small heap, so a client that does retain fails instead of growing quietly:
 *
 * <pre>{@code
 * java -Xmx64m -cp benchmarks/target/benchmarks.jar io.github.localllm.benchmarks.RetentionProbe \
 *     http chat 10000000 1000
 * }</pre>
 *
 * Arguments: the client ({@value StreamingClients#NAMES}), the endpoint ({@code chat},
 * {@code generate} or {@code openai_chat}), the tokens in all (default 10,000,000), and the tokens
 * per answer (default 1000; as many as in all streams them as one answer, whose joined text any
 * client must hold: about 2 bytes per character, some 10 bytes a token here).
 */
public final class RetentionProbe {
    private static final long REPORT_EVERY = 1_000_000;
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private RetentionProbe() {
    }

    /** @param args client, endpoint, tokens in all, tokens per answer */
    public static void main(String[] args) {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: RetentionProbe <" + StreamingClients.NAMES.replace(", ", "|")
                    + "> <chat|generate|openai_chat> [tokens, default 10000000] [tokens per answer, default 1000]");
        }
        String name = args[0];
        Api api = Api.valueOf(args[1].toUpperCase(Locale.ROOT));
        long total = args.length > 2 ? Long.parseLong(args[2]) : 10_000_000L;
        long perAnswer = args.length > 3 ? Long.parseLong(args[3]) : ClientStreamBenchmark.TOKENS;
        try (ChildServer server = ChildServer.start(perAnswer, "batch");
             StreamingClient client = StreamingClients.create(name, server)) {
            System.out.printf("%s %s: %,d tokens, %,d per answer, max heap %,d MB; %s%n", name, api, total, perAnswer,
                    Runtime.getRuntime().maxMemory() >> 20, server.banner());
            // Warm up (classes, pools, JIT) before the baseline.
            for (int i = 0; i < 20 && perAnswer <= 10_000; i++) {
                client.stream(api, token -> { });
            }
            int threadsBefore = THREADS.getThreadCount();
            long baseline = usedAfterGc();
            System.out.printf("baseline: %,d bytes used after GC, %d threads%n", baseline, threadsBefore);
            long start = System.nanoTime();
            Counter counter = new Counter(baseline, start);
            while (counter.tokens < total) {
                long got = client.stream(api, counter);
                if (got != perAnswer) {
                    throw new IllegalStateException("an answer had " + got + " tokens, expected " + perAnswer);
                }
            }
            long used = usedAfterGc();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("end: %,d tokens in %.1f s (%.2f us per token); %,d bytes used after GC, %+,d since the "
                    + "baseline = %+.4f bytes per token; %d threads (%+d)%n", counter.tokens, seconds,
                    seconds * 1e6 / counter.tokens, used, used - baseline, (used - baseline) / (double) counter.tokens,
                    THREADS.getThreadCount(), THREADS.getThreadCount() - threadsBefore);
        }
    }

    /** Counts tokens; every million, reports the heap after a full collection, inside the stream if need be. */
    private static final class Counter implements Consumer<String> {
        private final long baseline;
        private final long start;
        private long tokens;
        private long chars;

        Counter(long baseline, long start) {
            this.baseline = baseline;
            this.start = start;
        }

        @Override
        public void accept(String token) {
            tokens++;
            chars += token.length();
            if (tokens % REPORT_EVERY == 0) {
                long used = usedAfterGc();
                System.out.printf("%,12d tokens, %6.1f s: %,d bytes used after GC (%+,d; %+.4f bytes per token; "
                        + "%,d characters of text so far)%n", tokens, (System.nanoTime() - start) / 1e9, used,
                        used - baseline, (used - baseline) / (double) tokens, chars);
            }
        }
    }

    /** Heap in use after full collections, once it stops falling. */
    private static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            long now = MEMORY.getHeapMemoryUsage().getUsed();
            if (now >= used) {
                return Math.min(now, used);
            }
            used = now;
        }
        return used;
    }
}
