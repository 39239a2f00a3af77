/**
 * The engine contract: {@link io.github.localllm.testkit.contract.EngineContract}, a JUnit test class
 * that every engine's tests extend, so that every engine behaves alike on requests, streaming,
 * cancelling, stop sequences, token limits, timeouts, JSON output, embeddings, refusals and
 * concurrency. Third-party engines run it too, like a compatibility kit.
 *
 * <p>This package is what makes the testkit depend on the localllm API, JUnit Jupiter's API and
 * AssertJ; the fake servers of {@link io.github.localllm.testkit} use none of them.
 */
package io.github.localllm.testkit.contract;
