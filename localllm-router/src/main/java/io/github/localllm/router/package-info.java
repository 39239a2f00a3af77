/**
 * The router: {@link io.github.localllm.router.Router}, one {@link io.github.localllm.LanguageModel}
 * over many {@link io.github.localllm.router.Target}s, ranked by a
 * {@link io.github.localllm.router.RoutingStrategy}, with fallback, retries, circuit breakers,
 * concurrency limits and streams that survive a failing target.
 *
 * <h2>Cost, budgets and statistics</h2>
 *
 * <ul>
 *   <li><b>Prices</b>: a {@link io.github.localllm.router.PriceTable} of prices per million tokens by
 *       model name; {@link io.github.localllm.router.PriceTable#bundled()} ships the providers' list
 *       prices (dated), a JSON file extends or replaces them
 *       ({@link io.github.localllm.router.Router.Builder#pricesFile}, configuration key
 *       {@code router.prices.file}). A cloud target without a price of its own is priced by its
 *       model's name in the table, or by {@link io.github.localllm.router.Router.Builder#priceModel}.</li>
 *   <li><b>Local cost</b>: optional, an {@link io.github.localllm.router.EnergyCost} (watts while
 *       generating, price per kWh) times each answer's duration.</li>
 *   <li><b>Budgets</b>: cloud spend per UTC day and month
 *       ({@link io.github.localllm.router.Router.Builder#dailyBudget},
 *       {@link io.github.localllm.router.Router.Builder#monthlyBudget}); once one is spent every
 *       request is routed as local-only until the period ends, with a
 *       {@link io.github.localllm.event.BudgetThresholdReached} event (and one at the optional warning
 *       share); a request only a cloud target could serve fails with
 *       {@link io.github.localllm.router.BudgetExceededException}. Spend is counted when an answer
 *       ends, so requests already under way when the budget is reached may overshoot it by their
 *       own cost. Spend survives a restart only with a spend file
 *       ({@link io.github.localllm.router.Router.Builder#spendFile}).</li>
 *   <li><b>Savings</b>: {@link io.github.localllm.router.Router#costReport()}: what the local answers'
 *       tokens would have cost at a reference cloud model's price, less their energy.</li>
 *   <li><b>Statistics</b>: {@link io.github.localllm.router.Router#statistics()} per target and
 *       model: requests, answers, failures, fallbacks, tokens, cost, and p50/p95/p99 of total time
 *       and time to first token from a fixed lock-free histogram (within about 3 %).</li>
 *   <li><b>Metrics</b>: a {@link io.github.localllm.router.MetricsListener} gets one
 *       {@link io.github.localllm.router.RequestMetrics} per attempt; the module
 *       {@code localllm-micrometer} records them as OpenTelemetry GenAI metrics.</li>
 * </ul>
 */
package io.github.localllm.router;
