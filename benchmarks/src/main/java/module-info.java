/**
 * JMH benchmarks of localllm. The shaded jar runs them on the class path; the module
 * declaration keeps their dependencies explicit.
 */
module io.github.localllm.benchmarks {
    requires io.github.localllm;
    requires io.github.localllm.gguf;
    requires io.github.localllm.hardware;
    requires io.github.localllm.backend.llamacpp;
    requires io.github.localllm.schema;
    requires io.github.localllm.http;
    requires io.github.localllm.backend.ollama;
    requires io.github.localllm.testkit;
    requires io.github.localllm.backend.openai;
    requires io.github.localllm.router;
    requires io.github.localllm.backend.llamaserver;
    requires io.github.localllm.store;
    requires tools.jackson.databind;
    requires llama;
    requires jmh.core;
    requires jdk.httpserver;
    requires jdk.management;
    requires java.net.http;
    // Other Java clients of Ollama, measured beside ours (automatic modules named after their jars).
    requires ollama4j;
    requires langchain4j.ollama;
    requires langchain4j.core;

    // JMH instantiates the benchmark classes and its generated subclasses reflectively.
    opens io.github.localllm.benchmarks;
}
