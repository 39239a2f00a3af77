package io.github.localllm.hardware;

/** Small catalog documents for tests. */
final class CatalogJson {
    private CatalogJson() {
    }

    static String document(String... models) {
        return "{\"version\": 1, \"updated\": \"2026-11-22\", \"models\": [" + String.join(",", models) + "]}";
    }

    /** A chat model with published Q4_K_M and Q8_0 sizes proportional to its parameters. */
    static String model(String id, long parameters, int context) {
        return model(id, "chat", parameters, context, parameters * 49 / 80, parameters * 85 / 80);
    }

    static String model(String id, String task, long parameters, int context, long q4Size, long q8Size) {
        return """
                {"id": "%s", "name": "%s", "tasks": ["%s"], "repository": "test/%s-GGUF",
                 "architecture": "llama", "parameters": %d, "contextLength": %d, "license": "MIT",
                 "files": [
                   {"quantization": "Q4_K_M", "fileName": "%s-Q4_K_M.gguf", "sizeBytes": %d},
                   {"quantization": "Q8_0", "fileName": "%s-Q8_0.gguf", "sizeBytes": %d}
                 ]}""".formatted(id, id, task, id, parameters, context, id, q4Size, id, q8Size);
    }
}
