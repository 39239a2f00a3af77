package io.github.localllm.backend.ollama;

/**
 * The answers of an Ollama from before tool call ids (0.5.7), for {@link StubServer}: its version, a
 * model that completes and calls tools, nothing in memory, and the documented load reply.
 */
final class OldOllama {
    private OldOllama() {
    }

    static String answer(String requestLine) {
        String json = "application/json; charset=utf-8";
        if (requestLine.startsWith("GET /api/version")) {
            return StubServer.http(200, json, "{\"version\":\"0.5.7\"}");
        }
        if (requestLine.startsWith("POST /api/show")) {
            return StubServer.http(200, json, "{\"details\":{\"parent_model\":\"\",\"format\":\"gguf\",\"family\":"
                    + "\"llama\",\"families\":[\"llama\"],\"parameter_size\":\"3.2B\",\"quantization_level\":\"Q4_K_M\"},"
                    + "\"model_info\":{\"general.architecture\":\"llama\",\"llama.context_length\":131072},"
                    + "\"capabilities\":[\"completion\",\"tools\"]}");
        }
        if (requestLine.startsWith("GET /api/ps")) {
            return StubServer.http(200, json, "{\"models\":[]}");
        }
        if (requestLine.startsWith("POST /api/generate")) {
            // docs/api.md "Load a model".
            return StubServer.http(200, json, "{\"model\":\"llama3.2\",\"created_at\":\"2023-12-18T19:52:07.071755Z\","
                    + "\"response\":\"\",\"done\":true}");
        }
        return StubServer.http(404, "text/plain", "404 page not found");
    }
}
