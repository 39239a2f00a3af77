package io.github.localllm.benchmarks;

import io.github.localllm.schema.CompiledSchema;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What structured output costs the JVM besides sampling: compiling a JSON Schema (to a GBNF grammar
 * and an answer validator) and checking each answer against it.
 *
 * <ul>
 *   <li>{@code compileLargeUncached}: {@link CompiledSchema#of} on a tsconfig-sized schema it has not
 *       seen, the cost of the first request that sends a schema. The schema is
 *       {@link SchemaCorpus#tsconfigLike()} (synthetic, same structure and size class as
 *       SchemaStore's tsconfig.json schema), or the file {@code -Dlocalllm.bench.schema=path.json}
 *       names. {@code compileToolSchemaUncached}: the same for a medium tool-call schema.</li>
 *   <li>{@code compileLargeCached}: {@code of} again with the same string, what every later request
 *       pays; {@code compileLargeCachedEqualText} with an equal but new string (an application that
 *       rebuilds its schema text per request), whose hash and comparison cover the whole text; it
 *       includes making the copy, which {@code copyLargeText} measures alone.</li>
 *   <li>{@code violationsValid} / {@code violationsInvalid}: {@link CompiledSchema#violations} on
 *       about 1.3 KB of tool-call arguments, matching and with seven mistakes; {@code parseAnswer} is
 *       only the Jackson parse that {@code violations} starts with (same settings), so the
 *       validator's own share is the difference.</li>
 * </ul>
 *
 * <p>Only {@code CompiledSchema.of} is public, and it caches by schema text, so the uncached
 * benchmarks give every call a text of its own: the schema preceded by a distinct run of JSON
 * whitespace (the invocation counter in base 4, as space, tab, newline and carriage return). The
 * parsed schema is identical, so the whole compile is measured as an application meets it: size
 * and depth checks, parse, meta-schema check, conversion to GBNF, and building the validator,
 * plus hashing the new text for the cache and inserting it (evicting the least recently used of
 * its 64 entries). Building the prefixed text, two copies of the schema, is part of the figure but is
 * small beside the rest (see {@code copyLargeText}). The networknt meta-schemas are loaded once
 * per JVM and stay cached, as in an application; setup pays that.
 *
 * <p>Setup prints each schema's shape (bytes, properties, enums, combinators, depth) and its
 * grammar's size (characters, and rules = lines of GBNF). The forked JVM logs networknt's
 * warnings only at error level: it warns once per unknown keyword at every compile (eight for
 * tsconfig.json, such as {@code markdownDescription}), which would bury JMH's output.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar SchemaBenchmark -f 1 -wi 3 -i 5
 * java -Dlocalllm.bench.schema=schema.json -jar benchmarks/target/benchmarks.jar 'SchemaBenchmark.*Large'
 * }</pre>
 * (JMH starts its fork with the launching JVM's options, {@code -D} included.)
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.log.com.networknt=error")
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 2)
public class SchemaBenchmark {

    /** The tsconfig-sized schema. */
    @State(Scope.Benchmark)
    public static class LargeSchema {
        String text;
        char[] chars;
        final AtomicLong variants = new AtomicLong();

        /** Generates or reads the schema, compiles it once and prints its shape and grammar size. */
        @Setup(Level.Trial)
        public void setup() {
            text = SchemaCorpus.largeSchema();
            chars = text.toCharArray();
            report(SchemaCorpus.largeSchemaName(), text);
        }

        /**
         * @return a new string equal to the text, with its own array and no hash computed yet, as a
         *     text built for each request would be ({@code new String(String)} and a lone
         *     {@code StringBuilder} copy may share the array and the cached hash)
         */
        String rebuilt() {
            return new String(chars);
        }
    }

    /** The tool-call schema, compiled, and its answers. */
    @State(Scope.Benchmark)
    public static class ToolSchema {
        CompiledSchema compiled;
        final AtomicLong variants = new AtomicLong();

        /** Compiles the schema and checks that the answers are what they claim to be. */
        @Setup(Level.Trial)
        public void setup() {
            compiled = report("tool-call schema", SchemaCorpus.TOOL_SCHEMA);
            List<String> valid = compiled.violations(SchemaCorpus.VALID_ANSWER);
            List<String> invalid = compiled.violations(SchemaCorpus.INVALID_ANSWER);
            if (!valid.isEmpty() || invalid.isEmpty()) {
                throw new IllegalStateException("the valid answer has violations " + valid
                        + ", or the invalid one has none");
            }
            System.out.printf("answers: %,d and %,d bytes; the invalid one has %d violations:%n  %s%n",
                    SchemaCorpus.VALID_ANSWER.length(), SchemaCorpus.INVALID_ANSWER.length(), invalid.size(),
                    String.join("\n  ", invalid));
        }
    }

    /** Parses answers as {@code CompiledSchema.violations} does before validating. */
    private static final JsonMapper ANSWERS = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private static CompiledSchema report(String name, String text) {
        long start = System.nanoTime();
        CompiledSchema compiled = CompiledSchema.of(text);
        long millis = (System.nanoTime() - start) / 1_000_000;
        String gbnf = compiled.gbnf();
        System.out.printf("%n%s: %s%ngrammar: %,d chars, %,d rules (lines of GBNF), %d keywords left to the"
                        + " validator; first compile in this JVM %,d ms%n", name, SchemaCorpus.describe(text),
                gbnf.length(), gbnf.lines().count(), compiled.checkedAfterGeneration().size(), millis);
        return compiled;
    }

    /**
     * @param text a schema
     * @param n a number never used before for this text
     * @return the schema preceded by whitespace that spells {@code n}: a text the cache has not seen
     */
    static String distinct(String text, long n) {
        StringBuilder b = new StringBuilder(text.length() + 33);
        long rest = n;
        do {
            b.append(" \t\n\r".charAt((int) (rest & 3)));
            rest >>>= 2;
        } while (rest != 0);
        return b.append(text).toString();
    }

    /** @return the large schema compiled from a text not seen before */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3, time = 10)
    @Measurement(iterations = 5, time = 5)
    public CompiledSchema compileLargeUncached(LargeSchema s) {
        return CompiledSchema.of(distinct(s.text, s.variants.incrementAndGet()));
    }

    /** @return the large schema from the cache, asked for with the string it was compiled from */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public CompiledSchema compileLargeCached(LargeSchema s) {
        return CompiledSchema.of(s.text);
    }

    /** @return the large schema from the cache, asked for with a new string of the same text */
    @Benchmark
    public CompiledSchema compileLargeCachedEqualText(LargeSchema s) {
        return CompiledSchema.of(s.rebuilt());
    }

    /** @return a new string of the large schema's text: the copy {@code compileLargeCachedEqualText} makes */
    @Benchmark
    public String copyLargeText(LargeSchema s) {
        return s.rebuilt();
    }

    /** @return the tool-call schema compiled from a text not seen before */
    @Benchmark
    @Warmup(iterations = 3, time = 5)
    public CompiledSchema compileToolSchemaUncached(ToolSchema s) {
        return CompiledSchema.of(distinct(SchemaCorpus.TOOL_SCHEMA, s.variants.incrementAndGet()));
    }

    /** @return the violations of a matching answer: none */
    @Benchmark
    public List<String> violationsValid(ToolSchema s) {
        return s.compiled.violations(SchemaCorpus.VALID_ANSWER);
    }

    /** @return the violations of an answer with seven mistakes */
    @Benchmark
    public List<String> violationsInvalid(ToolSchema s) {
        return s.compiled.violations(SchemaCorpus.INVALID_ANSWER);
    }

    /** @return the matching answer parsed, as {@code violations} parses it before validating */
    @Benchmark
    public JsonNode parseAnswer() {
        return ANSWERS.readTree(SchemaCorpus.VALID_ANSWER);
    }
}
