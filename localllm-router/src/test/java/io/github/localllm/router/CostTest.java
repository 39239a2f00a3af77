package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationStream;
import io.github.localllm.ConfigurationException;
import io.github.localllm.event.BudgetThresholdReached;
import io.github.localllm.event.BudgetThresholdReached.Level;
import io.github.localllm.event.BudgetThresholdReached.Period;
import io.github.localllm.event.LocalLlmEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cloud spend at the price table's prices, budgets per UTC day and month that keep requests local
 * once spent, the spend file, and the savings of local answers. Every fake answer has 3 prompt and
 * 3 generated tokens; the cloud model costs 1 per prompt token and 2 per generated token, so each
 * cloud answer costs 9.
 */
class CostTest {
    private static final PriceTable PRICES = PriceTable.of("EUR", Map.of(
            "cloud-model", new Price(1_000_000, 2_000_000),
            "reference", new Price(1_000_000, 1_000_000)));

    private final FakeTarget local = new FakeTarget("local");
    private final FakeTarget cloud = new FakeTarget("cloud");
    private final MutableClock clock = new MutableClock();
    private final List<LocalLlmEvent> events = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    private Router.Builder builder() {
        return Router.builder().name("costly")
                .target(Target.local("local", local).build())
                .target(Target.cloud("cloud", cloud).build())
                .strategy(RoutingStrategy.preferCloud())
                .prices(PRICES)
                .clock(clock)
                .listener(events::add);
    }

    private List<BudgetThresholdReached> budgetEvents() {
        return events.stream().filter(BudgetThresholdReached.class::isInstance)
                .map(BudgetThresholdReached.class::cast).toList();
    }

    @Test
    void aCloudTargetIsPricedByItsModelsNameInTheTable() {
        Router router = builder().build();
        assertThat(router.targets().get(1).price()).contains(new Price(1_000_000, 2_000_000));
        assertThat(router.targets().get(0).price()).isEmpty();
        router.generate("hi");
        try (GenerationStream s = router.stream(GenerationRequest.of("hi"))) {
            s.result();
        }
        CostReport r = router.costReport();
        assertThat(r.currency()).isEqualTo("EUR");
        assertThat(r.cloudRequests()).isEqualTo(2);
        assertThat(r.cloudSpentToday()).isEqualTo(18.0);
        assertThat(r.cloudSpentThisMonth()).isEqualTo(18.0);
        assertThat(r.cloudSpentTotal()).isEqualTo(18.0);
        assertThat(r.dailyBudget()).isEmpty();
        assertThat(r.cloudBlocked()).isFalse();
    }

    @Test
    void priceModelPricesATargetWhoseModelTheTableDoesNotKnow() {
        Router router = builder().priceModel("cloud", "reference").build();
        router.generate("hi");
        assertThat(router.costReport().cloudSpentToday()).isEqualTo(6.0);
    }

    @Test
    void aSpentDailyBudgetKeepsRequestsLocalUntilTheNextUtcDay() {
        clock.set(Instant.parse("2026-03-10T22:00:00Z"));
        Router router = builder().dailyBudget(20).budgetWarning(0.5).build();
        assertThat(router.generate("1").routing().orElseThrow().target()).isEqualTo("cloud");
        assertThat(budgetEvents()).isEmpty();
        router.generate("2");
        assertThat(budgetEvents()).singleElement().satisfies(e -> {
            assertThat(e.level()).isEqualTo(Level.WARNING);
            assertThat(e.period()).isEqualTo(Period.DAY);
            assertThat(e.spent()).isEqualTo(18.0);
            assertThat(e.budget()).isEqualTo(20.0);
            assertThat(e.fraction()).isEqualTo(0.9);
            assertThat(e.router()).isEqualTo("costly");
            assertThat(e.periodStart()).isEqualTo(LocalDate.parse("2026-03-10"));
            assertThat(e.time()).isEqualTo(clock.instant());
        });
        // Still below the budget when sent: answered by the cloud, and then the budget is spent.
        assertThat(router.generate("3").routing().orElseThrow().target()).isEqualTo("cloud");
        assertThat(budgetEvents()).hasSize(2);
        assertThat(budgetEvents().get(1).level()).isEqualTo(Level.EXHAUSTED);
        assertThat(router.costReport().cloudBlocked()).isTrue();

        var decision = router.generate("4").routing().orElseThrow();
        assertThat(decision.target()).isEqualTo("local");
        assertThat(decision.reason()).contains("cloud budget is spent");
        assertThat(cloud.calls).hasValue(3);
        assertThat(budgetEvents()).hasSize(2);

        clock.set(Instant.parse("2026-03-10T23:59:59Z"));
        assertThat(router.generate("5").routing().orElseThrow().target()).isEqualTo("local");
        clock.set(Instant.parse("2026-03-11T00:00:00Z"));
        assertThat(router.generate("6").routing().orElseThrow().target()).isEqualTo("cloud");
        CostReport r = router.costReport();
        assertThat(r.cloudSpentToday()).isEqualTo(9.0);
        assertThat(r.cloudSpentThisMonth()).isEqualTo(36.0);
        assertThat(r.cloudBlocked()).isFalse();
        assertThat(r.dailyBudget()).hasValue(20.0);
    }

    @Test
    void aSpentMonthlyBudgetHoldsUntilTheNextMonth() {
        clock.set(Instant.parse("2026-02-27T12:00:00Z"));
        Router router = builder().monthlyBudget(25).build();
        router.generate("1");
        router.generate("2");
        router.generate("3");
        assertThat(budgetEvents()).singleElement().satisfies(e -> {
            assertThat(e.period()).isEqualTo(Period.MONTH);
            assertThat(e.level()).isEqualTo(Level.EXHAUSTED);
            assertThat(e.periodStart()).isEqualTo(LocalDate.parse("2026-02-01"));
        });
        clock.set(Instant.parse("2026-02-28T12:00:00Z"));
        assertThat(router.generate("4").routing().orElseThrow().target()).isEqualTo("local");
        clock.set(Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(router.generate("5").routing().orElseThrow().target()).isEqualTo("cloud");
        assertThat(router.costReport().cloudSpentThisMonth()).isEqualTo(9.0);
    }

    @Test
    void withoutALocalTargetASpentBudgetFailsTheRequestSayingUntilWhen() {
        clock.set(Instant.parse("2026-03-10T18:00:00Z"));
        Router router = Router.builder().target(Target.cloud("cloud", cloud).build()).prices(PRICES).clock(clock)
                .dailyBudget(5).build();
        router.generate("1");
        assertThatThrownBy(() -> router.generate("2"))
                .isInstanceOfSatisfying(BudgetExceededException.class, e -> {
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.retryAfter()).contains(Duration.ofHours(6));
                })
                .hasMessageContaining("cloud budget of router 'router' is spent (today 9.0 of 5.0")
                .hasMessageContaining("and it has no local target. Raise the budget, wait, or add a local target");
        assertThatThrownBy(() -> router.stream(GenerationRequest.of("3"))).isInstanceOf(BudgetExceededException.class);
        assertThat(cloud.calls).hasValue(1);
    }

    @Test
    void aCloudOnlyStrategyWithASpentBudgetFailsTheRequestToo() {
        Router router = builder().strategy(RoutingStrategy.cloudOnly()).dailyBudget(5).build();
        router.generate("1");
        assertThatThrownBy(() -> router.generate("2")).isInstanceOf(BudgetExceededException.class)
                .hasMessageContaining("cloud budget of router 'costly' is spent")
                .hasMessageContaining("the cloud-only strategy sends no request to a local target");
        assertThat(local.calls).hasValue(0);
    }

    @Test
    void aZeroBudgetKeepsEveryRequestLocal() {
        Router router = builder().dailyBudget(0).build();
        assertThat(router.generate("1").routing().orElseThrow().target()).isEqualTo("local");
        assertThat(cloud.calls).hasValue(0);
    }

    @Test
    void theSpendFileCarriesTodaysSpendAcrossRestarts() throws Exception {
        clock.set(Instant.parse("2026-03-10T08:00:00Z"));
        Path file = dir.resolve("spend.json");
        Router first = builder().dailyBudget(20).spendFile(file).build();
        first.generate("1");
        first.generate("2");
        assertThat(Files.readString(file)).contains("\"day\":\"2026-03-10\"").contains("\"daySpent\":18.0")
                .contains("\"month\":\"2026-03\"").contains("\"monthSpent\":18.0");

        Router second = builder().dailyBudget(20).spendFile(file).build();
        assertThat(second.costReport().cloudSpentToday()).isEqualTo(18.0);
        assertThat(second.costReport().cloudSpentTotal()).isZero();
        second.generate("3");
        assertThat(second.costReport().cloudBlocked()).isTrue();
        assertThat(second.generate("4").routing().orElseThrow().target()).isEqualTo("local");

        // A new day: the month's spend carries over, the day's does not; a spent budget read from the
        // file blocks at once.
        clock.set(Instant.parse("2026-03-11T08:00:00Z"));
        Router third = builder().dailyBudget(20).monthlyBudget(30).spendFile(file).build();
        assertThat(third.costReport().cloudSpentToday()).isZero();
        assertThat(third.costReport().cloudSpentThisMonth()).isEqualTo(27.0);
        third.generate("5");
        assertThat(third.costReport().cloudBlocked()).isTrue();
        Router fourth = builder().monthlyBudget(30).spendFile(file).build();
        assertThat(fourth.costReport().cloudBlocked()).isTrue();
        assertThat(fourth.generate("6").routing().orElseThrow().target()).isEqualTo("local");
    }

    @Test
    void aBrokenSpendFileIsReportedAtBuild() throws Exception {
        Path file = dir.resolve("spend.json");
        Files.writeString(file, "{not json");
        assertThatThrownBy(() -> builder().dailyBudget(20).spendFile(file).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("the spend file " + file + " is not valid JSON")
                .hasMessageContaining("delete it to start counting from zero");
        Files.writeString(file, "{\"day\":\"yesterday\",\"daySpent\":1,\"month\":\"2026-03\",\"monthSpent\":1}");
        assertThatThrownBy(() -> builder().dailyBudget(20).spendFile(file).build())
                .hasMessageContaining("is not a router's spend file");
        Files.writeString(file, "{\"day\":\"2026-03-10\",\"daySpent\":-1,\"month\":\"2026-03\",\"monthSpent\":1}");
        assertThatThrownBy(() -> builder().dailyBudget(20).spendFile(file).build())
                .hasMessageContaining("\"daySpent\" must be a number, 0 or more");
    }

    @Test
    void localAnswersSaveWhatTheReferenceModelWouldHaveCharged() {
        Router router = builder().strategy(RoutingStrategy.preferLocal()).savingsReference("reference").build();
        router.generate("1");
        router.generate("2");
        CostReport r = router.costReport();
        assertThat(r.localRequests()).isEqualTo(2);
        assertThat(r.localPromptTokens()).isEqualTo(6);
        assertThat(r.localOutputTokens()).isEqualTo(6);
        assertThat(r.reference()).contains("reference");
        assertThat(r.wouldHaveCost()).isEqualTo(12.0);
        assertThat(r.localEnergyCost()).isZero();
        assertThat(r.savings()).isEqualTo(12.0);
        assertThat(r.cloudSpentTotal()).isZero();
    }

    @Test
    void withoutAReferenceSavingsAreMeasuredAgainstTheFirstPricedCloudTarget() {
        Router router = builder().strategy(RoutingStrategy.preferLocal()).build();
        router.generate("1");
        assertThat(router.costReport().reference()).contains("cloud");
        assertThat(router.costReport().wouldHaveCost()).isEqualTo(9.0);
        Router allLocal = Router.builder().target(Target.local("local", local).build()).build();
        allLocal.generate("1");
        assertThat(allLocal.costReport().reference()).isEmpty();
        assertThat(allLocal.costReport().savings()).isZero();
    }

    @Test
    void localEnergyIsEstimatedFromPowerAndTime() {
        assertThat(new EnergyCost(500, 0.30).cost(Duration.ofHours(2))).isCloseTo(0.30, within(1e-12));
        assertThat(new EnergyCost(0, 0.30).cost(Duration.ofHours(2))).isZero();
        // A target that takes 50 ms at 3.6 MW and 1 per kWh uses 0.05 kWh at least.
        local.always(Script.answer("slow").delayed(Duration.ofMillis(50)));
        Router router = builder().strategy(RoutingStrategy.preferLocal()).savingsReference("reference")
                .localEnergy("local", new EnergyCost(3_600_000, 1)).build();
        router.generate("1");
        CostReport r = router.costReport();
        assertThat(r.localEnergyCost()).isGreaterThanOrEqualTo(0.05);
        assertThat(r.savings()).isEqualTo(r.wouldHaveCost() - r.localEnergyCost());
        TargetStatistics s = router.statistics().get(0);
        assertThat(s.cost()).isEqualTo(r.localEnergyCost());
        assertThatThrownBy(() -> new EnergyCost(-1, 1)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cannot be negative");
        assertThatThrownBy(() -> new EnergyCost(1, Double.NaN)).hasMessageContaining("price of electricity");
    }

    @Test
    void budgetsAndWarningsAreSetFromConfiguration() throws Exception {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, "{\"currency\": \"EUR\", \"models\": {\"cloud-model\": {\"input\": 0, \"output\": 1000000}}}");
        var config = io.github.localllm.config.LocalLlmConfig.load(Map.of("router.prices.file", file.toString(),
                "router.budget.daily", "5", "router.budget.warning", "0.5", "router.savings.reference", "reference"),
                Map.of());
        Router router = builder().config(config).build();
        router.generate("1");
        assertThat(router.costReport().cloudSpentToday()).isEqualTo(3.0);
        assertThat(router.costReport().dailyBudget()).hasValue(5.0);
        assertThat(budgetEvents()).singleElement().extracting(BudgetThresholdReached::level).isEqualTo(Level.WARNING);
        var bad = io.github.localllm.config.LocalLlmConfig.load(Map.of("router.budget.daily", "lots"), Map.of());
        assertThatThrownBy(() -> builder().config(bad).build()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("router.budget.daily must be a number, was 'lots'");
    }
}
