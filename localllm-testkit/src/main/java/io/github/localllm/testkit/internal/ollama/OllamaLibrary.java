package io.github.localllm.testkit.internal.ollama;

import static io.github.localllm.testkit.internal.ollama.OllamaReplies.NDJSON;
import static io.github.localllm.testkit.internal.ollama.OllamaReplies.body;
import static io.github.localllm.testkit.internal.ollama.OllamaReplies.error;
import static io.github.localllm.testkit.internal.ollama.OllamaReplies.json;

import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.internal.Body;
import io.github.localllm.testkit.internal.Call;
import io.github.localllm.testkit.internal.Chunk;
import io.github.localllm.testkit.internal.EngineState;
import io.github.localllm.testkit.internal.Framing;
import io.github.localllm.testkit.internal.ModelTable;
import io.github.localllm.testkit.internal.Reply;
import io.github.localllm.testkit.internal.json.JsonObject;
import io.github.localllm.testkit.internal.json.JsonStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Ollama's model library: {@code /api/tags}, {@code /api/ps}, {@code /api/show}, {@code /api/pull}, {@code DELETE /api/delete}. */
final class OllamaLibrary {
    private final EngineState state;
    private final OllamaModels models;
    private final List<FakeModel> pullable;

    OllamaLibrary(EngineState state, OllamaModels models, List<FakeModel> pullable) {
        this.state = state;
        this.models = models;
        this.pullable = List.copyOf(pullable);
    }

    Reply tags() {
        List<Object> entries = new ArrayList<>();
        for (FakeModel m : state.models().all()) {
            entries.add(OllamaJson.tagsEntry(OllamaModels.displayName(m), m));
        }
        return json(200, new JsonObject().put("models", entries));
    }

    /** Loaded models, the one that stays longest first (server/routes.go PsHandler). */
    Reply ps() {
        List<Object> entries = new ArrayList<>();
        state.models().loaded().stream()
                .sorted(Comparator.comparing((ModelTable.Entry e) -> models.expiry(e.expiresAt())).reversed())
                .forEach(e -> entries.add(OllamaJson.psEntry(OllamaModels.displayName(e.model()), e.model(),
                        models.expiry(e.expiresAt()), models.context(e.model()))));
        return json(200, new JsonObject().put("models", entries));
    }

    Reply show(JsonObject request, String requested, FakeModel model) {
        return json(200, OllamaJson.show(model));
    }

    Reply pull(Call call) {
        Object parsed = body(call, "PullRequest");
        if (parsed instanceof Reply error) {
            return error;
        }
        JsonObject request = (JsonObject) parsed;
        String name = request.string("model").or(() -> request.string("name")).orElse("");
        boolean stream = request.bool("stream").orElse(true);
        Optional<FakeModel> model = models.resolve(name).or(() -> pullable.stream()
                .filter(m -> m.name().equals(name) || OllamaModels.displayName(m).equals(name)
                        || OllamaModels.displayName(m).equals(name + ":latest"))
                .findFirst());
        if (model.isEmpty()) {
            String message = "pull model manifest: file does not exist";
            if (!stream) {
                return Reply.json(500, "application/json", new JsonObject().put("error", message), JsonStyle.GO);
            }
            return Reply.stream(NDJSON, Framing.NDJSON, List.of(
                    Chunk.json(() -> new JsonObject().put("status", "pulling manifest")),
                    Chunk.json(() -> new JsonObject().put("error", message))), JsonStyle.GO);
        }
        FakeModel m = model.get();
        state.models().add(m.withLoaded(false));
        if (!stream) {
            return Reply.json(200, "application/json", new JsonObject().put("status", "success"), JsonStyle.GO);
        }
        // server/images.go PullModel + server/download.go: fixtures/ollama/pull-stream-response-constructed.ndjson.
        String digest = OllamaJson.digest(m.name());
        String layer = "pulling " + digest.substring(0, 12);
        long size = m.sizeBytes();
        List<Chunk> chunks = List.of(
                Chunk.json(() -> new JsonObject().put("status", "pulling manifest")),
                Chunk.json(() -> new JsonObject().put("status", layer).put("digest", "sha256:" + digest).put("total", size)),
                Chunk.json(() -> new JsonObject().put("status", layer).put("digest", "sha256:" + digest).put("total", size)
                        .put("completed", size / 2)),
                Chunk.json(() -> new JsonObject().put("status", layer).put("digest", "sha256:" + digest).put("total", size)
                        .put("completed", size)),
                Chunk.json(() -> new JsonObject().put("status", "verifying sha256 digest")),
                Chunk.json(() -> new JsonObject().put("status", "writing manifest")),
                Chunk.json(() -> new JsonObject().put("status", "success")));
        return Reply.stream(NDJSON, Framing.NDJSON, chunks, JsonStyle.GO);
    }

    /**
     * server/routes.go CopyHandler: the copy shares the source's files; 200 with an empty body, 404
     * {@code model "x" not found} (Go's %q) when the source is missing.
     */
    Reply copy(Call call) {
        Object parsed = body(call, "CopyRequest");
        if (parsed instanceof Reply error) {
            return error;
        }
        JsonObject request = (JsonObject) parsed;
        String source = request.string("source").orElse("");
        String destination = request.string("destination").orElse("");
        if (source.isEmpty()) {
            return error(400, "source \"\" is invalid");
        }
        if (destination.isEmpty()) {
            return error(400, "destination \"\" is invalid");
        }
        Optional<FakeModel> model = models.resolve(source);
        if (model.isEmpty()) {
            return error(404, "model " + OllamaReplies.goQuote(source) + " not found");
        }
        FakeModel m = model.get();
        state.models().add(new FakeModel(destination.contains(":") ? destination : destination + ":latest", m.sizeBytes(),
                m.quantization(), m.contextLength(), false, m.family(), m.parameterSize(), m.embedding(), m.modifiedAt(),
                m.capabilities()));
        return new Reply(200, List.of(), new Body.Empty(), JsonStyle.GO);
    }

    Reply delete(Call call) {
        Object parsed = body(call, "DeleteRequest");
        if (parsed instanceof Reply error) {
            return error;
        }
        JsonObject request = (JsonObject) parsed;
        String name = request.string("model").or(() -> request.string("name")).orElse("");
        Optional<FakeModel> model = models.resolve(name);
        if (model.isEmpty()) {
            return error(404, "model '" + name + "' not found");
        }
        state.models().remove(model.get().name());
        return new Reply(200, List.of(), new Body.Empty(), JsonStyle.GO);
    }
}
