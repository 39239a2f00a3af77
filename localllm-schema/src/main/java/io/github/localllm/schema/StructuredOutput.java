package io.github.localllm.schema;

import io.github.localllm.FinishReason;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationStream;
import io.github.localllm.ModelInstance;
import io.github.localllm.ResponseFormat;
import io.github.localllm.StructuredOutputException;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place every engine checks structured answers, so that no answer that violates its
 * schema comes back as a success. An engine returns {@code StructuredOutput.enforce(model)}
 * from its {@code load}; applications get the check without doing anything.
 *
 * <p>For requests whose response format is {@link ResponseFormat#jsonSchema(String)} (or
 * {@link ResponseFormat#json()}, checked as the schema {@code {"type":"object"}}), every answer
 * is checked against the schema with {@link CompiledSchema#violations(String)}:
 * <ul>
 *   <li>finished with {@link FinishReason#STOP} and matching: returned unchanged;</li>
 *   <li>finished with {@code STOP} and not matching: {@link StructuredOutputException};</li>
 *   <li>cut off by the token limit ({@link FinishReason#LENGTH}): {@link StructuredOutputException}
 *       saying so, never a success, even if the text happens to parse;</li>
 *   <li>{@link FinishReason#CANCELLED} or {@link FinishReason#ERROR}: returned as they are; the
 *       caller stopped it, or the engine says it failed.</li>
 * </ul>
 *
 * <p>With {@link GenerationRequest#outputRetries()} set to {@code n}, {@code generate} asks for
 * up to {@code n} more answers before it gives up. Each retry is the original request plus the
 * rejected answer (as an assistant turn) and a user turn listing what is wrong with it; a prompt
 * becomes a one-message conversation first. A raw prompt has no conversation to extend, so it
 * is sent again with a different seed ({@code seed + retry}, or {@code 1 + retry} when the request
 * has none); at temperature 0 that gives the same answer again. The result's usage counts the
 * tokens of every attempt; its metrics describe the last one.
 *
 * <p>A stream passes chunks through as they come and checks the answer when the engine's stream
 * ends: then {@code hasNext()}, {@code next()} and {@link GenerationStream#result()} throw the
 * {@link StructuredOutputException}. A stream whose chunks the caller has read is never retried,
 * since chunks already delivered cannot be taken back; one consumed only through
 * {@code result()} (as {@code generateAsync} does) is retried like {@code generate}.
 */
public final class StructuredOutput {
    private static final String ANY_JSON_OBJECT = "{\"type\":\"object\"}";

    private StructuredOutput() {
    }

    /**
     * @param model a model as an engine loaded it
     * @return the model, checking every structured answer against its schema; {@code model}
     *     itself if it already does
     * @throws NullPointerException if {@code model} is {@code null}
     */
    public static ModelInstance enforce(ModelInstance model) {
        Objects.requireNonNull(model, "model");
        return model instanceof SchemaCheckedModel ? model : new SchemaCheckedModel(model);
    }

    /**
     * The schema a request's answer must match: what engines sample under and what
     * {@link #enforce} checks, so both read the request the same way.
     *
     * @param request a request
     * @return its compiled schema; {@code {"type":"object"}} for {@link ResponseFormat#json()};
     *     empty for free text and grammars
     * @throws io.github.localllm.InvalidRequestException if the schema cannot be used
     */
    public static Optional<CompiledSchema> schemaOf(GenerationRequest request) {
        ResponseFormat format = request.responseFormat();
        if (format instanceof ResponseFormat.JsonSchema) {
            return Optional.of(CompiledSchema.of(((ResponseFormat.JsonSchema) format).schema()));
        }
        if (format instanceof ResponseFormat.JsonObject) {
            return Optional.of(CompiledSchema.of(ANY_JSON_OBJECT));
        }
        return Optional.empty();
    }
}
