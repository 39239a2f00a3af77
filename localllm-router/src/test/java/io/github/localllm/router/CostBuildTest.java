package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ConfigurationException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Budgets, prices and energy that cannot work are refused by {@code build()}, each with what to do. */
class CostBuildTest {
    private static final PriceTable PRICES = PriceTable.of("EUR", Map.of("cloud-model", new Price(1, 2)));
    private final FakeTarget local = new FakeTarget("local");
    private final FakeTarget cloud = new FakeTarget("cloud");
    private final FakeTarget unpriced = new FakeTarget("unpriced");

    private Router.Builder builder() {
        return Router.builder().target(Target.local("local", local).build())
                .target(Target.cloud("cloud", cloud).build()).prices(PRICES);
    }

    private static void refused(Router.Builder b, String... parts) {
        var a = assertThatThrownBy(b::build).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("router 'router' cannot be built: ");
        for (String p : parts) {
            a.hasMessageContaining(p);
        }
    }

    @Test
    void budgetsBelowZeroOrUndefined() {
        refused(builder().dailyBudget(-1), "dailyBudget cannot be negative or undefined, was -1.0");
        refused(builder().monthlyBudget(Double.NaN), "monthlyBudget cannot be negative or undefined, was NaN");
        refused(builder().dailyBudget(Double.POSITIVE_INFINITY), "dailyBudget cannot be negative");
    }

    @Test
    void warningsOutsideTheBudgetOrWithoutOne() {
        refused(builder().dailyBudget(5).budgetWarning(1.5), "budgetWarning is a share of the budget above 0 and below 1");
        refused(builder().dailyBudget(5).budgetWarning(0), "budgetWarning is a share");
        refused(builder().budgetWarning(0.8), "budgetWarning is set without a dailyBudget or monthlyBudget");
    }

    @Test
    void unknownPriceModels() {
        refused(builder().priceModel("cloud", "gpt-9"), "target 'cloud' is priced as model 'gpt-9', which the price"
                + " table does not list; known models: cloud-model");
        refused(builder().priceModel("nobody", "cloud-model"), "priceModel names target 'nobody', which is no target");
        refused(builder().priceModel("cloud", "cloud-model").priceModel("cloud", "cloud-model"),
                "is given a price model twice");
        refused(Router.builder().target(Target.cloud("cloud", cloud).price(1, 1).build()).prices(PRICES)
                .priceModel("cloud", "cloud-model"), "has a price of its own and a price model");
        refused(builder().savingsReference("gpt-9"), "the savings reference 'gpt-9' is not in the price table");
        refused(builder().pricesFile(Path.of("/nonexistent/prices.json")), "the prices file /nonexistent/prices.json"
                + " does not exist");
    }

    @Test
    void contradictoryBudgets() {
        refused(Router.builder().target(Target.local("local", local).build()).dailyBudget(5),
                "a cloud budget is set but every target is local");
        refused(builder().localOnly(true).monthlyBudget(5),
                "contradictory options: the router is local-only, so a cloud budget would limit nothing");
        refused(builder().dailyBudget(50).monthlyBudget(30),
                "contradictory budgets: the daily budget 50.0 exceeds the monthly budget 30.0");
        refused(builder().target(Target.cloud("unpriced", unpriced).build()).dailyBudget(5),
                "cloud target 'unpriced' has no price, so the budget cannot count what it spends");
    }

    @Test
    void energyForTargetsThatAreNotLocal() {
        refused(builder().localEnergy("cloud", new EnergyCost(100, 0.3)), "localEnergy is given for cloud target 'cloud'");
        refused(builder().localEnergy("gpu", new EnergyCost(100, 0.3)), "localEnergy names target 'gpu', which is no target");
    }

    @Test
    void everyProblemIsListedAtOnce() {
        refused(builder().dailyBudget(-1).monthlyBudget(-2).priceModel("cloud", "gpt-9"), "dailyBudget", "monthlyBudget",
                "gpt-9");
    }
}
