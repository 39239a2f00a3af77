/**
 * A {@code llama-server} the SDK manages: installed on request from llama.cpp's official release
 * archives (verified by their published SHA-256, unpacked atomically into the engines directory),
 * started as a child process and spoken to through the OpenAI-compatible engine.
 * {@link io.github.localllm.backend.llamaserver.LlamaServerInstaller} is the installer.
 */
module io.github.localllm.backend.llamaserver {
    requires transitive io.github.localllm;
    requires io.github.localllm.http;
    requires tools.jackson.databind;
    requires org.slf4j;
    // Only HardwareChoice reads a hardware profile: the module runs without hardware detection.
    requires static io.github.localllm.hardware;

    exports io.github.localllm.backend.llamaserver;
}
