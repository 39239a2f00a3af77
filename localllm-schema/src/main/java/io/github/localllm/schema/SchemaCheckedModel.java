package io.github.localllm.schema;

import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.ModelInfo;
import io.github.localllm.ModelInstance;
import io.github.localllm.Tokenizer;
import java.util.Optional;

/** A model whose structured answers are checked against their schemas; see {@link StructuredOutput}. */
final class SchemaCheckedModel implements ModelInstance {
    private final ModelInstance model;

    SchemaCheckedModel(ModelInstance model) {
        this.model = model;
    }

    @Override
    public GenerationResult generate(GenerationRequest request) {
        Optional<CompiledSchema> schema = StructuredOutput.schemaOf(request);
        if (schema.isEmpty()) {
            return model.generate(request);
        }
        Attempts attempts = new Attempts(schema.get(), request);
        GenerationRequest next = request;
        while (true) {
            GenerationResult result;
            try {
                result = model.generate(next);
            } catch (RuntimeException e) {
                throw attempts.failed(e);
            }
            GenerationResult done = attempts.accept(result, true);
            if (done != null) {
                return done;
            }
            next = attempts.next();
        }
    }

    @Override
    public GenerationStream stream(GenerationRequest request) {
        Optional<CompiledSchema> schema = StructuredOutput.schemaOf(request);
        GenerationStream stream = model.stream(request);
        return schema.isEmpty() ? stream : new SchemaCheckedStream(model, new Attempts(schema.get(), request), stream);
    }

    @Override
    public EmbeddingResult embed(EmbeddingRequest request) {
        return model.embed(request);
    }

    @Override
    public ModelInfo info() {
        return model.info();
    }

    @Override
    public Optional<Tokenizer> tokenizer() {
        return model.tokenizer();
    }

    /** @return this wrapper when it is a {@code type}, else what the wrapped model answers */
    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        return type.isInstance(this) ? Optional.of(type.cast(this)) : model.unwrap(type);
    }

    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return model + " (structured answers checked)";
    }
}
