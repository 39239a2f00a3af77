package io.github.localllm.http;

import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelDownloadException;
import io.github.localllm.ModelNotFoundException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A failed range request's answer as an exception of the family, in the terms of a model hub: the
 * Hugging Face Hub says what went wrong in {@code X-Error-Code} and {@code X-Error-Message}
 * ({@code RepoNotFound}, {@code GatedRepo}, {@code EntryNotFound}, ...; see
 * {@code shared/protocols/hf/resolve-errors.http}), other servers in the body. It answers 401 both
 * for a repository that does not exist and for one that is private or gated, so the message names
 * every cause.
 */
final class HubErrors {
    private HubErrors() {
    }

    /**
     * @param label the address asked, without credentials
     * @param status the answer's status, not 206
     * @param headers its headers
     * @param body the start of its body
     * @return what to throw
     */
    static LocalLlmException of(String label, int status, HttpHeaders headers, byte[] body) {
        String code = headers.firstValue("X-Error-Code").orElse("");
        String serverSays = headers.firstValue("X-Error-Message")
                .or(() -> Optional.of(new String(body, StandardCharsets.UTF_8).strip()))
                .filter(s -> !s.isEmpty())
                .map(s -> " (" + (code.isEmpty() ? "" : code + ": ") + Text.excerpt(s) + ")")
                .orElse(code.isEmpty() ? "" : " (" + code + ")");
        String what = label + " answered HTTP " + status + serverSays;
        return switch (status) {
            case 401, 403 -> new ModelNotFoundException(what + "; the repository or file does not "
                    + "exist, or it is private or gated: check the address, accept the model's terms on its page and "
                    + "pass an access token (Authorization: Bearer ...)");
            case 404, 410 -> new ModelNotFoundException(what
                    + "; the file is not there: check the repository, revision and file name");
            case 200 -> new ModelDownloadException(what + " to a range request: the server "
                    + "does not serve byte ranges, so the header cannot be read without downloading the whole file; "
                    + "download it and read it locally");
            case 429 -> new ModelDownloadException(what + "; too many requests"
                    + headers.firstValue("Retry-After").map(s -> ", retry after " + s + " s").orElse(", retry later"));
            default -> new ModelDownloadException(what
                    + (status >= 500 ? "; the server failed, retry later" : "; this request is not accepted there"));
        };
    }
}
