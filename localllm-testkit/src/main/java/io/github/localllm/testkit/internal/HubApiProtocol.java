package io.github.localllm.testkit.internal;

import io.github.localllm.testkit.RecordedRequest;
import io.github.localllm.testkit.internal.json.JsonObject;
import io.github.localllm.testkit.internal.json.JsonStyle;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hugging Face Hub's model API: {@code GET /api/models} (search), {@code /api/models/{repo}[/revision/{rev}]}
 * (model info with siblings) and {@code /api/models/{repo}/tree/{rev}[/{path}]} (tree entries with
 * {@code lfs.oid}), paginated with {@code Link: <...>; rel="next"}; other paths go to the file endpoint
 * ({@link HubProtocol}). Shapes and key order follow {@code shared/protocols/hf/}: search items
 * {@code models-list-default-response.json} and, with {@code expand}, {@code models-search-gguf-expand-response.json};
 * model info {@code model-info-gguf-response.json} and {@code model-info-gguf-vision-response.json}; tree entries
 * {@code tree-gguf-recursive-response-constructed.json}; parameters {@code models-search-request.txt} and
 * {@code tree-request.txt}; errors {@code resolve-errors.http}. JSON is written as the Hub's JavaScript
 * server writes it: compact, in that key order.
 */
public final class HubApiProtocol implements Protocol {
    private static final Pattern INFO = Pattern.compile("/api/models/([^/]+/[^/]+)(?:/revision/(.+))?");
    private static final Pattern TREE = Pattern.compile("/api/models/([^/]+/[^/]+)/tree/([^/]+)(?:/(.*))?");
    private static final List<String> SORTS = List.of("downloads", "likes", "trendingScore", "createdAt", "lastModified");
    /** The order the Hub writes expanded members in (models-search-gguf-expand-response.json, extended). */
    private static final List<String> EXPANDABLE = List.of("author", "gated", "lastModified", "likes", "trendingScore",
            "private", "downloads", "tags", "pipeline_tag", "library_name", "sha", "gguf", "siblings", "createdAt");

    private final Map<String, HubRepo> repositories;
    private final int pageSize;
    private final Protocol files;
    private final String commit;
    private final List<String> order;
    private volatile URI base;

    /**
     * @param repositories repositories by id, in the order they were added
     * @param pageSize the most items a page holds (the Hub's own limit is 1000)
     * @param files the file endpoint ({@code /{repo}/resolve/...}) and everything else
     * @param commit the one commit {@code files} answers besides {@code main}
     */
    public HubApiProtocol(Map<String, HubRepo> repositories, int pageSize, Protocol files, String commit) {
        this.commit = commit;
        this.repositories = Map.copyOf(repositories);
        this.order = List.copyOf(repositories.keySet());
        this.pageSize = pageSize;
        this.files = files;
    }

    /** @param base the server's own address, for the absolute {@code Link} addresses */
    public void base(URI base) {
        this.base = base;
    }

    @Override
    public Reply handle(Call call) {
        String path = call.path();
        if (!path.startsWith("/api/")) {
            return resolve(call);
        }
        if (!call.method().equals("GET")) {
            return new Reply(405, List.of(Map.entry("Allow", "GET")), new Body.Empty(), JsonStyle.ECMASCRIPT);
        }
        Map<String, List<String>> query = query(call.request().query());
        if (path.equals("/api/models")) {
            return search(query);
        }
        Matcher tree = TREE.matcher(path);
        if (tree.matches()) {
            return tree(call, tree.group(1), tree.group(2), tree.group(3), query);
        }
        Matcher info = INFO.matcher(path);
        if (info.matches()) {
            return info(call, info.group(1), info.group(2));
        }
        return Reply.text(404, "text/plain; charset=utf-8", "Not Found");
    }

    private static final Pattern RESOLVE = Pattern.compile("/([^/]+/[^/]+)/resolve/([^/]+)/(.+)");

    /**
     * The file endpoint, at each repository's own commit: the file server knows one commit for all, so a
     * request at this repository's commit is passed on at that one and the answer names this one again.
     */
    private Reply resolve(Call call) {
        Matcher m = RESOLVE.matcher(call.path());
        HubRepo r = m.matches() ? repositories.get(m.group(1)) : null;
        if (r == null || !m.group(2).equals(r.sha()) || r.sha().equals(commit)) {
            return files.handle(call);
        }
        RecordedRequest q = call.request();
        Reply reply = files.handle(new Call(new RecordedRequest(q.method(), "/" + m.group(1) + "/resolve/" + commit
                + "/" + m.group(3), q.query(), q.headers(), q.body())));
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        reply.headers().forEach(h -> headers.add(h.getKey().equals("X-Repo-Commit") ? Map.entry(h.getKey(), r.sha()) : h));
        return new Reply(reply.status(), headers, reply.body(), reply.style());
    }

    private Reply search(Map<String, List<String>> query) {
        String sort = first(query, "sort");
        if (sort != null && !SORTS.contains(sort)) {
            return error(400, null, "Invalid sort parameter: " + sort);
        }
        int limit = pageSize;
        String limitText = first(query, "limit");
        if (limitText != null) {
            try {
                limit = Math.min(Integer.parseInt(limitText), pageSize);
            } catch (NumberFormatException e) {
                return error(400, null, "Invalid limit parameter: " + limitText);
            }
            if (limit < 1) {
                return error(400, null, "Invalid limit parameter: " + limitText);
            }
        }
        List<HubRepo> found = new ArrayList<>();
        for (String id : order) {
            HubRepo r = repositories.get(id);
            if (matches(r, query)) {
                found.add(r);
            }
        }
        if (sort != null) {
            Comparator<HubRepo> by = switch (sort) {
                case "downloads" -> Comparator.comparingLong(HubRepo::downloads);
                case "likes" -> Comparator.comparingLong(HubRepo::likes);
                case "trendingScore" -> Comparator.comparingLong(HubRepo::trendingScore);
                case "createdAt" -> Comparator.comparing(HubRepo::createdAt);
                default -> Comparator.comparing(HubRepo::lastModified);
            };
            found.sort("1".equals(first(query, "direction")) ? by : by.reversed());
        }
        int offset = cursor(first(query, "cursor"));
        List<String> expand = new ArrayList<>(query.getOrDefault("expand", List.of()));
        expand.addAll(query.getOrDefault("expand[]", List.of()));
        List<Object> items = new ArrayList<>();
        for (HubRepo r : found.subList(Math.min(offset, found.size()), Math.min(offset + limit, found.size()))) {
            items.add(expand.isEmpty() ? listItem(r) : expanded(r, expand));
        }
        Reply reply = Reply.json(200, "application/json; charset=utf-8", items, JsonStyle.ECMASCRIPT);
        if (offset + limit < found.size()) {
            reply = reply.withHeader("Link", next("/api/models", query, offset + limit));
        }
        return reply;
    }

    private static boolean matches(HubRepo r, Map<String, List<String>> query) {
        for (String search : query.getOrDefault("search", List.of())) {
            String id = r.id().toLowerCase(Locale.ROOT);
            for (String word : search.toLowerCase(Locale.ROOT).split("\\s+")) {
                if (!word.isEmpty() && !id.contains(word)) {
                    return false;
                }
            }
        }
        String author = first(query, "author");
        if (author != null && !author.equalsIgnoreCase(r.author())) {
            return false;
        }
        for (String filter : query.getOrDefault("filter", List.of())) {
            if (!r.tags().contains(filter) && !filter.equals(r.pipelineTag()) && !filter.equals(r.library())) {
                return false;
            }
        }
        String pipeline = first(query, "pipeline_tag");
        return pipeline == null || pipeline.equals(r.pipelineTag());
    }

    /** The default item (models-list-default-response.json). */
    private static JsonObject listItem(HubRepo r) {
        return new JsonObject().put("_id", r.objectId()).put("id", r.id()).put("likes", r.likes())
                .put("trendingScore", r.trendingScore()).put("private", false).put("downloads", r.downloads())
                .put("tags", r.tags()).putIf(r.pipelineTag() != null, "pipeline_tag", r.pipelineTag())
                .putIf(r.library() != null, "library_name", r.library()).put("createdAt", r.createdAt())
                .put("modelId", r.id());
    }

    /** Only the expanded members, and {@code _id} and {@code id} (models-search-gguf-expand-response.json). */
    private static JsonObject expanded(HubRepo r, List<String> expand) {
        JsonObject o = new JsonObject().put("_id", r.objectId()).put("id", r.id());
        for (String key : EXPANDABLE) {
            if (!expand.contains(key)) {
                continue;
            }
            switch (key) {
                case "author" -> o.put(key, r.author());
                case "gated" -> o.put(key, gated(r));
                case "lastModified" -> o.put(key, r.lastModified());
                case "likes" -> o.put(key, r.likes());
                case "trendingScore" -> o.put(key, r.trendingScore());
                case "private" -> o.put(key, false);
                case "downloads" -> o.put(key, r.downloads());
                case "tags" -> o.put(key, r.tags());
                case "pipeline_tag" -> o.putIf(r.pipelineTag() != null, key, r.pipelineTag());
                case "library_name" -> o.putIf(r.library() != null, key, r.library());
                case "sha" -> o.put(key, r.sha());
                case "gguf" -> o.putIf(r.gguf() != null, key, r.gguf() == null ? null : object(r.gguf()));
                case "siblings" -> o.put(key, siblings(r));
                default -> o.put(key, r.createdAt());
            }
        }
        return o;
    }

    private Reply info(Call call, String id, String revision) {
        HubRepo r = repositories.get(id);
        if (r == null) {
            return notFound(call);
        }
        if (revision != null && !revision.equals("main") && !revision.equals(r.sha())) {
            return error(404, "RevisionNotFound", "Invalid rev id: " + revision);
        }
        long used = r.files().values().stream().mapToLong(HubRepo.Entry::size).sum();
        JsonObject o = new JsonObject().put("_id", r.objectId()).put("id", r.id()).put("private", false)
                .putIf(r.pipelineTag() != null, "pipeline_tag", r.pipelineTag())
                .putIf(r.library() != null, "library_name", r.library())
                .put("tags", r.tags()).put("downloads", r.downloads()).put("likes", r.likes())
                .put("modelId", r.id()).put("author", r.author()).put("sha", r.sha())
                .put("lastModified", r.lastModified()).put("gated", gated(r)).put("disabled", false)
                .put("model-index", null).put("config", new JsonObject())
                .put("cardData", object(r.cardData()))
                .putIf(r.gguf() != null, "gguf", r.gguf() == null ? null : object(r.gguf()))
                .put("siblings", siblings(r)).put("spaces", List.of())
                .put("createdAt", r.createdAt()).put("usedStorage", used);
        return Reply.json(200, "application/json; charset=utf-8", o, JsonStyle.ECMASCRIPT);
    }

    private Reply tree(Call call, String id, String revision, String sub, Map<String, List<String>> query) {
        HubRepo r = repositories.get(id);
        if (r == null) {
            return notFound(call);
        }
        if (!revision.equals("main") && !revision.equals(r.sha())) {
            return error(404, "RevisionNotFound", "Invalid rev id: " + revision);
        }
        String prefix = sub == null || sub.isEmpty() ? "" : sub.endsWith("/") ? sub : sub + "/";
        boolean recursive = "true".equals(first(query, "recursive"));
        // Directories come before their children, as a sorted walk of the paths gives them.
        TreeMap<String, Object> entries = new TreeMap<>();
        r.files().forEach((path, file) -> {
            if (!path.startsWith(prefix)) {
                return;
            }
            String rest = path.substring(prefix.length());
            String[] parts = rest.split("/");
            StringBuilder dir = new StringBuilder(prefix);
            for (int i = 0; i < parts.length - 1; i++) {
                dir.append(parts[i]);
                String d = dir.toString();
                entries.putIfAbsent(d, new JsonObject().put("type", "directory").put("oid", sha1(d)).put("size", 0)
                        .put("path", d));
                if (!recursive) {
                    return;
                }
                dir.append('/');
            }
            JsonObject e = new JsonObject().put("type", "file").put("oid", file.oid()).put("size", file.size())
                    .put("path", path);
            if (file.lfs()) {
                e.put("lfs", new JsonObject().put("oid", file.sha256()).put("size", file.size())
                        .put("pointerSize", file.pointerSize()));
            }
            entries.put(path, e);
        });
        if (!prefix.isEmpty() && entries.isEmpty()) {
            return error(404, "EntryNotFound", "Entry not found");
        }
        List<Object> all = new ArrayList<>(entries.values());
        int offset = cursor(first(query, "cursor"));
        List<Object> page = all.subList(Math.min(offset, all.size()), Math.min(offset + pageSize, all.size()));
        Reply reply = Reply.json(200, "application/json; charset=utf-8", new ArrayList<>(page), JsonStyle.ECMASCRIPT);
        if (offset + pageSize < all.size()) {
            reply = reply.withHeader("Link", next(call.path(), query, offset + pageSize));
        }
        return reply;
    }

    /** The Hub does not tell a missing repository from a private one; anonymous callers get 401. */
    private static Reply notFound(Call call) {
        return call.request().header("Authorization").isPresent()
                ? error(404, "RepoNotFound", "Repository not found")
                : error(401, "RepoNotFound", "Invalid username or password.");
    }

    private static Object gated(HubRepo r) {
        return r.gated() == null ? Boolean.FALSE : r.gated();
    }

    private static List<Object> siblings(HubRepo r) {
        List<Object> out = new ArrayList<>();
        r.files().keySet().forEach(path -> out.add(new JsonObject().put("rfilename", path)));
        return out;
    }

    private static JsonObject object(Map<String, Object> members) {
        JsonObject o = new JsonObject();
        members.forEach(o::put);
        return o;
    }

    private String next(String path, Map<String, List<String>> query, int offset) {
        StringBuilder q = new StringBuilder();
        query.forEach((name, values) -> {
            if (!name.equals("cursor")) {
                values.forEach(v -> q.append(q.isEmpty() ? "" : "&").append(encode(name)).append('=').append(encode(v)));
            }
        });
        String cursor = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("{\"$offset\":" + offset + "}").getBytes(StandardCharsets.UTF_8));
        q.append(q.isEmpty() ? "" : "&").append("cursor=").append(cursor);
        return "<" + base + encodePath(path) + "?" + q + ">; rel=\"next\"";
    }

    private static int cursor(String cursor) {
        if (cursor == null) {
            return 0;
        }
        try {
            String json = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            return Integer.parseInt(json.replaceAll("[^0-9]", ""));
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    private static String encodePath(String path) {
        StringBuilder out = new StringBuilder();
        for (String segment : path.split("/", -1)) {
            if (out.length() > 0 || path.startsWith("/")) {
                out.append(out.length() == 0 && segment.isEmpty() ? "" : "/");
            }
            out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return out.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return out;
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    static Reply error(int status, String code, String message) {
        Reply reply = Reply.json(status, "application/json; charset=utf-8", new JsonObject().put("error", message),
                JsonStyle.ECMASCRIPT);
        if (code == null) {
            return reply;
        }
        return reply.withLeadingHeaders(List.of(Map.entry("X-Error-Code", code), Map.entry("X-Error-Message", message)));
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-1", e);
        }
    }

    @Override
    public Reply errorStatus(Call call, int status) {
        return call.path().startsWith("/api/") ? error(status, null, switch (status) {
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Error " + status;
        }) : files.errorStatus(call, status);
    }

    @Override
    public Reply modelNotFound(Call call) {
        return call.path().startsWith("/api/") ? notFound(call) : files.modelNotFound(call);
    }

    @Override
    public List<Chunk> midStreamError(Call call) {
        return List.of();
    }
}
