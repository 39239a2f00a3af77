package io.github.localllm.schema;

import io.github.localllm.InvalidRequestException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A JSON Schema compiled once: the GBNF grammar that engines sample under, and the
 * validator every answer is checked with. Immutable and thread-safe.
 *
 * <p>The grammar enforces every keyword it can express while the model samples. What no
 * grammar can express ({@code uniqueItems}, {@code multipleOf}, {@code not}, bounds on
 * non-integer numbers, ...) is listed by {@link #checkedAfterGeneration()} and enforced by
 * the validator alone, so an answer is never both accepted and wrong.
 *
 * <pre>{@code
 * CompiledSchema schema = CompiledSchema.of("{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}");
 * String gbnf = schema.gbnf();                        // hand to any llama.cpp engine
 * List<String> problems = schema.violations("[1,2]"); // empty: the answer matches
 * }</pre>
 */
public final class CompiledSchema {
    /** Applications send the same few schemas with every request; keep the most recent ones compiled. */
    static final int CACHE_CAPACITY = 64;

    private static final Map<String, CompiledSchema> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompiledSchema> eldest) {
            return size() > CACHE_CAPACITY;
        }
    };

    private final String schema;
    private final String gbnf;
    private final List<String> checkedAfterGeneration;
    private final AnswerValidator validator;

    private CompiledSchema(String schema, String gbnf, List<String> checkedAfterGeneration,
                           AnswerValidator validator) {
        this.schema = schema;
        this.gbnf = gbnf;
        this.checkedAfterGeneration = List.copyOf(checkedAfterGeneration);
        this.validator = validator;
    }

    /**
     * Compiles a schema, or returns the one compiled earlier for the same text.
     *
     * @param schema a JSON Schema document (2020-12, 2019-09, draft-07, -06 or -04)
     * @return the compiled schema
     * @throws InvalidRequestException if the schema is not usable, naming the keyword and where it is
     */
    public static CompiledSchema of(String schema) {
        if (schema == null) {
            throw new InvalidRequestException("the JSON schema is null; pass a JSON Schema object such as "
                    + "{\"type\":\"object\",\"properties\":{...}}");
        }
        synchronized (CACHE) {
            CompiledSchema cached = CACHE.get(schema);
            if (cached != null) {
                return cached;
            }
        }
        CompiledSchema compiled = compile(schema);
        synchronized (CACHE) {
            CACHE.put(schema, compiled);
        }
        return compiled;
    }

    private static CompiledSchema compile(String schema) {
        JsonNode root = SchemaDocument.withImpliedDialect(SchemaDocument.parse(schema));
        SchemaConverter.Conversion conversion = SchemaConverter.convert(root);
        return new CompiledSchema(schema, conversion.gbnf(), conversion.checkedAfterGeneration(),
                new AnswerValidator(root));
    }

    /** @return the schema text this was compiled from */
    public String schema() {
        return schema;
    }

    /**
     * @return a grammar in llama.cpp's GBNF notation, in the dialect every llama.cpp build since
     *     b4916 accepts, whose language is the JSON texts that match the schema (properties in
     *     the order the schema declares them, minus what {@link #checkedAfterGeneration()} names)
     */
    public String gbnf() {
        return gbnf;
    }

    /**
     * @return where the schema uses keywords the grammar cannot enforce while sampling, as
     *     JSON-pointer-like paths such as {@code $.properties.tags.uniqueItems}; the validator
     *     checks them after generation. Empty when the grammar enforces the whole schema.
     */
    public List<String> checkedAfterGeneration() {
        return checkedAfterGeneration;
    }

    /**
     * @param answer a model's answer
     * @return what is wrong with the answer, one line per problem naming where it is; empty when
     *     the answer is JSON that matches the schema
     */
    public List<String> violations(String answer) {
        return validator.violations(answer);
    }

    @Override
    public String toString() {
        return "CompiledSchema" + (schema.length() > 80 ? schema.substring(0, 77) + "..." : schema);
    }
}
