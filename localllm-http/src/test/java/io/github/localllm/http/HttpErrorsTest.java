package io.github.localllm.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.ContextOverflowException;
import io.github.localllm.GenerationException;
import io.github.localllm.GenerationTimeoutException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelNotFoundException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The error bodies are the servers' own, from /work/shared/protocols (llama.cpp ones captured live). */
class HttpErrorsTest {
    private static final ErrorContext OLLAMA = ErrorContext.of("Ollama", "POST",
            URI.create("http://127.0.0.1:11434/api/chat")).withUnavailableHint("is Ollama running? start it with `ollama serve`");
    private static final ErrorContext LLAMA = ErrorContext.of("llama-server", "POST",
            URI.create("http://127.0.0.1:8080/v1/chat/completions"));

    private static HttpHeaders headers(String... namesAndValues) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], List.of(namesAndValues[i + 1]));
        }
        return HttpHeaders.of(map, (name, value) -> true);
    }

    private static LocalLlmException map(int status, String body, ErrorContext context) {
        return HttpErrors.fromResponse(status, body, headers(), context);
    }

    @Test
    void ollamaModelNotFoundInBothWordingsNamesTheModelAndTheFix() {
        ErrorContext context = OLLAMA.withModel("llama3.2", "run `ollama pull llama3.2`");

        for (String body : List.of("{\"error\":\"model 'llama3.2' not found\"}",
                "{\"error\":\"model \\\"llama3.2\\\" not found, try pulling it first\"}")) {
            assertThat(map(404, body, context))
                    .isExactlyInstanceOf(ModelNotFoundException.class)
                    .hasMessageStartingWith("model 'llama3.2' is not available on Ollama at http://127.0.0.1:11434/api/chat")
                    .hasMessageContaining("HTTP 404: model ")
                    .hasMessageEndingWith("; run `ollama pull llama3.2`");
        }
    }

    @Test
    void openAiAndVllmModelNotFoundShapesAllMeanAMissingModel() {
        List<String> bodies = List.of(
                "{\"error\":{\"message\":\"The model `gpt-4o-mini` does not exist or you do not have access to it.\","
                        + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"model_not_found\"}}",
                "{\"error\":{\"message\":\"The model `model` does not exist.\",\"type\":\"NotFoundError\","
                        + "\"param\":null,\"code\":404}}",
                "{\"object\":\"error\",\"message\":\"The model `model` does not exist.\",\"type\":\"NotFoundError\","
                        + "\"param\":null,\"code\":404}",
                "{\"error\":{\"message\":\"model 'gpt-4o' not found\",\"type\":\"not_found_error\",\"param\":null,"
                        + "\"code\":null}}");

        for (String body : bodies) {
            assertThat(map(404, body, LLAMA)).as(body)
                    .isExactlyInstanceOf(ModelNotFoundException.class)
                    .hasMessageContaining("llama-server at http://127.0.0.1:8080/v1/chat/completions does not have the model")
                    .hasMessageContaining(HttpErrors.parse(body).orElseThrow().message())
                    .hasMessageNotContaining("{");
        }
        assertThat(map(400, bodies.get(0), LLAMA)).isExactlyInstanceOf(ModelNotFoundException.class);
    }

    @Test
    void aMissingEndpointIsNotAMissingModel() {
        LocalLlmException e = map(404, "{\"error\":{\"message\":\"File Not Found\",\"type\":\"not_found_error\",\"code\":404}}",
                OLLAMA.withModel("llama3.2", "run `ollama pull llama3.2`"));

        assertThat(e).isExactlyInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("does not serve POST on this address (HTTP 404: File Not Found)")
                .hasMessageEndingWith("; is Ollama running? start it with `ollama serve`");
        assertThat(map(404, "404 page not found", LLAMA)).isExactlyInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("HTTP 404: 404 page not found");
        assertThat(map(405, "", LLAMA)).isExactlyInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("HTTP 405, no message");
    }

    @Test
    void badRequestsAreInvalidRequestsWithTheServersReason() {
        assertThat(map(400, "{\"error\":{\"code\":400,\"message\":\"Failed to parse grammar\",\"type\":\"invalid_request_error\"}}", LLAMA))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("rejected the request (HTTP 400: Failed to parse grammar)");
        assertThat(map(400, "{\"error\":\"\\\"llama3.2\\\" does not support thinking\"}", OLLAMA))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("\"llama3.2\" does not support thinking");
        assertThat(map(422, "{\"detail\":[{\"loc\":[\"body\",\"messages\"],\"msg\":\"Field required\",\"type\":\"missing\"}]}", LLAMA))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("HTTP 422: body.messages: Field required");
    }

    @Test
    void aPromptBeyondTheContextIsAContextOverflowWhenTheCountsAreKnown() {
        String llamaCpp = "{\"error\":{\"code\":400,\"message\":\"request (2141 tokens) exceeds the available context size "
                + "(512 tokens), try increasing it\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":2141,\"n_ctx\":512}}";
        String openAi = "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens. However, your messages "
                + "resulted in 13392 tokens. Please reduce the length of the messages.\",\"type\":\"invalid_request_error\","
                + "\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}";
        String vllm = "{\"object\":\"error\",\"message\":\"This model's maximum context length is 2048 tokens. However, you "
                + "requested 3000 tokens (2000 in the messages, 1000 in the completion). Please reduce the length of the "
                + "messages or completion.\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}";

        assertThat(map(400, llamaCpp, LLAMA)).isInstanceOfSatisfying(ContextOverflowException.class, e -> {
            assertThat(e.promptTokens()).isEqualTo(2141);
            assertThat(e.contextSize()).isEqualTo(512);
        });
        assertThat(map(400, openAi, LLAMA)).isInstanceOfSatisfying(ContextOverflowException.class, e -> {
            assertThat(e.promptTokens()).isEqualTo(13392);
            assertThat(e.contextSize()).isEqualTo(8192);
        });
        assertThat(map(400, vllm, LLAMA)).isInstanceOfSatisfying(ContextOverflowException.class, e -> {
            assertThat(e.promptTokens()).isEqualTo(2000);
            assertThat(e.contextSize()).isEqualTo(2048);
        });
    }

    @Test
    void aPromptBeyondTheContextWithoutCountsIsStillNamedAsSuch() {
        assertThat(map(400, "{\"error\":\"the input length exceeds the context length\"}", OLLAMA))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("the prompt does not fit in the model's context")
                .hasMessageContaining("the input length exceeds the context length")
                .hasMessageContaining("larger context size");
    }

    @Test
    void refusedCredentialsAreAnAuthenticationError() {
        assertThat(map(401, "{\"error\":{\"code\":401,\"message\":\"Invalid API Key\",\"type\":\"authentication_error\"}}", LLAMA))
                .isInstanceOfSatisfying(AuthenticationException.class, e -> assertThat(e.status()).isEqualTo(401))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("refused the request's credentials (HTTP 401: Invalid API Key)")
                .hasMessageContaining("check the API key");
        assertThat(map(403, "{\"error\":\"unauthorized\",\"signin_url\":\"https://ollama.com/connect\"}", OLLAMA))
                .isInstanceOfSatisfying(AuthenticationException.class, e -> assertThat(e.status()).isEqualTo(403));
    }

    @Test
    void tooManyRequestsAndBusyServersCarryTheirRetryAfter() {
        LocalLlmException limited = HttpErrors.fromResponse(429, "{\"error\":{\"message\":\"Rate limit reached\"}}",
                headers("Retry-After", "7"), LLAMA);
        LocalLlmException loading = HttpErrors.fromResponse(503,
                "{\"error\":{\"message\":\"Loading model\",\"type\":\"unavailable_error\",\"code\":503}}", headers(), LLAMA);

        assertThat(limited).isInstanceOfSatisfying(ServerBusyException.class, e -> {
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
            assertThat(e.status()).isEqualTo(429);
        }).hasMessageContaining("Rate limit reached").hasMessageEndingWith("retry after 7 s");
        assertThat(loading).isInstanceOfSatisfying(ServerBusyException.class, e -> assertThat(e.retryAfter()).isEmpty())
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("busy or still loading a model (HTTP 503: Loading model)")
                .hasMessageEndingWith("retry in a moment");
    }

    @Test
    void readsRetryAfterAsSecondsOrAsAnHttpDate() {
        Instant now = Instant.parse("2015-10-21T07:27:00Z");

        assertThat(HttpErrors.retryAfter("120", now)).contains(Duration.ofSeconds(120));
        assertThat(HttpErrors.retryAfter(" 0 ", now)).contains(Duration.ZERO);
        assertThat(HttpErrors.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now)).contains(Duration.ofSeconds(60));
        assertThat(HttpErrors.retryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now)).contains(Duration.ZERO);
        assertThat(HttpErrors.retryAfter("soon", now)).isEmpty();
        assertThat(HttpErrors.retryAfter("-5", now)).isEmpty();
        assertThat(HttpErrors.retryAfter(headers(), now)).isEmpty();
    }

    @Test
    void serverFailuresSayWhetherTheServerOrTheWayToItFailed() {
        assertThat(map(500, "{\"error\":\"the model failed to generate a response\"}", OLLAMA))
                .isExactlyInstanceOf(GenerationException.class)
                .hasMessageContaining("failed while handling the request (HTTP 500: the model failed to generate a response)");
        assertThat(map(501, "{\"error\":{\"code\":501,\"message\":\"This server does not support embeddings. Start it with "
                + "`--embeddings`\",\"type\":\"not_supported_error\"}}", LLAMA))
                .isExactlyInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("Start it with `--embeddings`");
        assertThat(map(502, "upstream connect error", OLLAMA)).isExactlyInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("gateway or proxy").hasMessageContaining("ollama serve");
        assertThat(map(408, "", LLAMA)).isExactlyInstanceOf(GenerationTimeoutException.class);
    }

    @Test
    void anHtmlPageIsNamedAsSuchWithItsTitleAndNeverDumped() {
        String page = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head>"
                + "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.25.3</center>"
                + "<p>" + "filler ".repeat(20_000) + "</p></body></html>";

        LocalLlmException e = map(502, page, OLLAMA);

        assertThat(e).isExactlyInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("answered HTTP 502 with an HTML page (\"502 Bad Gateway\")")
                .hasMessageContaining("a proxy, a login portal or another program answered")
                .hasMessageContaining("ollama serve")
                .hasMessageNotContaining("<").hasMessageNotContaining("filler");
        assertThat(e.getMessage()).hasSizeLessThan(500);
    }

    @Test
    void anHtmlPageWithoutTitleShowsTheStartOfItsTextOnly() {
        String page = "<html><script>var secret = 1;</script><body><h1>Welcome to nginx!</h1><p>If you see this page, "
                + "the nginx web server is successfully installed." + " More text.".repeat(5000) + "</p></body></html>";

        LocalLlmException e = HttpErrors.fromResponse(200, page, headers("Content-Type", "text/html"), OLLAMA);

        assertThat(e).hasMessageContaining("HTTP 200 with an HTML page (\"Welcome to nginx! If you see this page")
                .hasMessageNotContaining("var secret");
        assertThat(e.getMessage()).hasSizeLessThan(600);
        assertThat(map(403, "<html><title>Access denied</title></html>", OLLAMA))
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("Access denied");
    }

    @Test
    void aLongServerMessageIsShortened() {
        String body = "{\"error\":\"" + "x".repeat(100_000) + "\"}";

        assertThat(map(400, body, OLLAMA).getMessage()).hasSizeLessThan(600).contains("xxx...");
    }

    @Test
    void aRedirectIsNotFollowedButExplained() {
        LocalLlmException e = HttpErrors.fromResponse(301, "", headers("Location", "https://elsewhere.example/v1/models"), LLAMA);

        assertThat(e).isExactlyInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("redirected the request (HTTP 301, no message) to https://elsewhere.example/v1/models")
                .hasMessageContaining("configure the final address");
    }

    @Test
    void findsAnErrorInAnOkBodyOnlyWhenOneIsThere() {
        assertThat(HttpErrors.errorInOkBody("{\"error\":\"Unexpected endpoint or method. (GET /api/v0/load)\"}"))
                .map(ServerError::message).contains("Unexpected endpoint or method. (GET /api/v0/load)");
        assertThat(HttpErrors.errorInOkBody("{\"object\":\"list\",\"data\":[]}")).isEmpty();
        assertThat(HttpErrors.errorInOkBody("{\"id\":\"batch_1\",\"error\":null}")).isEmpty();
        assertThat(HttpErrors.errorInOkBody("{\"error\":\"\"}")).isEmpty();
        assertThat(HttpErrors.errorInOkBody("Ollama is running")).isEmpty();
        assertThat(HttpErrors.errorInOkBody("{\"error\": ")).isEmpty();
    }

    @Test
    void mapsErrorsInsideAStream() {
        JsonMapper mapper = JsonMapper.builder().build();
        ServerError midStream = HttpErrors.errorIn(mapper.readTree(
                "{\"error\":{\"message\":\"CUDA error: out of memory\",\"type\":\"InternalServerError\",\"code\":500}}"))
                .orElseThrow();
        ServerError overflow = HttpErrors.errorIn(mapper.readTree(
                "{\"error\":{\"code\":400,\"message\":\"request (9000 tokens) exceeds the available context size "
                        + "(4096 tokens), try increasing it\",\"type\":\"exceed_context_size_error\"}}")).orElseThrow();

        assertThat(midStream.code()).contains("500");
        assertThat(midStream.type()).contains("InternalServerError");
        assertThat(HttpErrors.fromStreamError(midStream, LLAMA))
                .isExactlyInstanceOf(GenerationException.class)
                .hasMessageContaining("reported an error in the middle of its answer (CUDA error: out of memory)");
        assertThat(HttpErrors.fromStreamError(overflow, LLAMA)).isInstanceOfSatisfying(ContextOverflowException.class,
                e -> assertThat(e.promptTokens()).isEqualTo(9000));
        assertThat(HttpErrors.fromStreamError(ServerError.of("an error was encountered while running the model"), OLLAMA))
                .isExactlyInstanceOf(GenerationException.class);
    }

    @Test
    void parsesEveryKnownShapeAndNothingElse() {
        assertThat(HttpErrors.parse("{\"detail\":\"Not Found\"}")).map(ServerError::message).contains("Not Found");
        assertThat(HttpErrors.parse("{\"message\":\"plain\"}")).map(ServerError::message).contains("plain");
        assertThat(HttpErrors.parse("{\"models\":[]}")).isEmpty();
        assertThat(HttpErrors.parse("Internal Server Error")).isEmpty();
        assertThat(HttpErrors.parse("{\"error\":{\"message\":\"m\",\"code\":\"c\",\"n_prompt_tokens\":5,\"n_ctx\":4}}"))
                .hasValueSatisfying(e -> {
                    assertThat(e.code()).contains("c");
                    assertThat(e.promptTokens()).hasValue(5);
                    assertThat(e.contextSize()).hasValue(4);
                });
    }
}
