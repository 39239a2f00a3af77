package io.github.localllm.testkit.internal;

import io.github.localllm.testkit.internal.json.JsonObject;
import io.github.localllm.testkit.internal.json.JsonStyle;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hugging Face Hub's {@code /{repo}/resolve/{revision}/{path}}: a 302 to a signed CDN address with the
 * Hub's {@code X-Repo-Commit}, {@code X-Linked-Etag} and {@code X-Linked-Size}, or the Hub's error
 * answer. Header names and values follow {@code shared/protocols/hf/resolve-head-qwen-gguf-constructed.http}
 * and {@code resolve-range-206.http}; error codes, the 401-for-a-missing-repository rule and the
 * {@code {"error": "..."}} body follow {@code shared/protocols/hf/resolve-errors.http}.
 */
public final class HubProtocol implements Protocol {
    private static final Pattern RESOLVE = Pattern.compile("/([^/]+/[^/]+)/resolve/([^/]+)/(.+)");

    /**
     * A file of a repository and what the Hub says of it.
     *
     * @param size its length in bytes ({@code X-Linked-Size})
     * @param sha256 the SHA-256 of its content in hex ({@code X-Linked-Etag}); for a file kept in git, its blob id
     * @param cdnPath where the CDN serves it
     * @param inGit the content of a small file kept in git rather than LFS, which the Hub serves itself with
     *        {@code 200} and its blob id as {@code ETag} (resolve-head-non-lfs.http); null for an LFS file
     */
    public record HubFile(long size, String sha256, String cdnPath, byte[] inGit) {
        /** An LFS file, served from the CDN. */
        public HubFile(long size, String sha256, String cdnPath) {
            this(size, sha256, cdnPath, null);
        }
    }

    /**
     * A repository.
     *
     * @param files its files by path at the served commit
     * @param tokens for a gated repository, the tokens with access (accepted terms); null when not gated
     */
    public record Repository(Map<String, HubFile> files, Set<String> tokens) {
        public Repository {
            files = Map.copyOf(files);
            tokens = tokens == null ? null : Set.copyOf(tokens);
        }
    }

    private final Map<String, Repository> repositories;
    private final String commit;
    private final BiFunction<String, HubFile, String> signedLocation;

    /**
     * @param repositories repositories by id ({@code owner/name})
     * @param commit the commit every repository is at, and the revision it answers besides {@code main}
     * @param signedLocation a new signed CDN address for a file (its path in the repository, and it), at each resolve
     */
    public HubProtocol(Map<String, Repository> repositories, String commit,
            BiFunction<String, HubFile, String> signedLocation) {
        this.repositories = Map.copyOf(repositories);
        this.commit = commit;
        this.signedLocation = signedLocation;
    }

    @Override
    public Reply handle(Call call) {
        if (!call.method().equals("GET") && !call.isHead()) {
            return new Reply(405, List.of(Map.entry("Allow", "GET, HEAD")), new Body.Empty(), JsonStyle.ECMASCRIPT);
        }
        Matcher m = RESOLVE.matcher(call.path());
        if (!m.matches()) {
            return Reply.text(404, "text/plain; charset=utf-8", "Not Found");
        }
        String id = m.group(1);
        Repository repository = repositories.get(id);
        if (repository == null) {
            // The Hub does not tell a missing repository from a private one.
            return error(401, "RepoNotFound", "Invalid username or password.");
        }
        Optional<Reply> refused = gate(call, id, repository);
        if (refused.isPresent()) {
            return refused.get();
        }
        String revision = m.group(2);
        if (!revision.equals("main") && !revision.equals(commit)) {
            // The message huggingface_hub's own tests match on (tests/test_hf_api.py, "Invalid rev id").
            return error(404, "RevisionNotFound", "Invalid rev id: " + revision);
        }
        HubFile file = repository.files().get(m.group(3));
        if (file == null) {
            return error(404, "EntryNotFound", "Entry not found");
        }
        if (file.inGit() != null) {
            return inGit(call, file);
        }
        String location = signedLocation.apply(m.group(3), file);
        return new Reply(302, List.of(
                Map.entry("Content-Type", "text/plain; charset=utf-8"),
                Map.entry("Location", location),
                Map.entry("X-Repo-Commit", commit),
                Map.entry("X-Linked-Etag", "\"" + file.sha256() + "\""),
                Map.entry("X-Linked-Size", Long.toString(file.size())),
                // The 302's own ETag is not the content hash (resolve-head-lfs-2.http).
                Map.entry("ETag", "\"" + Integer.toHexString(location.hashCode()) + "\""),
                Map.entry("Accept-Ranges", "bytes"),
                Map.entry("Access-Control-Expose-Headers", "X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,"
                        + "X-Total-Count,ETag,Link,Accept-Ranges,Content-Range,X-Linked-Size,X-Linked-ETag,X-Xet-Hash")),
                new Body.Text("Found. Redirecting to " + location), JsonStyle.ECMASCRIPT);
    }

    /**
     * A file kept in git: the Hub answers itself, {@code 200} (or {@code 206} for a range) with
     * {@code X-Repo-Commit}, the quoted blob id as {@code ETag}, {@code Content-Length} and
     * {@code Accept-Ranges}, and no {@code X-Linked-*} header (resolve-head-non-lfs.http).
     */
    private Reply inGit(Call call, HubFile file) {
        Reply bytes = new RangeProtocol(Map.of(), Map.of(), Map.of(), c -> true)
                .serve(call, new RangeProtocol.Source(file.inGit(), null), false);
        List<Map.Entry<String, String>> headers = new java.util.ArrayList<>(List.of(Map.entry("X-Repo-Commit", commit),
                Map.entry("ETag", "\"" + file.sha256() + "\"")));
        headers.addAll(bytes.headers());
        return new Reply(bytes.status(), headers, bytes.body(), bytes.style());
    }

    /**
     * A gated repository without an accepted token. The texts are huggingface_hub's GatedRepoError
     * messages as users quote them: anonymous requests get 401 "...Please log in.", a token without
     * access 403 "...not in the authorized list..." (resolve-errors.http: "403 Forbidden (or 401)").
     */
    private static Optional<Reply> gate(Call call, String id, Repository repository) {
        if (repository.tokens() == null) {
            return Optional.empty();
        }
        Optional<String> authorization = call.request().header("Authorization");
        if (authorization.isEmpty()) {
            return Optional.of(error(401, "GatedRepo", "Access to model " + id + " is restricted. You must have access"
                    + " to it and be authenticated to access it. Please log in."));
        }
        String token = authorization.get().replaceFirst("(?i)^Bearer\\s+", "");
        if (!repository.tokens().contains(token)) {
            return Optional.of(error(403, "GatedRepo", "Access to model " + id + " is restricted and you are not in"
                    + " the authorized list. Visit https://huggingface.co/" + id + " to ask for access."));
        }
        return Optional.empty();
    }

    private static Reply error(int status, String code, String message) {
        return Reply.json(status, "application/json; charset=utf-8", new JsonObject().put("error", message),
                        JsonStyle.ECMASCRIPT)
                .withLeadingHeaders(List.of(Map.entry("X-Error-Code", code), Map.entry("X-Error-Message", message)));
    }

    @Override
    public Reply errorStatus(Call call, int status) {
        String message = switch (status) {
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Error " + status;
        };
        return Reply.json(status, "application/json; charset=utf-8", new JsonObject().put("error", message),
                JsonStyle.ECMASCRIPT);
    }

    @Override
    public Reply modelNotFound(Call call) {
        return error(404, "EntryNotFound", "Entry not found");
    }

    @Override
    public List<Chunk> midStreamError(Call call) {
        return List.of();
    }
}
