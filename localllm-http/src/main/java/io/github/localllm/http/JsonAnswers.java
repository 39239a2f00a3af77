package io.github.localllm.http;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.GenerationException;
import io.github.localllm.LocalLlmException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Reads the body of a 2xx answer as what the caller asked for, and tells apart what only looks
 * like success: an HTML page from another program on the port, an empty body, text that is not
 * JSON, and LM Studio's errors that come with HTTP 200.
 */
final class JsonAnswers {
    /** A 200 body worth reading whole: an error object. */
    private static final Pattern ERROR_FIRST = Pattern.compile("^\\s*\\{\\s*\"error\"\\s*:");
    private static final Pattern HTML_START = Pattern.compile("(?is)^\\s*(<!doctype html|<html|<head|<body)");
    private static final HttpHeaders NO_HEADERS = HttpHeaders.of(Map.of(), (name, value) -> true);

    private final ObjectMapper mapper;
    private final UnaryOperator<String> redact;

    /** @param redact masks credentials in server text that a message quotes */
    JsonAnswers(ObjectMapper mapper, UnaryOperator<String> redact) {
        this.mapper = mapper;
        this.redact = redact;
    }

    JsonNode tree(Answer answer) {
        try (StreamingBody body = answer.body()) {
            InputStream in = unclosable(body);
            head(in, answer);
            JsonNode node = mapper.readTree(in);
            failIfError(node, answer);
            // Read to the end so that the connection goes back to the pool.
            body.discard(Long.MAX_VALUE);
            return node;
        } catch (StreamReadException e) {
            throw notJson(e, answer);
        }
    }

    <T> T bind(Answer answer, Class<T> type) {
        try (StreamingBody body = answer.body()) {
            InputStream in = unclosable(body);
            byte[] head = head(in, answer);
            T value;
            if (ERROR_FIRST.matcher(new String(head, StandardCharsets.UTF_8)).find()) {
                JsonNode node = mapper.readTree(in);
                failIfError(node, answer);
                value = mapper.treeToValue(node, type);
            } else {
                value = mapper.readerFor(type).readValue(in);
            }
            if (value == null) {
                throw new GenerationException(answer.context().where() + " answered JSON null where "
                        + type.getSimpleName() + " was expected; check that the server is the expected kind and version");
            }
            body.discard(Long.MAX_VALUE);
            return value;
        } catch (StreamReadException e) {
            throw notJson(e, answer);
        } catch (JacksonException e) {
            throw new GenerationException(answer.context().where() + " answered JSON of an unexpected shape for "
                    + type.getSimpleName() + " (" + Text.excerpt(e.getOriginalMessage()) + "); the server's version "
                    + "may differ from what this client supports", e);
        }
    }

    /** Reads a body that should hold nothing of interest, failing if it holds an error. */
    void discard(Answer answer) {
        String text = redact.apply(answer.body().readText(HttpTransport.ERROR_BODY_CAP));
        Optional<ServerError> error = HttpErrors.errorInOkBody(text);
        if (error.isPresent()) {
            throw okBodyError(error.get(), answer.context());
        }
    }

    /**
     * Checks that an answer to a streaming request is not an HTML page or a lone error object, which
     * would otherwise reach a stream reader as garbage. Waits for the first bytes only when the
     * content type is not a streaming one.
     */
    void checkStream(Answer answer) {
        String type = answer.response().headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (!type.startsWith("text/html") && !type.startsWith("application/json")) {
            return;
        }
        StreamingBody body = answer.body();
        ByteBuffer first = body.peek();
        String head = first == null ? "" : StandardCharsets.UTF_8.decode(first).toString();
        if (type.startsWith("text/html") || HTML_START.matcher(head).find()) {
            String page = redact.apply(body.readText(HttpTransport.ERROR_BODY_CAP));
            throw HttpErrors.fromResponse(answer.status(), page, answer.response().headers(), answer.context());
        }
        if (ERROR_FIRST.matcher(head).find()) {
            String text = redact.apply(body.readText(HttpTransport.ERROR_BODY_CAP));
            Optional<ServerError> error = HttpErrors.errorInOkBody(text);
            if (error.isPresent()) {
                throw okBodyError(error.get(), answer.context());
            }
            throw new GenerationException(answer.context().where() + " answered a streaming request with one JSON "
                    + "object (" + Text.excerpt(text) + "); check that the request asks for a stream");
        }
    }

    /** Reads the first bytes without consuming them, and rejects an empty body or an HTML page. */
    private byte[] head(InputStream in, Answer answer) {
        try {
            in.mark(1024);
            byte[] head = in.readNBytes(512);
            in.reset();
            String text = new String(head, StandardCharsets.UTF_8);
            String type = answer.response().headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
            if (type.startsWith("text/html") || HTML_START.matcher(text).find()) {
                String page = text + new String(in.readNBytes(HttpTransport.ERROR_BODY_CAP), StandardCharsets.UTF_8);
                throw HttpErrors.fromResponse(answer.status(), redact.apply(page), answer.response().headers(),
                        answer.context());
            }
            if (text.isBlank()) {
                throw new BackendUnavailableException(answer.context().where() + " answered HTTP " + answer.status()
                        + " with an empty body where JSON was expected; check that the address points at the expected "
                        + "server");
            }
            return head;
        } catch (IOException e) {
            throw new GenerationException("reading the answer from " + answer.context().where() + " failed ("
                    + Text.describe(e) + "); retry the request", e);
        }
    }

    private void failIfError(JsonNode node, Answer answer) {
        Optional<ServerError> error = HttpErrors.errorIn(node);
        if (error.isPresent()) {
            throw okBodyError(error.get(), answer.context());
        }
    }

    /** An error inside a 200 answer fails as the status it names, or else as an unknown endpoint. */
    private static LocalLlmException okBodyError(ServerError error, ErrorContext context) {
        int status = error.code().filter(c -> c.matches("[45]\\d\\d")).map(Integer::parseInt)
                .orElse(error.message().startsWith("Unexpected endpoint") ? 404 : 500);
        return HttpErrors.fromError(status, error, NO_HEADERS, context);
    }

    private static LocalLlmException notJson(StreamReadException e, Answer answer) {
        return new BackendUnavailableException(answer.context().where() + " answered HTTP " + answer.status()
                + " with a body that is not JSON (" + Text.excerpt(e.getOriginalMessage()) + "); another kind of "
                + "server may be listening there" + answer.context().unavailableAdvice("check the address and port"), e);
    }

    /** Jackson closes what it parses; the body must stay open so it can be drained for reuse. */
    private static InputStream unclosable(StreamingBody body) {
        return new BufferedInputStream(new FilterInputStream(body) {
            @Override
            public void close() {
                // The caller closes the body.
            }
        }, 8192);
    }
}
