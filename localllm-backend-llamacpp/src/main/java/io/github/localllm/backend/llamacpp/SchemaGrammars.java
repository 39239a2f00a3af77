package io.github.localllm.backend.llamacpp;

import de.kherud.llama.LlamaModel;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.internal.GbnfValidator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON schemas turned into llama.cpp grammars. Applications send the same few schemas
 * with every request, so conversions are kept (the most recent {@value #CAPACITY}) instead
 * of redone natively and re-validated per request.
 */
final class SchemaGrammars {
    static final int CAPACITY = 64;

    private static final Map<String, String> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > CAPACITY;
        }
    };

    private SchemaGrammars() {
    }

    /**
     * @param schema a JSON schema the API has already checked
     * @return its grammar
     * @throws InvalidRequestException if llama.cpp cannot convert it into a grammar it can use
     */
    static String of(String schema) {
        synchronized (CACHE) {
            String cached = CACHE.get(schema);
            if (cached != null) {
                return cached;
            }
        }
        String grammar = convert(schema);
        synchronized (CACHE) {
            CACHE.put(schema, grammar);
        }
        return grammar;
    }

    private static String convert(String schema) {
        String grammar;
        try {
            grammar = LlamaModel.jsonSchemaToGrammar(schema);
        } catch (RuntimeException e) {
            throw new InvalidRequestException("llama.cpp cannot turn this JSON schema into a grammar: "
                    + NativeFailures.describe(e) + "; simplify the schema", e);
        }
        // b4916's converter emits grammars its own parser rejects for some patterns (\d, for one),
        // and a rejected grammar silently means unconstrained output.
        try {
            GbnfValidator.validate(grammar);
        } catch (GbnfValidator.GbnfException e) {
            throw new InvalidRequestException("llama.cpp turned this JSON schema into a grammar it cannot use ("
                    + e.problem() + "); simplify the schema, e.g. write [0-9] instead of \\d in patterns", e);
        }
        return grammar;
    }
}
