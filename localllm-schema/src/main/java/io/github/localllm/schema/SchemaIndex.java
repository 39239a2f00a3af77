package io.github.localllm.schema;

import io.github.localllm.InvalidRequestException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Every place a {@code $ref} may point to inside one schema document: JSON pointers (into objects
 * and arrays alike), {@code $id}s, {@code $anchor}s and {@code $dynamicAnchor}s. A reference to any
 * other document is refused: remote schemas are never fetched.
 */
final class SchemaIndex {
    /** A base for documents without {@code $id}; reserved, so it can never name a real host. */
    static final URI DEFAULT_BASE = URI.create("https://localllm.invalid/schema.json");

    /** @param node the schema pointed to @param base its base URI @param path where it is, for messages */
    record Target(JsonNode node, URI base, String path) {
    }

    private final JsonNode root;
    private final boolean draft4;
    private final Map<URI, JsonNode> documents = new HashMap<>();
    private final Map<String, JsonNode> anchors = new HashMap<>();
    private final Map<JsonNode, URI> bases = new IdentityHashMap<>();
    private final Map<JsonNode, String> paths = new IdentityHashMap<>();

    SchemaIndex(JsonNode root, boolean draft4) {
        this.root = root;
        this.draft4 = draft4;
        walk(root, DEFAULT_BASE, "$", 0);
        documents.putIfAbsent(withoutFragment(baseOf(root)), root);
    }

    private void walk(JsonNode node, URI base, String path, int depth) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), base, path + "[" + i + "]", depth + 1);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        URI here = base;
        JsonNode id = node.get(draft4 ? "id" : "$id");
        if (id != null && id.isString() && !id.asString().startsWith("#")) {
            here = resolve(base, id.asString(), path);
            documents.putIfAbsent(withoutFragment(here), node);
        } else if (id != null && id.isString()) {
            anchors.putIfAbsent(withoutFragment(base) + id.asString(), node); // draft-07 "$id": "#name"
        }
        for (String key : new String[] {"$anchor", "$dynamicAnchor"}) {
            JsonNode anchor = node.get(key);
            if (anchor != null && anchor.isString()) {
                anchors.putIfAbsent(withoutFragment(here) + "#" + anchor.asString(), node);
            }
        }
        bases.put(node, here);
        paths.put(node, path);
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            walk(e.getValue(), here, path + "." + e.getKey(), depth + 1);
        }
    }

    URI baseOf(JsonNode node) {
        return bases.getOrDefault(node, DEFAULT_BASE);
    }

    /**
     * @param ref the reference as written
     * @param base the base URI where it is written
     * @param at where it is written, for messages
     * @return what it points to
     * @throws InvalidRequestException if it points outside this schema or to nothing in it
     */
    Target resolve(String ref, URI base, String at) {
        URI uri = resolve(base, ref, at);
        URI document = withoutFragment(uri);
        JsonNode doc = documents.get(document);
        if (doc == null) {
            throw new InvalidRequestException("invalid JSON schema at " + at + ": $ref \"" + ref + "\" points outside"
                    + " this schema; remote schemas are never fetched, so copy the referenced schema under $defs"
                    + " and refer to it as \"#/$defs/...\"");
        }
        String fragment = uri.getRawFragment();
        if (fragment == null || fragment.isEmpty()) {
            return target(doc);
        }
        if (!fragment.startsWith("/")) {
            JsonNode anchored = anchors.get(document + "#" + fragment);
            if (anchored == null) {
                throw nowhere(ref, at);
            }
            return target(anchored);
        }
        JsonNode node = doc;
        for (String token : fragment.substring(1).split("/", -1)) {
            String name = URLDecoder.decode(token.replace("+", "%2B"), StandardCharsets.UTF_8)
                    .replace("~1", "/").replace("~0", "~");
            if (node.isObject() && node.has(name)) {
                node = node.get(name);
            } else if (node.isArray() && name.matches("0|[1-9][0-9]{0,8}") && Integer.parseInt(name) < node.size()) {
                node = node.get(Integer.parseInt(name));
            } else {
                throw nowhere(ref, at);
            }
        }
        return target(node);
    }

    private Target target(JsonNode node) {
        return new Target(node, baseOf(node), paths.getOrDefault(node, "$"));
    }

    private static InvalidRequestException nowhere(String ref, String at) {
        return new InvalidRequestException("invalid JSON schema at " + at + ": $ref \"" + ref + "\" points to nothing"
                + " in the schema; add the definition it names or fix the reference");
    }

    private static URI resolve(URI base, String ref, String at) {
        try {
            return base.resolve(new URI(ref));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new InvalidRequestException("invalid JSON schema at " + at + ": \"" + ref + "\" is not a valid URI"
                    + " reference; write references such as \"#/$defs/name\"");
        }
    }

    private static URI withoutFragment(URI uri) {
        try {
            return new URI(uri.getScheme(), uri.getSchemeSpecificPart(), null);
        } catch (URISyntaxException e) {
            return uri;
        }
    }

    JsonNode root() {
        return root;
    }
}
