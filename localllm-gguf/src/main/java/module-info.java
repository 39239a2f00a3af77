/**
 * GGUF model files: a validating header reader, a streaming writer and a synthetic model builder.
 * Pure Java; nothing here touches native code, so it can vet a file before native code sees it, or
 * before it is downloaded: a remote header is read with the HTTP layer's range requests.
 */
module io.github.localllm.gguf {
    requires transitive io.github.localllm;
    // GgufSource.http takes a java.net.http.HttpClient.
    requires transitive java.net.http;
    requires io.github.localllm.http;

    exports io.github.localllm.gguf;
}
