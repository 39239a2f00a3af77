package io.github.localllm;

import java.util.List;
import java.util.Objects;

/**
 * One turn of a conversation.
 *
 * @param role who speaks
 * @param content what is said; may be empty but never {@code null}
 * @param images images a user shows the model; empty for other roles
 * @param toolCalls tools an assistant turn asked to call; empty for other roles
 * @param toolCallId for a {@link Role#TOOL} message, the id of the {@link ToolCall} it answers; else {@code null}
 * @param thinking an assistant turn's reasoning, when the model showed it; else empty. Engines send it
 *        back only to servers that take it.
 */
public record ChatMessage(Role role, String content, List<Image> images, List<ToolCall> toolCalls,
                          String toolCallId, String thinking) {

    /** Checks the parts are present and fit the role. */
    public ChatMessage {
        if (role == null) {
            throw new InvalidRequestException("a chat message needs a role; use one of system, user, assistant, tool");
        }
        Objects.requireNonNull(content, "content");
        images = images == null ? List.of() : List.copyOf(images);
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        thinking = thinking == null ? "" : thinking;
        if (!images.isEmpty() && role != Role.USER) {
            throw new InvalidRequestException("images belong in user messages, not " + role.wireName()
                    + " messages; use ChatMessage.user(text, images...)");
        }
        if (!toolCalls.isEmpty() && role != Role.ASSISTANT) {
            throw new InvalidRequestException("tool calls belong in assistant messages, not " + role.wireName()
                    + " messages; use ChatMessage.assistant(text, toolCalls)");
        }
        if (toolCallId != null && role != Role.TOOL) {
            throw new InvalidRequestException("a toolCallId belongs in a tool message; use"
                    + " ChatMessage.toolResult(id, output)");
        }
        if (!thinking.isEmpty() && role != Role.ASSISTANT) {
            throw new InvalidRequestException("thinking belongs in assistant messages, not " + role.wireName()
                    + " messages");
        }
    }

    /**
     * A text-only message.
     *
     * @param role who speaks
     * @param content what is said
     */
    public ChatMessage(Role role, String content) {
        this(role, content, List.of(), List.of(), null, "");
    }

    /** @param content instructions @return a system message */
    public static ChatMessage system(String content) {
        return new ChatMessage(Role.SYSTEM, content);
    }

    /** @param content the question @return a user message */
    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content);
    }

    /**
     * @param content the question
     * @param images images to show the model; it must be able to see ({@code capabilities().images()})
     * @return a user message with images
     */
    public static ChatMessage user(String content, Image... images) {
        return new ChatMessage(Role.USER, content, List.of(images), List.of(), null, "");
    }

    /** @param content the model's earlier answer @return an assistant message */
    public static ChatMessage assistant(String content) {
        return new ChatMessage(Role.ASSISTANT, content);
    }

    /**
     * @param content the model's earlier answer, often empty when it called tools
     * @param toolCalls the calls it asked for
     * @return an assistant message
     */
    public static ChatMessage assistant(String content, List<ToolCall> toolCalls) {
        return new ChatMessage(Role.ASSISTANT, content, List.of(), toolCalls, null, "");
    }

    /**
     * The answer the model asked for: put it in the conversation after the assistant message that
     * called the tool.
     *
     * @param toolCallId the {@link ToolCall#id()} this answers
     * @param output what the tool returned, often JSON
     * @return a tool message
     */
    public static ChatMessage toolResult(String toolCallId, String output) {
        if (toolCallId == null || toolCallId.isEmpty()) {
            throw new InvalidRequestException("a tool result needs the id of the call it answers; use toolCall.id()");
        }
        return new ChatMessage(Role.TOOL, output, List.of(), List.of(), toolCallId, "");
    }

    /**
     * @param result an answer, with its tool calls and thinking
     * @return the assistant message to append to the conversation before sending tool results
     */
    public static ChatMessage of(GenerationResult result) {
        return new ChatMessage(Role.ASSISTANT, result.text(), List.of(), result.toolCalls(), null, result.thinking());
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

    /** @return whether the message carries nothing: no text, image or tool call */
    public boolean isEmpty() {
        return content.isEmpty() && images.isEmpty() && toolCalls.isEmpty();
    }
}
