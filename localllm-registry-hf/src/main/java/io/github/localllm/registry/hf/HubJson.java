package io.github.localllm.registry.hf;

import io.github.localllm.BackendUnavailableException;
import io.github.localllm.registry.Gating;
import io.github.localllm.registry.GgufVariant;
import io.github.localllm.registry.ModelDetails;
import io.github.localllm.registry.ModelListing;
import io.github.localllm.registry.RepoFile;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Hub's JSON read into the registry's values: search items and model info ({@code shared/protocols/hf/FIELDS.md}:
 * any key may be missing; {@code gated} is {@code false}, {@code "auto"} or {@code "manual"}; {@code gguf.total}
 * is a parameter count) and tree entries (the SHA-256 is {@code lfs.oid}). Paths from a listing that could
 * leave a folder ({@code ..}, absolute, backslashes, control characters) are dropped.
 */
final class HubJson {
    private static final Logger LOG = LoggerFactory.getLogger(HubJson.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private HubJson() {
    }

    static JsonNode parse(String body, String what) {
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            throw new BackendUnavailableException("the Hugging Face Hub's answer to " + what + " is not JSON ("
                    + e.getOriginalMessage() + "); check HF_ENDPOINT points at the Hub or a mirror of it");
        }
    }

    static List<ModelListing> listings(JsonNode array) {
        List<ModelListing> out = new ArrayList<>();
        if (!array.isArray()) {
            throw new BackendUnavailableException("the Hugging Face Hub answered a search with "
                    + array.getNodeType() + ", not a list of models; check HF_ENDPOINT");
        }
        for (JsonNode item : array) {
            String id = item.path("id").asString(item.path("modelId").asString(""));
            if (!id.isEmpty()) {
                out.add(listing(item, id));
            }
        }
        return out;
    }

    static ModelListing listing(JsonNode n, String id) {
        ModelListing.Builder b = ModelListing.builder(id)
                .downloads(n.path("downloads").asLong(0))
                .likes(n.path("likes").asLong(0))
                .trendingScore(n.path("trendingScore").asLong(0))
                .tags(strings(n.path("tags")))
                .pipelineTag(text(n, "pipeline_tag"))
                .library(text(n, "library_name"))
                .createdAt(instant(n.path("createdAt")))
                .lastModified(instant(n.path("lastModified")))
                .gating(gating(n.path("gated")))
                .privateRepo(n.path("private").asBoolean(false));
        String author = text(n, "author");
        if (author != null) {
            b.author(author);
        }
        return b.build();
    }

    static ModelDetails details(JsonNode info, String repository, List<RepoFile> files) {
        String id = info.path("id").asString(repository);
        String sha = info.path("sha").asString("");
        JsonNode card = info.path("cardData");
        String license = text(card, "license");
        if (license == null) {
            license = strings(info.path("tags")).stream().filter(t -> t.startsWith("license:"))
                    .map(t -> t.substring("license:".length())).findFirst().orElse(null);
        }
        JsonNode base = card.path("base_model");
        List<String> baseModels = base.isString() ? List.of(base.asString()) : strings(base);
        JsonNode gguf = info.path("gguf");
        List<GgufVariant> variants = GgufNames.variants(id, sha, files);
        return ModelDetails.builder(listing(info, id), sha)
                .license(license)
                .baseModels(baseModels)
                .architecture(text(gguf, "architecture"))
                .contextLength(gguf.path("context_length").isIntegralNumber() ? gguf.path("context_length").asInt() : null)
                .parameterCount(gguf.path("total").isIntegralNumber() ? gguf.path("total").asLong() : null)
                .files(files)
                .variants(variants)
                .projectors(GgufNames.projectors(files))
                .build();
    }

    /** The files of one page of a tree listing; folders are skipped, unsafe paths dropped. */
    static List<RepoFile> treeFiles(JsonNode array, String repository) {
        if (!array.isArray()) {
            throw new BackendUnavailableException("the Hugging Face Hub answered a file listing of " + repository
                    + " with " + array.getNodeType() + ", not a list; check HF_ENDPOINT");
        }
        List<RepoFile> out = new ArrayList<>();
        for (JsonNode e : array) {
            if (!"file".equals(e.path("type").asString(""))) {
                continue;
            }
            String path = e.path("path").asString("");
            if (!safePath(path)) {
                LOG.warn("{} lists a file whose path is not safe to use; it is left out: {}", repository,
                        path.replaceAll("\\p{Cntrl}", "?"));
                continue;
            }
            long size = e.path("size").asLong(-1);
            JsonNode lfs = e.path("lfs");
            String oid = lfs.path("oid").asString("").toLowerCase(Locale.ROOT);
            Optional<String> sha256 = SHA256.matcher(oid).matches() ? Optional.of(oid) : Optional.empty();
            if (size < 0) {
                size = lfs.path("size").asLong(0);
            }
            out.add(new RepoFile(path, size, sha256));
        }
        return out;
    }

    static boolean safePath(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.matches("^[A-Za-z]:.*")
                || path.chars().anyMatch(Character::isISOControl)) {
            return false;
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals("..") || part.equals(".")) {
                return false;
            }
        }
        return true;
    }

    private static Gating gating(JsonNode gated) {
        if (gated.isString()) {
            return gated.asString().equalsIgnoreCase("manual") ? Gating.MANUAL : Gating.AUTOMATIC;
        }
        return gated.asBoolean(false) ? Gating.AUTOMATIC : Gating.NONE;
    }

    private static String text(JsonNode n, String name) {
        JsonNode v = n.path(name);
        return v.isString() && !v.asString().isBlank() ? v.asString() : null;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(v -> {
                if (v.isString()) {
                    out.add(v.asString());
                }
            });
        }
        return out;
    }

    private static Instant instant(JsonNode n) {
        if (!n.isString()) {
            return null;
        }
        try {
            return Instant.parse(n.asString());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
