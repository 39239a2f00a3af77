/**
 * HTTP for the server engines and for remote model files.
 *
 * <ul>
 *   <li>{@link io.github.localllm.http.HttpTransport}: one shared {@code java.net.http} client per
 *       server, JSON requests, streaming requests with a first-byte and an idle timeout, bounded
 *       retries, and error answers turned into {@link io.github.localllm.LocalLlmException}s;</li>
 *   <li>{@link io.github.localllm.http.SseReader} and {@link io.github.localllm.http.NdjsonReader}:
 *       the two streaming formats (OpenAI-compatible servers and LM Studio send server-sent events,
 *       Ollama sends one JSON value per line), read one event or value at a time; a
 *       {@link io.github.localllm.http.JsonBinder} (with {@link io.github.localllm.http.JsonNames}
 *       and {@link io.github.localllm.http.JsonScalars}) binds each by hand into one object per
 *       answer, the cheapest way to read a token;</li>
 *   <li>{@link io.github.localllm.http.HttpErrors}: the error shapes of Ollama, OpenAI, llama.cpp,
 *       vLLM and LM Studio, and of proxies that answer with an HTML page;</li>
 *   <li>{@link io.github.localllm.http.HttpRangeReader}: a remote file read with range requests
 *       (a model's header before its download), redirects to a CDN followed without the
 *       credentials, and the Hugging Face Hub's errors (missing, private, gated) mapped too.</li>
 * </ul>
 *
 * <p>Every failure is an unchecked {@link io.github.localllm.LocalLlmException} whose message names
 * the server and the address and says what to do next; header values (API keys) never appear in a
 * message or a log line.
 */
package io.github.localllm.http;
