package io.github.localllm.router;

import io.github.localllm.ConfigurationException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a request is for, so that a router can route each kind with its own strategy and preferred
 * targets ({@link Router.Builder#task}). Chat and completion requests, and embeddings, are recognised
 * by themselves; the others are named per call with {@link RoutingOptions}.
 */
public enum TaskType {
    /** A conversation: a request with chat messages. */
    CHAT,
    /** A plain prompt to continue or answer. */
    COMPLETION,
    /** Writing or explaining code. */
    CODE,
    /** Summarizing a text. */
    SUMMARIZATION,
    /** Turning texts into vectors: every {@code embed} call. */
    EMBEDDING;

    /** @return the name used in configuration and messages, e.g. {@code code} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param text a task type as configuration writes it, e.g. {@code code}; case is ignored
     * @return the task type
     * @throws ConfigurationException naming the known types if it is none of them
     */
    public static TaskType parse(String text) {
        if (text != null) {
            String t = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (TaskType type : values()) {
                if (type.name().equals(t)) {
                    return type;
                }
            }
        }
        throw new ConfigurationException("unknown task type '" + text + "'; the task types are "
                + Arrays.stream(values()).map(TaskType::id).collect(Collectors.joining(", ")));
    }
}
