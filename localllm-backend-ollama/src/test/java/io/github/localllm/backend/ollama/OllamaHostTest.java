package io.github.localllm.backend.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * OLLAMA_HOST read as Ollama reads it: the cases of ollama/ollama envconfig/config_test.go TestHost,
 * with the bind-only addresses made connectable as ConnectableHost does.
 */
class OllamaHostTest {

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
        "''                              | http://127.0.0.1:11434",
        "1.2.3.4                         | http://1.2.3.4:11434",
        ":1234                           | http://127.0.0.1:1234",
        "1.2.3.4:1234                    | http://1.2.3.4:1234",
        "example.com                     | http://example.com:11434",
        "example.com:1234                | http://example.com:1234",
        ":0                              | http://127.0.0.1:0",
        ":66000                          | http://127.0.0.1:11434",
        ":-1                             | http://127.0.0.1:11434",
        "[::1]                           | http://[::1]:11434",
        "[::]                            | http://[::1]:11434",
        "::1                             | http://[::1]:11434",
        "[::1]:1337                      | http://[::1]:1337",
        "' 1.2.3.4 '                     | http://1.2.3.4:11434",
        "'\"1.2.3.4\"'                   | http://1.2.3.4:11434",
        "' \" 1.2.3.4 \" '               | http://1.2.3.4:11434",
        "'''1.2.3.4'''                   | http://1.2.3.4:11434",
        "http://1.2.3.4                  | http://1.2.3.4:80",
        "http://1.2.3.4:4321             | http://1.2.3.4:4321",
        "https://1.2.3.4                 | https://1.2.3.4:443",
        "https://1.2.3.4:4321            | https://1.2.3.4:4321",
        "https://example.com/ollama      | https://example.com:443/ollama",
        "ollama.com                      | https://ollama.com:443",
        "0.0.0.0                         | http://127.0.0.1:11434",
        "0.0.0.0:8080                    | http://127.0.0.1:8080",
        "http://0.0.0.0:11434            | http://127.0.0.1:11434",
        "HTTP://localhost:11434          | http://localhost:11434",
    })
    void readsAddressesAsOllamaDoes(String value, String expected) {
        assertThat(OllamaHost.parse(value)).isEqualTo(URI.create(expected));
    }

    @Test
    void nothingGivenIsTheDefaultAddress() {
        assertThat(OllamaHost.parse(null)).isEqualTo(OllamaHost.DEFAULT);
        assertThat(OllamaHost.parse("   ")).isEqualTo(URI.create("http://127.0.0.1:11434"));
    }

    @Test
    void aSchemeOtherThanHttpIsRefusedNamingTheForm() {
        assertThatThrownBy(() -> OllamaHost.parse("ftp://1.2.3.4")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'ftp'").hasMessageContaining("host:port");
        assertThatThrownBy(() -> OllamaHost.parse("exa mple.com")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host and port");
    }
}
