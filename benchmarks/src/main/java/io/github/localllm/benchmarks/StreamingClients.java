package io.github.localllm.benchmarks;

/**
 * The clients the benchmarks compare, by the name a JMH parameter gives. A new side is one line
 * here (and its jar in {@code benchmarks/pom.xml}).
 */
final class StreamingClients {
    /** Every name {@link #create} knows. */
    static final String NAMES = "jdk, http, ollama4j, langchain4j, ollama, openai";

    private StreamingClients() {
    }

    /**
     * @param name {@code jdk} (the JDK client and Jackson's parser: the reference), {@code http} (our
     *     HTTP layer alone), {@code ollama4j}, {@code langchain4j}, {@code ollama} (our Ollama engine),
     *     {@code openai} (our OpenAI-compatible engine)
     * @param server the fake servers to talk to
     * @return a client ready to stream
     */
    static StreamingClient create(String name, ChildServer server) {
        return switch (name) {
            case "jdk" -> new JdkJacksonClient(server.ollama(), server.openAi());
            case "http" -> new HttpLayerClient(server.ollama(), server.openAi());
            case "ollama4j" -> new Ollama4jClient(server.ollama());
            case "langchain4j" -> new Langchain4jClient(server.ollama());
            case "ollama" -> EngineClient.ollama(server.ollama());
            case "openai" -> EngineClient.openAi(server.openAi());
            default -> throw new IllegalArgumentException("no client '" + name + "'; choose one of " + NAMES);
        };
    }
}
