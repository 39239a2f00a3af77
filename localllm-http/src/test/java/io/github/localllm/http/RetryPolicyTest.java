package io.github.localllm.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(10));

    @Test
    void waitsExponentiallyLongerWithJitterUpToTheCeiling() {
        Set<Duration> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Duration first = policy.delayBefore(1, Optional.empty()).orElseThrow();
            Duration second = policy.delayBefore(2, Optional.empty()).orElseThrow();
            Duration fourth = policy.delayBefore(4, Optional.empty()).orElseThrow();
            assertThat(first).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
            assertThat(second).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
            assertThat(fourth).isBetween(Duration.ofMillis(250), Duration.ofMillis(500));
            seen.add(first);
        }
        assertThat(seen).as("jittered").hasSizeGreaterThan(50);
    }

    @Test
    void honoursRetryAfterUpToItsLimitAndStopsAfterTheLastAttempt() {
        assertThat(policy.delayBefore(1, Optional.of(Duration.ofSeconds(3)))).contains(Duration.ofSeconds(3));
        assertThat(policy.delayBefore(1, Optional.of(Duration.ofSeconds(11)))).isEmpty();
        assertThat(policy.delayBefore(5, Optional.empty())).isEmpty();
        assertThat(RetryPolicy.none().delayBefore(1, Optional.empty())).isEmpty();
        assertThat(new RetryPolicy(100, Duration.ofHours(1), Duration.ofHours(2), Duration.ZERO).delayBefore(90, Optional.empty()))
                .hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofHours(1), Duration.ofHours(2)));
    }

    @Test
    void refusesSettingsThatMakeNoSense() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(2, Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
