/**
 * For users' tests and ours. Protocol-faithful fake LLM servers on loopback: Ollama, OpenAI-compatible
 * servers (llama.cpp, vLLM, OpenAI) and LM Studio, plus an HTTP range server and Hugging Face's file
 * endpoint with its CDN, each with scripted answers, recorded requests and faults on command; they need only the JDK (the servers run on
 * {@code com.sun.net.httpserver}). And the engine contract ({@code io.github.localllm.testkit.contract}),
 * the JUnit test class every engine's tests extend so that all engines behave alike; it is what brings
 * the localllm API, JUnit Jupiter's API and AssertJ to a test class path, and the fakes use none of them.
 */
module io.github.localllm.testkit {
    requires jdk.httpserver;
    requires org.slf4j;
    requires transitive io.github.localllm;
    requires transitive org.junit.jupiter.api;
    requires org.assertj.core;

    exports io.github.localllm.testkit;
    exports io.github.localllm.testkit.contract;
    // JUnit calls the contract's test and lifecycle methods reflectively.
    opens io.github.localllm.testkit.contract to org.junit.platform.commons;
}
