package io.github.localllm.testkit.internal.ollama;

import static io.github.localllm.testkit.internal.ollama.OllamaReplies.error;
import static io.github.localllm.testkit.internal.ollama.OllamaReplies.goQuote;

import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.internal.EngineState;
import io.github.localllm.testkit.internal.Reply;
import io.github.localllm.testkit.internal.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** How Ollama finds a model by name ({@code llama3.2} is {@code llama3.2:latest}), keeps it loaded, and says it is missing. */
final class OllamaModels {
    /** The context a runner gets without {@code num_ctx} (docs: 4096; current servers pick by VRAM). */
    static final int DEFAULT_NUM_CTX = 4096;
    private final EngineState state;
    private final boolean pullHint;
    /** Each loaded model's runner context, for {@code /api/ps}. */
    private final Map<String, Integer> contexts = new ConcurrentHashMap<>();

    OllamaModels(EngineState state, boolean pullHint) {
        this.state = state;
        this.pullHint = pullHint;
    }

    Optional<FakeModel> resolve(String requested) {
        Optional<FakeModel> exact = state.models().find(requested);
        if (exact.isPresent()) {
            return exact;
        }
        if (!requested.contains(":")) {
            return state.models().find(requested + ":latest");
        }
        return requested.endsWith(":latest")
                ? state.models().find(requested.substring(0, requested.length() - ":latest".length()))
                : Optional.empty();
    }

    static String displayName(FakeModel m) {
        return m.name().contains(":") ? m.name() : m.name() + ":latest";
    }

    /**
     * The runner context a request gets: its {@code options.num_ctx}, else the default, clamped to
     * the trained context (server/sched.go {@code effectiveContext}).
     */
    static int numCtx(FakeModel model, JsonObject request) {
        int asked = request.object("options").flatMap(o -> o.number("num_ctx")).map(Double::intValue)
                .orElse(DEFAULT_NUM_CTX);
        return Math.max(4, Math.min(asked, model.contextLength()));
    }

    /** The context the model was loaded with, or the one it would get. */
    int context(FakeModel model) {
        return contexts.getOrDefault(model.name(), Math.min(DEFAULT_NUM_CTX, model.contextLength()));
    }

    void load(FakeModel model, Optional<Duration> keepAlive, int numCtx) {
        contexts.put(model.name(), numCtx);
        load(model, keepAlive);
    }

    void load(FakeModel model, Optional<Duration> keepAlive) {
        Duration d = keepAlive.orElse(KeepAlive.DEFAULT);
        // A negative keep_alive keeps the model forever; ps then shows a far-away expiry.
        Instant expires = d.isNegative() ? state.now().plus(365L * 300, ChronoUnit.DAYS) : state.now().plus(d);
        state.models().setLoaded(model.name(), true, expires);
    }

    Instant expiry(Instant expiresAt) {
        return expiresAt != null ? expiresAt : state.now().plus(KeepAlive.DEFAULT);
    }

    Reply notFound(String requested) {
        return error(404, pullHint ? "model " + goQuote(requested) + " not found, try pulling it first"
                : "model '" + requested + "' not found");
    }
}
