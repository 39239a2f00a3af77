package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ConfigurationException;
import io.github.localllm.config.LocalLlmConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled prices, a user's file over them, and every way such a file can be wrong. */
class PriceTableTest {
    @TempDir
    Path dir;

    private Path file(String json) throws Exception {
        Path f = dir.resolve("prices-" + System.nanoTime() + ".json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void theBundledTableHoldsListPricesInDollars() {
        PriceTable t = PriceTable.bundled();
        assertThat(t.currency()).isEqualTo("USD");
        assertThat(t.checked()).matches("\\d{4}-\\d{2}");
        assertThat(t.price("gpt-4o-mini")).contains(new Price(0.15, 0.60));
        assertThat(t.price("GPT-4o-Mini")).contains(new Price(0.15, 0.60));
        assertThat(t.price("claude-sonnet-4")).contains(new Price(3, 15));
        assertThat(t.price("no-such-model")).isEmpty();
        assertThat(t.price(null)).isEmpty();
        assertThat(t.prices()).hasSizeGreaterThan(10).allSatisfy((name, p) -> assertThat(name).isNotBlank());
        assertThat(PriceTable.bundled()).isSameAs(t);
    }

    @Test
    void aFileOverridesAndExtendsTheBundledPrices() throws Exception {
        PriceTable t = PriceTable.bundled().withFile(file("""
                {"currency": "usd", "models": {
                  "gpt-4o-mini": {"input": 0.10, "output": 0.50},
                  "my-model": {"input": 1, "output": 2}
                }}"""));
        assertThat(t.price("gpt-4o-mini")).contains(new Price(0.10, 0.50));
        assertThat(t.price("my-model")).contains(new Price(1, 2));
        assertThat(t.price("gpt-4o")).contains(new Price(2.50, 10));
        assertThat(t.currency()).isEqualTo("USD");
    }

    @Test
    void aReplacingFileIsTheWholeTableInItsOwnCurrency() throws Exception {
        PriceTable t = PriceTable.bundled().withFile(file("""
                {"currency": "EUR", "replace": true, "models": {"mine": {"input": 1, "output": 2}}}"""));
        assertThat(t.currency()).isEqualTo("EUR");
        assertThat(t.prices()).containsOnlyKeys("mine");
    }

    @Test
    void theConfigurationKeyNamesAFile() throws Exception {
        Path f = file("{\"currency\": \"USD\", \"models\": {\"mine\": {\"input\": 1, \"output\": 2}}}");
        PriceTable t = PriceTable.fromConfig(LocalLlmConfig.load(Map.of(PriceTable.CONFIG_KEY, f.toString()), Map.of()));
        assertThat(t.price("mine")).contains(new Price(1, 2));
        assertThat(t.price("gpt-4o-mini")).isPresent();
        assertThat(PriceTable.fromConfig(LocalLlmConfig.load(Map.of(), Map.of()))).isSameAs(PriceTable.bundled());
        assertThatThrownBy(() -> PriceTable.fromConfig(LocalLlmConfig.load(
                Map.of(PriceTable.CONFIG_KEY, dir.resolve("missing.json").toString()), Map.of())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("does not exist")
                .hasMessageContaining(PriceTable.CONFIG_KEY);
    }

    @Test
    void badFilesAreRefusedWithWhatIsWrong() throws Exception {
        PriceTable base = PriceTable.bundled();
        assertThatThrownBy(() -> base.withFile(dir.resolve("missing.json"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("does not exist").hasMessageContaining("\"currency\": \"USD\"");
        assertThatThrownBy(() -> base.withFile(file("{\"currency\": ")))
                .hasMessageContaining("is not valid JSON");
        assertThatThrownBy(() -> base.withFile(file("[1, 2]")))
                .hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> base.withFile(file("{\"models\": {}}")))
                .hasMessageContaining("does not say its currency");
        assertThatThrownBy(() -> base.withFile(file("{\"currency\": \"USD\"}")))
                .hasMessageContaining("has no \"models\" object");
        assertThatThrownBy(() -> base.withFile(file("{\"currency\": \"EUR\", \"models\": {}}")))
                .hasMessageContaining("gives prices in EUR but the table it extends is in USD")
                .hasMessageContaining("\"replace\": true");
        assertThatThrownBy(() -> base.withFile(file(
                "{\"currency\": \"USD\", \"models\": {\"m\": {\"input\": \"cheap\", \"output\": 1}}}")))
                .hasMessageContaining("model 'm' needs numbers \"input\" and \"output\"");
        assertThatThrownBy(() -> base.withFile(file(
                "{\"currency\": \"USD\", \"models\": {\"m\": {\"input\": -1, \"output\": 1}}}")))
                .hasMessageContaining("model 'm'").hasMessageContaining("cannot be negative");
        assertThatThrownBy(() -> PriceTable.of(" ", Map.of())).hasMessageContaining("needs its currency");
    }
}
