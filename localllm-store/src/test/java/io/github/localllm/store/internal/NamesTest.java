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
    void quantizationsAreReadFromNames() {
        assertThat(QuantizationName.of("qwen2.5-0.5b-instruct-q4_k_m.gguf")).contains("Q4_K_M");
        assertThat(QuantizationName.of("Llama-3.2-1B-Instruct-Q8_0.gguf")).contains("Q8_0");
        assertThat(QuantizationName.of("model-IQ2_XXS.gguf")).contains("IQ2_XXS");
        assertThat(QuantizationName.of("gpt-oss-20b-MXFP4.gguf")).contains("MXFP4");
        assertThat(QuantizationName.of("x-BF16-00001-of-00002.gguf")).contains("BF16");
        assertThat(QuantizationName.of("Qwen2.5-7B-Instruct-Q4_K_M-00001-of-00002.gguf")).contains("Q4_K_M");
        assertThat(QuantizationName.of("model.F16.gguf")).contains("F16");
        assertThat(QuantizationName.of("mmproj-model-f16.gguf")).contains("F16");
        assertThat(QuantizationName.of("q8_0")).contains("Q8_0");
        assertThat(QuantizationName.of("qwen2.5-coder.gguf")).isEmpty();
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
