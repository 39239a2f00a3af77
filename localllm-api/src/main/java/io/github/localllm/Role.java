package io.github.localllm;

import java.util.Locale;

/** Who speaks a {@link ChatMessage}. */
public enum Role {
    /** Instructions that frame the conversation. */
    SYSTEM,
    /** The person or program asking. */
    USER,
    /** The model. */
    ASSISTANT,
    /** The output of a tool the model called. */
    TOOL;

    /** @return the role's name as chat templates and HTTP APIs spell it: {@code system}, {@code user}, ... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a role as chat APIs spell it, ignoring case.
     *
     * @param name {@code system}, {@code user}, {@code assistant} or {@code tool}
     * @return the role
     * @throws InvalidRequestException for any other name
     */
    public static Role parse(String name) {
        if (name != null) {
            for (Role role : values()) {
                if (role.wireName().equalsIgnoreCase(name.strip())) {
                    return role;
                }
            }
        }
        throw new InvalidRequestException("unknown chat role '" + name
                + "'; use one of system, user, assistant, tool");
    }
}
