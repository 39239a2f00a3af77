package io.github.localllm.benchmarks;

import io.github.localllm.benchmarks.StreamingClient.Api;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Where a client's bytes per token come from: the part every token costs, and the part every
 * answer costs once (the request, its headers, the readers' buffers, the result), which the
 * benchmarks' 1000-token answers spread over their tokens. Not JMH: a main method that streams
 * answers of 1000 and then 10000 tokens from the {@link FakeStreamServer} in a child JVM, counts
 * the bytes all threads allocated ({@code com.sun.management.ThreadMXBean}), and solves for the
 * two parts.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar io.github.localllm.benchmarks.AllocationSplit openai openai_chat
 * }</pre>
 *
 * Arguments: the client ({@value StreamingClients#NAMES}) and the endpoint ({@code chat},
 * {@code generate} or {@code openai_chat}).
 */
public final class AllocationSplit {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final long TOKENS = 1_000_000;

    private AllocationSplit() {
    }

    /** @param args client, endpoint */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: AllocationSplit <" + StreamingClients.NAMES.replace(", ", "|")
                    + "> <chat|generate|openai_chat>");
            System.exit(2);
        }
        String name = args[0];
        Api api = Api.valueOf(args[1].toUpperCase(Locale.ROOT));
        double short1000 = perAnswer(name, api, 1000);
        double long10000 = perAnswer(name, api, 10_000);
        double perToken = (long10000 - short1000) / 9000;
        double perAnswer = short1000 - 1000 * perToken;
        System.out.printf("%s %s: %.1f B per token at 1000 tokens an answer = %.1f B per token + %,.0f B per answer%n",
                name, api, short1000 / 1000, perToken, perAnswer);
    }

    /** @return the bytes one answer of {@code tokens} tokens allocated, the least of three rounds */
    private static double perAnswer(String name, Api api, long tokens) {
        long answers = TOKENS / tokens;
        try (ChildServer server = ChildServer.start(tokens, "batch");
             StreamingClient client = StreamingClients.create(name, server)) {
            for (int i = 0; i < Math.max(20, answers / 5); i++) {
                client.stream(api, token -> { });
            }
            double least = Double.MAX_VALUE;
            for (int round = 0; round < 3; round++) {
                long before = allocated();
                for (int i = 0; i < answers; i++) {
                    client.stream(api, token -> { });
                }
                least = Math.min(least, (allocated() - before) / (double) answers);
            }
            return least;
        }
    }

    /** @return the bytes allocated so far by the threads alive now */
    private static long allocated() {
        long sum = 0;
        for (long id : THREADS.getAllThreadIds()) {
            long bytes = THREADS.getThreadAllocatedBytes(id);
            if (bytes > 0) {
                sum += bytes;
            }
        }
        return sum;
    }
}
