package io.github.localllm.backend.ollama;

import io.github.localllm.ContextOverflowException;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationMetrics;
import io.github.localllm.LocalLlmException;
import io.github.localllm.TokenLogprob;
import io.github.localllm.ToolCallPiece;
import io.github.localllm.Usage;
import io.github.localllm.http.CancellableStream;
import io.github.localllm.http.HttpCall;
import io.github.localllm.http.HttpStream;
import io.github.localllm.http.HttpTransport;
import io.github.localllm.http.NdjsonReader;
import io.github.localllm.spi.ChunkFeed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves one streamed answer from Ollama's NDJSON into a pulled {@link ChunkFeed}, a line a step on
 * the consumer's thread (no reader thread, no hand-over per token): thinking, text and whole tool
 * calls as they arrive, then the final line's counters as
 * the result's usage and metrics. It stops as soon as the consumer closes the stream (the feed then
 * closes the HTTP answer, which ends the read) and on any failure, which the feed throws to the
 * consumer after the pieces that came before it.
 *
 * <p>Prompts longer than the context. Ollama's scheduler and runners have cut such prompts silently
 * for most of its history: the Go runners (v0.1 to v0.29) keep {@code num_keep} tokens and the
 * prompt's end so that exactly {@code num_ctx} tokens remain, and {@code /api/chat} first drops
 * the oldest messages until the rendered prompt fits (server/prompt.go {@code chatPrompt}). Since
 * v0.12.6 (2025-10, commit 6544e1473) a request with {@code truncate: false} is refused instead:
 * the Go runners answer 400 {@code the input length exceeds the context length}, and the
 * llama-server runner of v0.30+ passes the whole prompt to llama-server, which answers 400
 * {@code request (N tokens) exceeds the available context size (M tokens)}; with
 * {@code truncate: true} (the default) v0.30+ cuts the prompt to about half the context when
 * context shifting is on (llm/llama_server.go {@code completionPromptForRequest}). There is no
 * tokenize endpoint to count a prompt first, and {@code prompt_eval_count} of a cut prompt carries
 * no flag, so this engine:
 * <ol>
 * <li>always sends {@code truncate: false} (older servers ignore the key), turning the refusals
 *     into {@link ContextOverflowException} ({@link OllamaErrors});</li>
 * <li>always sends the context size it knows ({@code num_ctx}: the one asked for, else the one
 *     {@code /api/ps} reports after loading), and treats a final {@code prompt_eval_count} of at
 *     least that size as a cut prompt: the Go runners report the tokens they kept, which are then
 *     exactly {@code num_ctx}, while a prompt that fits leaves room to answer and counts fewer;
 *     llama-server counts only the tokens it evaluated, never more than the context;</li>
 * <li>cannot see the oldest chat messages dropped by servers before v0.12.6 (the prompt then fits
 *     and counts fewer tokens); {@link OllamaBackend} warns once when it meets such a server.</li>
 * </ol>
 */
final class AnswerPump implements ChunkFeed.Step {
    private final CancellableStream exchange;
    private final OllamaInstance model;
    private volatile Runnable done = () -> { };
    private int position;
    /** The consumer's thread only: the answer's lines once it is open. */
    private NdjsonReader<StreamLine> lines;

    AnswerPump(HttpTransport transport, HttpCall call, OllamaInstance model) {
        this.exchange = new CancellableStream(transport, call);
        this.model = model;
    }

    /** @param whenDone run once the answer ended, failed or was cancelled; may run more than once */
    void whenDone(Runnable whenDone) {
        this.done = whenDone;
    }

    /**
     * The feed's cancel action, from any thread: closes the answer, which ends a read blocked on the
     * consumer's thread, or interrupts the consumer's thread while it sends the request (the JDK
     * client's send() gives up on an interrupt and aborts the exchange).
     */
    void cancel() {
        exchange.cancel();
        done.run();
    }

    /**
     * One step on the consumer's thread: the first sends the request, so the request's timeout
     * (the feed's timer) and a close of the stream apply while the server loads the model or reads
     * the prompt; every step reads one line.
     */
    @Override
    public boolean advance(ChunkFeed feed) {
        if (lines == null && !open(feed)) {
            return false;
        }
        boolean more;
        try {
            more = read(feed);
        } catch (LocalLlmException e) {
            feed.fail(OllamaErrors.forRequest(e, model.where(), model.contextSize()));
            more = false;
        } catch (RuntimeException e) {
            feed.fail(new GenerationException("reading the answer of " + model.where() + " failed (" + e
                    + "); retry the request", e));
            more = false;
        }
        if (!more) {
            end();
        }
        return more;
    }

    /** Sends the request; @return whether its answer is open */
    private boolean open(ChunkFeed feed) {
        HttpStream answer;
        try {
            answer = exchange.open();
        } catch (LocalLlmException e) {
            feed.fail(OllamaErrors.forRequest(e, model.where(), model.contextSize()));
            done.run();
            return false;
        }
        if (answer == null) {
            done.run();
            return false;
        }
        lines = answer.ndjson(new StreamLineBinder(), b -> b.until(l -> l.done));
        return true;
    }

    private void end() {
        try {
            lines.close();
        } catch (RuntimeException e) {
            // The answer is closed below in any case; a failure to close its parser changes nothing.
        }
        exchange.answer().close();
        done.run();
    }

    /** Reads one line; @return whether to read on */
    private boolean read(ChunkFeed feed) {
        StreamLine line = lines.next();
        if (line == null) {
            // The reader ends only at the done line or with an exception; an end without either is a cut answer.
            feed.fail(new GenerationException(model.where() + " ended its answer without the final line; the answer"
                    + " is incomplete: retry the request"));
            return false;
        }
        if (line.error != null && !line.error.isBlank()) {
            feed.fail(OllamaErrors.inStream(line.error, exchange.answer().errorContext(), model.where(),
                    model.contextSize()));
            return false;
        }
        if (!push(feed, line)) {
            return false;
        }
        if (line.done) {
            finish(feed, line);
            return false;
        }
        return true;
    }

    private static List<TokenLogprob> logprobs(List<StreamLine.Logprob> wire) {
        List<TokenLogprob> out = new ArrayList<>(wire.size());
        for (StreamLine.Logprob lp : wire) {
            List<TokenLogprob> alternatives = new ArrayList<>();
            if (lp.topLogprobs != null) {
                for (StreamLine.Logprob alternative : lp.topLogprobs) {
                    alternatives.add(new TokenLogprob(alternative.token == null ? "" : alternative.token,
                            alternative.logprob));
                }
            }
            out.add(new TokenLogprob(lp.token == null ? "" : lp.token, lp.logprob, alternatives));
        }
        return out;
    }

    /** @return {@code false} once the consumer has closed the stream */
    private boolean push(ChunkFeed feed, StreamLine line) {
        StreamLine.Message m = line.message;
        String thinking = m != null ? m.thinking : line.thinking;
        if (thinking != null && !thinking.isEmpty() && !feed.thinking(thinking)) {
            return false;
        }
        String text = m != null ? m.content : line.response;
        if (line.logprobs != null && !line.logprobs.isEmpty()) {
            if (!feed.text(text == null ? "" : text, logprobs(line.logprobs))) {
                return false;
            }
        } else if (text != null && !text.isEmpty() && !feed.text(text)) {
            return false;
        }
        List<StreamLine.WireToolCall> calls = m != null ? m.toolCalls : line.toolCalls;
        if (calls != null) {
            for (StreamLine.WireToolCall call : calls) {
                if (!feed.toolCall(piece(call))) {
                    return false;
                }
            }
        }
        return true;
    }

    private ToolCallPiece piece(StreamLine.WireToolCall call) {
        int at = position++;
        StreamLine.Function f = call.function;
        String name = f == null || f.name == null ? "" : f.name;
        if (name.isEmpty()) {
            throw new GenerationException(model.where() + " sent a tool call without a function name; the answer"
                    + " cannot be used: retry, and if it persists check the model's tool template");
        }
        String args = f.arguments == null || f.arguments.isNull() ? "{}"
                : f.arguments.isString() ? f.arguments.stringValue() : f.arguments.toString();
        // Servers before tool call ids (2025) send none: number them as the SDK's results do.
        String id = call.id == null || call.id.isEmpty() ? "call_" + at : call.id;
        return new ToolCallPiece(at, id, name, args);
    }

    private void finish(ChunkFeed feed, StreamLine last) {
        int context = model.contextSize();
        if (context > 0 && last.promptEvalCount >= context) {
            feed.fail(new ContextOverflowException(model.where() + " evaluated " + last.promptEvalCount
                    + " prompt tokens, the whole " + context + "-token context: Ollama " + model.serverVersion()
                    + " cut a prompt that did not fit instead of refusing it, so the answer would be to a truncated"
                    + " prompt; shorten the prompt, or load the model with a larger context size"
                    + " (LoadOptions.contextSize / localllm.context.size)", -1, context));
            return;
        }
        FinishReason reason = "length".equals(last.doneReason) ? FinishReason.LENGTH : FinishReason.STOP;
        Usage usage = last.promptEvalCount == 0 && last.evalCount == 0 ? null
                : new Usage(Math.max(0, last.promptEvalCount), Math.max(0, last.evalCount));
        feed.finish(reason, usage, metrics(last));
    }

    /**
     * The server's own timings, in nanoseconds: the time to the first token is what the request
     * spent before generation began (a reload, queueing, the prompt), and the rates are Ollama's
     * documented {@code count / duration}. {@code null} when the server sent none, so the feed
     * measures instead.
     */
    private GenerationMetrics metrics(StreamLine last) {
        if (last.totalDuration <= 0) {
            return null;
        }
        long eval = Math.max(0, last.evalDuration);
        Duration total = Duration.ofNanos(last.totalDuration);
        Duration first = Duration.ofNanos(Math.max(0, last.totalDuration - eval));
        double promptRate = last.promptEvalDuration > 0 ? last.promptEvalCount / (last.promptEvalDuration / 1e9) : 0;
        double genRate = eval > 0 ? last.evalCount / (eval / 1e9) : 0;
        return new GenerationMetrics(model.info().loadTime(), first, total, promptRate, genRate);
    }
}
