package io.github.localllm.testkit.internal.ollama;

import static io.github.localllm.testkit.internal.ollama.OllamaReplies.error;
import static io.github.localllm.testkit.internal.ollama.OllamaReplies.goQuote;

import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.internal.EngineState;
import io.github.localllm.testkit.internal.Reply;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** How Ollama finds a model by name ({@code llama3.2} is {@code llama3.2:latest}), keeps it loaded, and says it is missing. */
final class OllamaModels {
    private final EngineState state;
    private final boolean pullHint;

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
