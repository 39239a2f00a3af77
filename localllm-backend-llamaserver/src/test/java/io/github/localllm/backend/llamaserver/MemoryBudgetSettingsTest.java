package io.github.localllm.backend.llamaserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ConfigurationException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The memory budget's settings: sizes in binary units, the policy, and each bad value named with its origin. */
class MemoryBudgetSettingsTest {
    @TempDir
    Path dir;

    private MemoryBudget read(String... keyValues) {
        return MemoryBudget.from(TestEngines.config(dir, keyValues));
    }

    @Test
    void byDefaultTheMemoryAvailableAndTheLeastRecentlyUsedIdleModelMakesRoom() {
        assertThat(read()).isEqualTo(MemoryBudget.AVAILABLE);
        assertThat(MemoryBudget.AVAILABLE.whenFull()).isEqualTo(MemoryBudget.WhenFull.UNLOAD_LEAST_RECENTLY_USED);
        assertThat(read(MemoryBudget.WHEN_FULL_KEY, "FAIL").whenFull()).isEqualTo(MemoryBudget.WhenFull.FAIL);
        assertThat(read(MemoryBudget.WHEN_FULL_KEY, "unload-lru").whenFull())
                .isEqualTo(MemoryBudget.WhenFull.UNLOAD_LEAST_RECENTLY_USED);
    }

    @ParameterizedTest
    @CsvSource({"123, 123", "123b, 123", "2k, 2048", "512MiB, 536870912", "6 GiB, 6442450944", "8G, 8589934592",
            "1.5gb, 1610612736", "1t, 1099511627776"})
    void sizesAreReadInBinaryUnits(String text, long bytes) {
        assertThat(read(MemoryBudget.BUDGET_KEY, text).bytes()).hasValue(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "lots", "-1", "0", "12i", "5mi", "3 pb", "0.1"})
    void aBudgetThatIsNoSizeIsRefusedNamingTheKey(String text) {
        assertThatThrownBy(() -> read(MemoryBudget.BUDGET_KEY, text)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(MemoryBudget.BUDGET_KEY);
    }

    @Test
    void anUnknownPolicyIsRefusedNamingTheChoices() {
        assertThatThrownBy(() -> read(MemoryBudget.WHEN_FULL_KEY, "evict")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unload-lru or fail").hasMessageContaining("'evict'");
    }

    @Test
    void messagesRoundUpToWholeMebibytes() {
        assertThat(MemoryBudget.mib(1)).isEqualTo("1 MiB");
        assertThat(MemoryBudget.mib(1L << 20)).isEqualTo("1 MiB");
        assertThat(MemoryBudget.mib((1L << 20) + 1)).isEqualTo("2 MiB");
    }
}
