package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bad configurations are refused when the router is built, each with a message that says what to change. */
class RouterBuildTest {
    private final FakeTarget a = new FakeTarget("a");
    private final FakeTarget b = new FakeTarget("b");

    private Router.Builder two() {
        return Router.builder().target(Target.local("a", a).build()).target(Target.cloud("b", b).build());
    }

    @Test
    void noTargets() {
        assertThatThrownBy(() -> Router.builder().build()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("it has no targets").hasMessageContaining("Target.local(");
    }

    @Test
    void duplicateNames() {
        assertThatThrownBy(() -> Router.builder().target(Target.local("x", a).build())
                .target(Target.cloud("x", b).build()).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("two targets are named 'x'");
    }

    @Test
    void localOnlyWithCloudOnlyIsContradictory() {
        assertThatThrownBy(() -> two().localOnly(true).strategy(RoutingStrategy.cloudOnly()).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("contradictory")
                .hasMessageContaining("local-only").hasMessageContaining("cloud-only");
        assertThatThrownBy(() -> two().localOnly(true).task(TaskType.CODE, RoutingStrategy.cloudOnly()).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("contradictory");
    }

    @Test
    void localOnlyNeedsALocalTarget() {
        assertThatThrownBy(() -> Router.builder().target(Target.cloud("b", b).build()).localOnly(true).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("every target is a cloud target (b)");
        assertThatThrownBy(() -> Router.builder().target(Target.cloud("b", b).build())
                .strategy(RoutingStrategy.localOnly()).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("no local target");
        assertThatThrownBy(() -> Router.builder().target(Target.local("a", a).build())
                .strategy(RoutingStrategy.cloudOnly()).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("no cloud target");
    }

    @Test
    void negativeLimitsAndBudgets() {
        assertThatThrownBy(() -> two().retries(-1).build()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("retries cannot be negative");
        assertThatThrownBy(() -> two().retryDelay(Duration.ofMillis(-1)).build())
                .hasMessageContaining("retryDelay cannot be negative");
        assertThatThrownBy(() -> two().maxRetryAfter(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("maxRetryAfter cannot be negative");
        assertThatThrownBy(() -> two().attemptTimeout(Duration.ZERO, 1).build())
                .hasMessageContaining("attemptTimeout must be positive");
        assertThatThrownBy(() -> two().attemptTimeout(Duration.ofSeconds(1), 0.5).build())
                .hasMessageContaining("growth must be at least 1");
        assertThatThrownBy(() -> two().firstTokenTimeout(Duration.ofSeconds(-2)).build())
                .hasMessageContaining("firstTokenTimeout must be positive");
        assertThatThrownBy(() -> two().circuitBreaker(0, Duration.ofSeconds(1)).build())
                .hasMessageContaining("at least 1 failure");
        assertThatThrownBy(() -> two().circuitBreaker(3, Duration.ofSeconds(-1)).build())
                .hasMessageContaining("cooldown cannot be negative");
        assertThatThrownBy(() -> two().maxQueueWait(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("maxQueueWait cannot be negative");
        assertThatThrownBy(() -> two().loadedRefresh(Duration.ZERO).build())
                .hasMessageContaining("loadedRefresh must be positive");
        assertThatThrownBy(() -> two().config(io.github.localllm.config.LocalLlmConfig.load(
                java.util.Map.of("router.loaded.refresh", "soon"), java.util.Map.of())).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("router.loaded.refresh");
        assertThat(two().loadedRefresh(Duration.ofDays(100_000)).build().targets()).hasSize(2);
        assertThatThrownBy(() -> Target.local("a", a).maxConcurrent(-1).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxConcurrent cannot be negative");
        assertThatThrownBy(() -> Target.local("a", a).maxConcurrent(1).maxQueued(-3).build())
                .hasMessageContaining("maxQueued cannot be negative");
        assertThatThrownBy(() -> Target.local("a", a).maxQueued(3).build())
                .hasMessageContaining("no concurrency limit");
        assertThatThrownBy(() -> Target.cloud("b", b).price(-0.5, 1).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("price cannot be negative");
        assertThatThrownBy(() -> Target.cloud("b", b).price(Double.NaN, 1).build())
                .hasMessageContaining("price cannot be negative or undefined");
        assertThatThrownBy(() -> Target.local(" ", a).build()).hasMessageContaining("needs a name");
    }

    @Test
    void everyProblemIsListedAtOnce() {
        assertThatThrownBy(() -> two().retries(-1).maxQueueWait(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("retries").hasMessageContaining("maxQueueWait");
    }

    @Test
    void unknownTaskTypes() {
        assertThatThrownBy(() -> two().task("poetry", RoutingStrategy.preferLocal()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("unknown task type 'poetry'; the task types are chat, completion, code, summarization,"
                        + " embedding");
        assertThatThrownBy(() -> RoutingOptions.builder().task("nope")).isInstanceOf(ConfigurationException.class);
        assertThat(TaskType.parse(" Code ")).isEqualTo(TaskType.CODE);
    }

    @Test
    void taskRoutesNameExistingTargetsWithoutLoops() {
        assertThatThrownBy(() -> two().task(TaskType.CODE, RoutingStrategy.preferLocal(), "a", "c").build())
                .hasMessageContaining("prefers 'c', which is no target; the targets are a, b");
        assertThatThrownBy(() -> two().task(TaskType.CODE, RoutingStrategy.preferLocal(), "a", "b", "a").build())
                .hasMessageContaining("lists 'a' twice").hasMessageContaining("must not loop");
        assertThatThrownBy(() -> two().task(TaskType.CODE, RoutingStrategy.preferLocal())
                .task(TaskType.CODE, RoutingStrategy.preferCloud()).build())
                .hasMessageContaining("task code is routed twice");
    }

    @Test
    void contradictoryViewOptions() {
        Router router = two().build();
        assertThatThrownBy(() -> router.with(RoutingOptions.builder().localOnly(true)
                .strategy(RoutingStrategy.cloudOnly()).build()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("contradictory");
        Router cloud = Router.builder().target(Target.cloud("b", b).build()).build();
        assertThatThrownBy(() -> cloud.with(RoutingOptions.onlyLocal()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("every target of router 'router' is a"
                        + " cloud target");
    }

    @Test
    void targetsTakeWhatTheirModelReports() {
        FakeTarget big = new FakeTarget("big", io.github.localllm.spi.EngineCapabilities.builder().tools(true).build(),
                8192);
        Target t = Target.local("big", big).build();
        assertThat(t.contextSize()).hasValue(8192);
        assertThat(t.capabilities()).hasValueSatisfying(c -> assertThat(c.tools()).isTrue());
        Target overridden = Target.local("big", big).contextSize(1024)
                .capabilities(io.github.localllm.spi.EngineCapabilities.unknown()).build();
        assertThat(overridden.contextSize()).hasValue(1024);
        assertThat(overridden.capabilities()).hasValueSatisfying(c -> assertThat(c.tools()).isFalse());
        io.github.localllm.LanguageModel plain = two().build();
        assertThat(Target.cloud("nested", plain).build().capabilities()).isEmpty();
    }
}
