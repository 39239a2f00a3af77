/**
 * The router: {@link io.github.localllm.router.Router}, one {@link io.github.localllm.LanguageModel}
 * over many {@link io.github.localllm.router.Target}s, ranked by a
 * {@link io.github.localllm.router.RoutingStrategy}, with fallback, retries, circuit breakers,
 * concurrency limits and streams that survive a failing target.
 */
package io.github.localllm.router;
