package io.github.localllm.backend.openai;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.GenerationException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.http.HttpCall;
import io.github.localllm.http.HttpStream;
import io.github.localllm.http.ServerBusyException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@link LlamaServerModel} over llama.cpp's own routes at the server's root ({@code /props},
 * {@code /slots}, {@code /metrics}); each GET may be repeated, so a dropped connection is retried.
 */
final class LlamaServerRoutes implements LlamaServerModel {
    /** A /metrics answer is about 3 KB; anything near this is not llama-server's. */
    private static final int METRICS_CAP = 1 << 20;

    private final OpenAiBackend backend;
    private final Runnable checkOpen;

    LlamaServerRoutes(OpenAiBackend backend, Runnable checkOpen) {
        this.backend = backend;
        this.checkOpen = checkOpen;
    }

    @Override
    public LlamaServerProps props() {
        checkOpen.run();
        return LlamaServerProps.read(backend.transport().json(get("/props")));
    }

    @Override
    public List<SlotState> slots() {
        checkOpen.run();
        try {
            return SlotState.list(backend.transport().json(get("/slots")), where());
        } catch (BackendUnavailableException e) {
            throw unsupported(e, "/slots", "it was started with `--no-slots`; start it without");
        }
    }

    @Override
    public ServerMetrics metrics() {
        checkOpen.run();
        String text;
        try (HttpStream stream = backend.transport().stream(get("/metrics"))) {
            text = read(stream.body());
        } catch (BackendUnavailableException e) {
            throw unsupported(e, "/metrics", "it was started without `--metrics`; start it with `--metrics`");
        }
        return ServerMetrics.parse(text, where());
    }

    private HttpCall get(String path) {
        if (!backend.endpoints().hasRoot()) {
            throw new InvalidRequestException("llama-server's own routes such as " + path + " sit beside /v1, but "
                    + backend.endpoints().base() + " does not end with /v1; configure the server's /v1 address");
        }
        return HttpCall.get(path).idempotent();
    }

    /** llama-server answers 501 "This server does not support ... endpoint" for a route it was started without. */
    private RuntimeException unsupported(BackendUnavailableException e, String route, String fix) {
        if (e instanceof ServerBusyException || !e.getMessage().contains("HTTP 501")) {
            return e;
        }
        return new InvalidRequestException(where() + " does not serve GET " + route + ": " + fix, e);
    }

    private String read(InputStream body) {
        try {
            byte[] bytes = body.readNBytes(METRICS_CAP + 1);
            if (bytes.length > METRICS_CAP) {
                throw new GenerationException(where() + " answered GET /metrics with more than " + METRICS_CAP
                        + " bytes; is it a llama-server?");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BackendUnavailableException(where() + " broke off its answer to GET /metrics: " + e.getMessage()
                    + "; retry", e);
        }
    }

    private String where() {
        return "llama-server at " + backend.endpoints().root();
    }

    @Override
    public String toString() {
        return "LlamaServerModel[" + backend.endpoints().root() + "]";
    }
}
