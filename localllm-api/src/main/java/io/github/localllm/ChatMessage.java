package io.github.localllm;

import java.util.Objects;

/**
 * One turn of a conversation.
 *
 * @param role who speaks
 * @param content what is said; may be empty but never {@code null}
 */
public record ChatMessage(Role role, String content) {

    /** Checks both parts are present. */
    public ChatMessage {
        if (role == null) {
            throw new InvalidRequestException("a chat message needs a role; use one of system, user, assistant, tool");
        }
        Objects.requireNonNull(content, "content");
    }

    /** @param content instructions @return a system message */
    public static ChatMessage system(String content) {
        return new ChatMessage(Role.SYSTEM, content);
    }

    /** @param content the question @return a user message */
    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content);
    }

    /** @param content the model's earlier answer @return an assistant message */
    public static ChatMessage assistant(String content) {
        return new ChatMessage(Role.ASSISTANT, content);
    }

    /**
     * @param role a role as chat APIs spell it
     * @param content what is said
     * @return the message
     * @throws InvalidRequestException if the role is unknown
     */
    public static ChatMessage of(String role, String content) {
        return new ChatMessage(Role.parse(role), content);
    }
}
