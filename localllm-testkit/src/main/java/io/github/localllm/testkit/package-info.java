/**
 * Fake LLM servers for tests: {@link io.github.localllm.testkit.FakeOllama},
 * {@link io.github.localllm.testkit.FakeOpenAi} (llama.cpp server, vLLM, OpenAI),
 * {@link io.github.localllm.testkit.FakeLmStudio}, {@link io.github.localllm.testkit.FakeRangeServer} and
 * {@link io.github.localllm.testkit.FakeHub} (Hugging Face's file endpoint and its CDN).
 *
 * <p>Each starts on 127.0.0.1 at a free port and answers in its server's documented wire format,
 * byte for byte where the JDK's HTTP server allows (the body, status, header values and chunk
 * framing; the JDK writes header names in its own case). Answers are scripted with
 * {@link io.github.localllm.testkit.ScriptedAnswer}, models are described with
 * {@link io.github.localllm.testkit.FakeModel}, every request is kept as a
 * {@link io.github.localllm.testkit.RecordedRequest}, and {@link io.github.localllm.testkit.Fault}s
 * break the answers on command.
 *
 * <pre>{@code
 * try (FakeOllama ollama = FakeOllama.builder()
 *         .model(FakeModel.of("llama3.2"))
 *         .answer(ScriptedAnswer.of("The", " sky", " is", " blue."))
 *         .start()) {
 *     URI base = ollama.uri();
 *     ollama.injectNext(1, Fault.truncateAfter(2));
 *     ...
 * }
 * }</pre>
 */
package io.github.localllm.testkit;
