package io.github.localllm.backend.openai;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.Embedding;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.GenerationException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelInfo;
import io.github.localllm.http.HttpCall;
import io.github.localllm.http.ServerBusyException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/embeddings} (NOTES.md "Embeddings"): all inputs in one request, vectors put back in
 * input order by their {@code index}, base64 vectors (little-endian float32) read as well as arrays.
 * The servers return unit vectors already (llama.cpp normalises them); a request for normalised
 * vectors scales them here anyway, so the promise holds on any server.
 */
final class Embeddings {
    private final OpenAiBackend backend;
    private final ModelInfo info;

    Embeddings(OpenAiBackend backend, ModelInfo info) {
        this.backend = backend;
        this.info = info;
    }

    EmbeddingResult embed(EmbeddingRequest request) {
        if (!info.capabilities().embeddings()) {
            // Known at load: llama-server said it does not embed, or LM Studio that the model is not for embeddings.
            throw new InvalidRequestException(backend.dialect() == ServerDialect.LLAMA_CPP
                    ? "the llama-server at " + backend.endpoints().base() + " does not embed text: it was started without"
                    + " `--embeddings`; start it with `--embeddings` (and, for good vectors, an embedding model)"
                    : info.name() + " is not an embedding model, so it cannot embed text; load an embedding model");
        }
        ObjectNode body = backend.transport().mapper().createObjectNode();
        body.put("model", info.name());
        ArrayNode input = body.putArray("input");
        request.inputs().forEach(input::add);
        body.put("encoding_format", "float");
        JsonNode answer;
        try {
            // Embedding twice does no harm: a broken connection may be retried.
            answer = backend.transport().json(HttpCall.post(backend.endpoints().api("/embeddings"), body).idempotent()
                    .forModel(info.name(), backend.modelHint()));
        } catch (BackendUnavailableException e) {
            // llama-server without --embeddings answers 501 "This server does not support embeddings. Start it
            // with `--embeddings`": the request, not the server, is what cannot be served.
            if (!(e instanceof ServerBusyException) && e.getMessage().contains("HTTP 501")) {
                throw new InvalidRequestException(info.name() + " cannot embed text there: " + e.getMessage(), e);
            }
            throw e;
        }
        JsonNode data = answer.path("data");
        int n = request.inputs().size();
        if (!data.isArray() || data.size() != n) {
            throw new GenerationException(backend.endpoints().base() + " answered " + (data.isArray() ? data.size() : 0)
                    + " embeddings for " + n + " inputs; check that the server is OpenAI-compatible");
        }
        float[][] vectors = new float[n][];
        for (int i = 0; i < n; i++) {
            JsonNode item = data.get(i);
            int index = item.path("index").isNumber() ? item.path("index").intValue() : i;
            if (index < 0 || index >= n || vectors[index] != null) {
                throw new GenerationException(backend.endpoints().base() + " answered an embedding with index " + index
                        + " for " + n + " inputs; check that the server is OpenAI-compatible");
            }
            vectors[index] = vector(item.path("embedding"));
        }
        List<Embedding> out = new ArrayList<>(n);
        for (float[] v : vectors) {
            out.add(new Embedding(request.normalize() ? normalized(v) : v));
        }
        int tokens = answer.path("usage").path("prompt_tokens").asInt(0);
        return new EmbeddingResult(out, tokens, info.name());
    }

    private float[] vector(JsonNode embedding) {
        if (embedding.isString()) {
            ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(embedding.stringValue()))
                    .order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[bytes.remaining() / Float.BYTES];
            bytes.asFloatBuffer().get(v);
            return v;
        }
        if (!embedding.isArray() || embedding.isEmpty()) {
            throw new GenerationException(backend.endpoints().base() + " answered an embedding that is not a list of"
                    + " numbers; check that the server is OpenAI-compatible");
        }
        float[] v = new float[embedding.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) embedding.get(i).asDouble();
        }
        return v;
    }

    private static float[] normalized(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum == 0) {
            return v;
        }
        double norm = Math.sqrt(sum);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }
}
