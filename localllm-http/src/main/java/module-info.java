/**
 * The one HTTP/JSON layer of the server engines (Ollama, OpenAI-compatible servers, LM Studio):
 * a {@link java.net.http.HttpClient} with timeouts and retries, NDJSON and SSE stream readers, and
 * the mapping of every server's error answers onto the {@link io.github.localllm.LocalLlmException}
 * family; and of remote model files, read with range requests (the Hugging Face Hub's redirects
 * and errors included) so that a header can be checked before a download.
 */
module io.github.localllm.http {
    requires transitive io.github.localllm;
    requires transitive java.net.http;
    // JsonNode, JsonMapper and ObjectReader appear in the exported API.
    requires transitive tools.jackson.databind;
    requires org.slf4j;

    exports io.github.localllm.http;
}
