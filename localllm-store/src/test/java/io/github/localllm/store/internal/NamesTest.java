package io.github.localllm.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.InvalidRequestException;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void hostileNamesAreRefused() {
        for (String name : new String[] {"../x.gguf", "a/../../x.gguf", "/etc/passwd", "a\\b.gguf", "C:x.gguf",
            "a/./b", "a//b", "", "x" + (char) 0 + ".gguf", "x" + (char) 10 + ".gguf",
            "x" + (char) 0x1b + "[31m.gguf", ".."}) {
            assertThatThrownBy(() -> SafeNames.check(name)).as(name).isInstanceOf(InvalidRequestException.class);
        }
        assertThat(SafeNames.check("gguf/model-Q4_K_M-00001-of-00003.gguf")).isNotNull();
        assertThat(SafeNames.resolve(Path.of("/tmp/d"), "a/b.gguf")).isEqualTo(Path.of("/tmp/d/a/b.gguf"));
    }

    @Test
    void plainHttpOnlyToLoopback() {
        assertThat(Addresses.refusal(URI.create("http://127.0.0.1:8080/x"), false)).isNull();
        assertThat(Addresses.refusal(URI.create("http://localhost/x"), false)).isNull();
        assertThat(Addresses.refusal(URI.create("http://[::1]:9/x"), false)).isNull();
        assertThat(Addresses.refusal(URI.create("http://127.0.0.1.evil.com/x"), false)).isNotNull();
        assertThat(Addresses.refusal(URI.create("http://example.com/x"), false)).contains("plain HTTP");
        assertThat(Addresses.refusal(URI.create("http://example.com/x"), true)).isNull();
        assertThat(Addresses.refusal(URI.create("https://example.com/x"), false)).isNull();
        assertThat(Addresses.refusal(URI.create("ftp://example.com/x"), true)).isNotNull();
        assertThat(Addresses.label(URI.create("https://u:p@h.co/a/b?sig=secret"))).isEqualTo("https://h.co/a/b");
    }
}
