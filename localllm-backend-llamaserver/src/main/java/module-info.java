/**
 * llama.cpp's {@code llama-server} as a child process the SDK manages: installed on request from
 * llama.cpp's official release archives (verified by their published SHA-256, unpacked atomically
 * into the engines directory) by {@link io.github.localllm.backend.llamaserver.LlamaServerInstaller};
 * found (configuration, the {@code LLAMA_SERVER} variable, the engines directory, {@code PATH}) and
 * its build checked; started once per loaded model on a free loopback port with a random API key,
 * watched (a crash is a retryable error and the server restarts), and stopped on close, on JVM exit,
 * or by the next JVM when this one was killed. Requests go through the OpenAI-compatible engine.
 * Found by {@link io.github.localllm.LocalLlm} through {@link java.util.ServiceLoader} under the id
 * {@code llamaserver}.
 */
module io.github.localllm.backend.llamaserver {
    requires transitive io.github.localllm;
    requires transitive io.github.localllm.backend.openai;
    requires io.github.localllm.http;
    requires io.github.localllm.gguf;
    requires tools.jackson.databind;
    requires org.slf4j;
    // Only HardwareChoice reads a hardware profile: the module runs without hardware detection.
    requires static io.github.localllm.hardware;

    exports io.github.localllm.backend.llamaserver;

    provides io.github.localllm.spi.InferenceBackendProvider
            with io.github.localllm.backend.llamaserver.LlamaServerBackendProvider;
}
