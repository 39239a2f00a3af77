package io.github.localllm.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigValueTest {

    @ParameterizedTest
    @CsvSource({"openai.api.key,true", "hf.token,true", "client.secret,true", "proxy.password,true",
        "OPENAI.API_KEY,true", "context.size,false", "model,false"})
    void credentialsAreRecognisedByKey(String key, boolean secret) {
        ConfigValue v = new ConfigValue(key, "value123", ConfigSource.ENVIRONMENT, "X");
        assertThat(v.isSecret()).isEqualTo(secret);
        assertThat(v.displayValue()).isEqualTo(secret ? "****" : "value123");
        assertThat(v.toString().contains("value123")).isNotEqualTo(secret);
    }
}
