/**
 * Protocol-faithful fake LLM servers on loopback for tests: Ollama, OpenAI-compatible servers
 * (llama.cpp, vLLM, OpenAI) and LM Studio, plus an HTTP range server and Hugging Face's file
 * endpoint with its CDN, each with scripted answers, recorded requests and faults on command. JDK
 * only: the servers run on {@code com.sun.net.httpserver}.
 */
module io.github.localllm.testkit {
    requires jdk.httpserver;
    requires org.slf4j;

    exports io.github.localllm.testkit;
}
