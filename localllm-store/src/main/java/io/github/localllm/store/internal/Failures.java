package io.github.localllm.store.internal;

import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelDownloadException;
import io.github.localllm.ModelNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A failed answer as an exception of the family, in the Hub's terms where it gives them
 * ({@code X-Error-Code}, {@code X-Error-Message}: {@code RepoNotFound}, {@code GatedRepo},
 * {@code EntryNotFound}, {@code RevisionNotFound}; see {@code shared/protocols/hf/resolve-errors.http}).
 * The Hub answers 401 for a missing repository and for a private or gated one alike, so the message
 * names both.
 */
public final class Failures {
    private static final int BODY_EXCERPT = 300;

    private Failures() {
    }

    /**
     * @param status an answer's status
     * @return whether trying again later may help: 408, 425, 429, 500, 502, 503, 504
     */
    public static boolean retryable(int status) {
        return status == 408 || status == 425 || status == 429 || status == 500 || status == 502 || status == 503
                || status == 504;
    }

    /**
     * @param answer an answer with a {@code Retry-After} header in seconds or as an HTTP date
     * @return the wait it asks for, if it asks
     */
    public static Optional<Duration> retryAfter(RemoteAnswer answer) {
        Optional<String> value = answer.header("Retry-After");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String v = value.get().strip();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v,
                        DateTimeFormatter.RFC_1123_DATE_TIME));
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException ignored) {
                return Optional.empty();
            }
        }
    }

    /**
     * @param label the address asked, without credentials
     * @param answer the failed answer; its body is read (a little) and closed
     * @return what to throw
     */
    public static LocalLlmException of(String label, RemoteAnswer answer) {
        int status = answer.status();
        String code = answer.header("X-Error-Code").orElse("");
        String body = excerpt(answer);
        String serverSays = answer.header("X-Error-Message").or(() -> Optional.of(body)).filter(s -> !s.isBlank())
                .map(s -> " (" + (code.isEmpty() ? "" : code + ": ") + clip(s) + ")")
                .orElse(code.isEmpty() ? "" : " (" + code + ")");
        String what = label + " answered HTTP " + status + serverSays;
        return switch (status) {
            case 401, 403 -> new ModelNotFoundException(what + (code.equals("GatedRepo")
                    ? "; the repository is gated: accept its terms on its page and pass an access token (HF_TOKEN)"
                    : "; the repository or file does not exist, or it is private or gated: check the name, and "
                            + "for a private or gated one pass an access token (HF_TOKEN)"));
            case 404, 410 -> new ModelNotFoundException(what + (code.equals("RevisionNotFound")
                    ? "; the revision does not exist: check the branch, tag or commit"
                    : "; the file is not there: check the repository, revision and file name"));
            case 429 -> new ModelDownloadException(what + "; too many requests"
                    + retryAfter(answer).map(d -> ", retry after " + d.toSeconds() + " s").orElse(", retry later"));
            default -> new ModelDownloadException(what
                    + (status >= 500 ? "; the server failed, retry later" : "; the server does not accept this request"));
        };
    }

    private static String excerpt(RemoteAnswer answer) {
        try (InputStream in = answer.response().body()) {
            return new String(in.readNBytes(BODY_EXCERPT * 4), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static String clip(String s) {
        String oneLine = s.replaceAll("\\p{Cntrl}+", " ").strip();
        return oneLine.length() <= BODY_EXCERPT ? oneLine : oneLine.substring(0, BODY_EXCERPT) + "...";
    }
}
