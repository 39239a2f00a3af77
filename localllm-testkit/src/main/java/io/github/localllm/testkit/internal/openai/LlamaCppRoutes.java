package io.github.localllm.testkit.internal.openai;

import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.internal.Body;
import io.github.localllm.testkit.internal.Call;
import io.github.localllm.testkit.internal.Reply;
import io.github.localllm.testkit.internal.json.JsonNumber;
import io.github.localllm.testkit.internal.json.JsonObject;
import io.github.localllm.testkit.internal.json.JsonReader;
import io.github.localllm.testkit.internal.json.JsonStyle;
import io.github.localllm.testkit.internal.json.JsonSyntaxException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * llama.cpp's own routes beside the OpenAI ones, as captured from {@code llama-server} b10470 on
 * stories260K (fixtures/llama-server/20-* to 23-*): {@code POST /tokenize}, {@code POST /detokenize},
 * {@code GET /slots} and {@code GET /metrics} (Prometheus text, only when started with {@code --metrics}).
 *
 * <p>A fake has no vocabulary, so it makes one up as texts arrive: SentencePiece-like pieces (a
 * space is put before the text, then each word keeps the space before it), numbered in order of
 * first use from {@value #FIRST_WORD_ID}; the four pieces of the captures ({@code " Once"},
 * {@code " upon"}, {@code " a"}, {@code " time"}) keep their real ids, so that a capture replays
 * byte for byte. {@code <s>} (1) and {@code </s>} (2) are the special tokens; ids outside the
 * vocabulary of {@value #VOCABULARY} (the {@code n_vocab} of the model list) fail as on the real
 * server, with a 500 from a failed range check (21c, 21d).
 */
final class LlamaCppRoutes {
    static final int VOCABULARY = 32000;
    private static final int BOS = 1;
    private static final int EOS = 2;
    private static final int FIRST_WORD_ID = 1000;
    private static final String METRICS_TYPE = "text/plain; version=0.0.4";

    private final Map<String, Integer> ids = new LinkedHashMap<>();
    private final Map<Integer, String> pieces = new LinkedHashMap<>();
    private final boolean metrics;
    private final long startSeconds;
    private long promptTokens;
    private long cachedTokens;
    private double promptSeconds;
    private long predictedTokens;
    /** Tokens generated after each answer's first, which comes with the prompt: the throughput's numerator. */
    private long generatedTokens;
    private double predictedSeconds;
    private long decodes;
    private long maxTokens;
    private long tasks;
    private Turn last;

    LlamaCppRoutes(boolean metrics, long startSeconds) {
        this.metrics = metrics;
        this.startSeconds = startSeconds;
        for (String[] known : new String[][] {{" Once", "403"}, {" upon", "407"}, {" a", "261"}, {" time", "378"}}) {
            piece(known[0], Integer.parseInt(known[1]));
        }
    }

    boolean metricsEnabled() {
        return metrics;
    }

    private void piece(String text, int id) {
        ids.put(text, id);
        pieces.put(id, text);
    }

    /** Counts an answer as the server's metrics and slots would. */
    synchronized void served(Turn t) {
        int cached = t.answer().cachedPromptTokens();
        promptTokens += t.promptTokens() - cached;
        cachedTokens += cached;
        promptSeconds += t.answer().promptEvalDuration().toNanos() / 1e9;
        predictedTokens += t.completionTokens();
        generatedTokens += Math.max(t.completionTokens() - 1, 0);
        predictedSeconds += t.answer().evalDuration().toNanos() / 1e9;
        decodes += 1 + Math.max(t.completionTokens() - 1, 0);
        maxTokens = Math.max(maxTokens, t.totalTokens());
        tasks++;
        last = t;
    }

    /**
     * @param error makes an error reply in the server's shape
     * @return the reply for one of these routes, or {@code null} for another path
     */
    Reply handle(Call call, ErrorReply error, ReplyMaker json, List<FakeModel> models) {
        String path = call.path();
        boolean get = call.method().equals("GET");
        boolean post = call.method().equals("POST");
        if (path.equals("/tokenize") && post) {
            return body(call, error, request -> json.make(tokenize(request)));
        }
        if (path.equals("/detokenize") && post) {
            return body(call, error, request -> detokenize(request, error, json));
        }
        if (path.equals("/slots") && get) {
            FakeModel m = models.isEmpty() ? FakeModel.of("model") : models.get(0);
            return json.make(slots(m.contextLength()));
        }
        if (path.equals("/metrics") && get) {
            // 23b-ERR-metrics-disabled.http.
            return metrics ? new Reply(200, List.of(Map.entry("Process-Start-Time-Unix", Long.toString(startSeconds)),
                    Map.entry("Content-Type", METRICS_TYPE)), new Body.Text(metricsText()), JsonStyle.GO) : error.make(501, "This server does not support metrics endpoint. Start it with `--metrics`");
        }
        return null;
    }

    private static Reply body(Call call, ErrorReply error, java.util.function.Function<JsonObject, Reply> answer) {
        JsonObject request;
        try {
            request = JsonReader.parseObject(call.request().body());
        } catch (JsonSyntaxException e) {
            return error.make(500, "[json.exception.parse_error.101] parse error: " + e.getMessage());
        }
        return answer.apply(request);
    }

    /** 20-POST-tokenize.http and its variants: add_special false, parse_special true, with_pieces false by default. */
    private synchronized JsonObject tokenize(JsonObject request) {
        String content = request.string("content").orElse("");
        boolean addSpecial = request.bool("add_special").orElse(false);
        boolean parseSpecial = request.bool("parse_special").orElse(true);
        boolean withPieces = request.bool("with_pieces").orElse(false);
        List<Object> out = new ArrayList<>();
        if (addSpecial) {
            out.add(token(BOS, "<s>", withPieces));
        }
        // llama.cpp's SentencePiece path: text between special tokens is tokenized apart, each such
        // fragment after the start or a special token with a space put before it (20c).
        boolean afterSpecial = true;
        int i = 0;
        while (i < content.length()) {
            if (parseSpecial && content.startsWith("<s>", i)) {
                out.add(token(BOS, "<s>", withPieces));
                i += 3;
                afterSpecial = true;
                continue;
            }
            if (parseSpecial && content.startsWith("</s>", i)) {
                out.add(token(EOS, "</s>", withPieces));
                i += 4;
                afterSpecial = true;
                continue;
            }
            int end = i;
            while (end < content.length() && !(parseSpecial && (content.startsWith("<s>", end)
                    || content.startsWith("</s>", end)))) {
                end++;
            }
            words(afterSpecial ? " " + content.substring(i, end) : content.substring(i, end), withPieces, out);
            afterSpecial = false;
            i = end;
        }
        return new JsonObject().put("tokens", out);
    }

    /** Splits a fragment before each space, each word keeping the space before it. */
    private void words(String text, boolean withPieces, List<Object> out) {
        int i = 0;
        while (i < text.length()) {
            int end = i + 1;
            while (end < text.length() && text.charAt(end) != ' ') {
                end++;
            }
            String word = text.substring(i, end);
            Integer id = ids.get(word);
            if (id == null) {
                id = FIRST_WORD_ID + ids.size();
                piece(word, id);
            }
            out.add(token(id, word, withPieces));
            i = end;
        }
    }

    private static Object token(int id, String piece, boolean withPieces) {
        return withPieces ? new JsonObject().put("id", id).put("piece", piece) : (Object) id;
    }

    /** 21-POST-detokenize.http; ids outside the vocabulary as 21c and 21d. */
    private synchronized Reply detokenize(JsonObject request, ErrorReply error, ReplyMaker json) {
        StringBuilder text = new StringBuilder();
        for (Object o : request.array("tokens").orElse(List.of())) {
            if (!(o instanceof JsonNumber number)) {
                return error.make(500, "[json.exception.type_error.302] type must be number, but is "
                        + (o instanceof String ? "string" : "object"));
            }
            long id = new BigDecimal(number.lexeme()).longValue();
            if (id < 0 || id >= VOCABULARY) {
                String n = id < 0 ? Long.toUnsignedString(id) : Long.toString(id);
                return error.make(500, "vector::_M_range_check: __n (which is " + n + ") >= this->size() (which is "
                        + VOCABULARY + ")");
            }
            int t = (int) id;
            text.append(t == BOS ? "<s>" : t == EOS ? "</s>" : pieces.getOrDefault(t, ""));
        }
        return json.make(new JsonObject().put("content", text.toString()));
    }

    /** 22-GET-slots.http: a slot that never served says only its id and context; the last used one says its task. */
    private synchronized List<Object> slots(int context) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < LlamaCppDialect.TOTAL_SLOTS; i++) {
            JsonObject slot = new JsonObject().put("id", i).put("n_ctx", context).put("speculative", false)
                    .put("is_processing", false);
            if (i == 0 && last != null) {
                slot.put("id_task", tasks - 1).put("n_prompt_tokens", last.promptTokens())
                        .put("n_prompt_tokens_processed", last.promptTokens() - last.answer().cachedPromptTokens())
                        .put("n_prompt_tokens_cache", last.answer().cachedPromptTokens())
                        .put("params", LlamaCppDialect.params())
                        .put("next_token", List.of(new JsonObject().put("has_next_token", false).put("has_new_line", false)
                                .put("n_remain", -1).put("n_decoded", last.completionTokens())));
            }
            out.add(slot);
        }
        return out;
    }

    /** 23-GET-metrics.http: the same lines in the same order, numbers as C++ streams print them. */
    private synchronized String metricsText() {
        StringBuilder out = new StringBuilder();
        counter(out, "prompt_tokens_total", "Number of prompt tokens processed, excluding cached tokens", promptTokens);
        counter(out, "prompt_tokens_cached_total", "Number of prompt tokens reused from the cache", cachedTokens);
        counter(out, "prompt_seconds_total", "Total time spent processing prompts", promptSeconds);
        counter(out, "tokens_predicted_total", "Number of generation tokens processed", predictedTokens);
        counter(out, "tokens_predicted_seconds_total", "Total time spent generating tokens", predictedSeconds);
        counter(out, "n_decode_total", "Total number of llama_decode() calls, excluding speculative decoding and"
                + " multimodal decoding", decodes);
        counter(out, "n_tokens_max", "Largest observed sequence length (prompt + generation)", maxTokens);
        counter(out, "spec_decode_num_draft_tokens_total", "Speculative: Total draft tokens generated", 0);
        counter(out, "spec_decode_num_accepted_tokens_total", "Speculative: Total draft tokens accepted by the target"
                + " model", 0);
        counter(out, "spec_decode_num_drafts_total", "Speculative: Total speculative decoding verification steps", 0);
        gauge(out, "prompt_tokens_seconds", "Average prompt throughput in tokens/s",
                promptSeconds > 0 ? promptTokens / promptSeconds : 0);
        gauge(out, "predicted_tokens_seconds", "Average generation throughput in tokens/s",
                predictedSeconds > 0 ? generatedTokens / predictedSeconds : 0);
        gauge(out, "requests_processing", "Number of requests processing", 0);
        gauge(out, "requests_deferred", "Number of requests deferred", 0);
        gauge(out, "n_busy_slots_per_decode", "Average number of busy slots per llama_decode() call", decodes > 0 ? 1 : 0);
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, double value) {
        sample(out, name, help, "counter", value);
    }

    private static void gauge(StringBuilder out, String name, String help, double value) {
        sample(out, name, help, "gauge", value);
    }

    private static void sample(StringBuilder out, String name, String help, String type, double value) {
        out.append("# HELP llamacpp:").append(name).append(' ').append(help).append('\n')
                .append("# TYPE llamacpp:").append(name).append(' ').append(type).append('\n')
                .append("llamacpp:").append(name).append(' ').append(number(value)).append('\n');
    }

    /** A number as a C++ ostream prints it by default ({@code %g}, six significant digits): 0.003502, 14277.6, 50. */
    static String number(double v) {
        if (v == 0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(6));
        int exponent = d.precision() - d.scale() - 1;
        if (exponent < -4 || exponent >= 6) {
            BigDecimal mantissa = d.movePointLeft(exponent).stripTrailingZeros();
            return mantissa.toPlainString() + String.format(Locale.ROOT, "e%s%02d", exponent < 0 ? "-" : "+",
                    Math.abs(exponent));
        }
        return d.stripTrailingZeros().toPlainString();
    }

    /** Makes an error reply in the server's shape. */
    @FunctionalInterface
    interface ErrorReply {
        Reply make(int status, String message);
    }

    /** Makes a JSON reply in the server's style. */
    @FunctionalInterface
    interface ReplyMaker {
        Reply make(Object tree);
    }
}
