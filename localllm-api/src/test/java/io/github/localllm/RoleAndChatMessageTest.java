package io.github.localllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoleAndChatMessageTest {

    @ParameterizedTest
    @ValueSource(strings = {"user", "USER", "User", " user "})
    void parseIgnoresCaseAndSurroundingSpace(String name) {
        assertThat(Role.parse(name)).isEqualTo(Role.USER);
    }

    @Test
    void everyRoleRoundTripsThroughItsWireName() {
        for (Role role : Role.values()) {
            assertThat(Role.parse(role.wireName())).isEqualTo(role);
        }
        assertThat(Role.ASSISTANT.wireName()).isEqualTo("assistant");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bot", "", "developer"})
    void unknownRoleNamesTheValidOnes(String name) {
        assertThatThrownBy(() -> Role.parse(name))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'" + name + "'")
                .hasMessageContaining("system, user, assistant, tool");
    }

    @Test
    void nullRoleIsAnInvalidRequest() {
        assertThatThrownBy(() -> Role.parse(null)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void ofParsesTheRole() {
        assertThat(ChatMessage.of("System", "be brief")).isEqualTo(ChatMessage.system("be brief"));
        assertThat(ChatMessage.of("tool", "{}").role()).isEqualTo(Role.TOOL);
    }

    @Test
    void ofRejectsUnknownRole() {
        assertThatThrownBy(() -> ChatMessage.of("robot", "hi"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("robot");
    }

    @Test
    void messageNeedsRoleAndContent() {
        assertThatThrownBy(() -> new ChatMessage(null, "hi"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("needs a role");
        assertThatThrownBy(() -> ChatMessage.user(null)).isInstanceOf(NullPointerException.class);
        // empty content is allowed: an empty system prompt is common
        assertThat(ChatMessage.user("").content()).isEmpty();
    }
}
