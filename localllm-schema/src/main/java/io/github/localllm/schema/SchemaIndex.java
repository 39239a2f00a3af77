package io.github.localllm.schema;

import io.github.localllm.InvalidRequestException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Every place a {@code $ref} may point to inside one schema document: JSON pointers (into objects
 * and arrays alike), {@code $id}s, {@code $anchor}s and {@code $dynamicAnchor}s. A reference to any
 * other document is refused: remote schemas are never fetched.
 *
 * <p>Only schemas are searched for identifiers: an {@code $id} inside an {@code enum} value or an
 * unknown keyword is data, not a resource, as the specification says.
 */
final class SchemaIndex {
    /** A base for documents without {@code $id}; reserved, so it can never name a real host. */
    static final URI DEFAULT_BASE = URI.create("https://localllm.invalid/schema.json");
    /** Keywords whose values are maps of schemas, lists of schemas, or one schema, in every draft. */
    static final Set<String> SCHEMA_MAPS = Set.of("properties", "patternProperties", "$defs", "definitions",
            "dependentSchemas", "dependencies");
    static final Set<String> SCHEMA_LISTS = Set.of("allOf", "anyOf", "oneOf", "prefixItems", "items");
    static final Set<String> SCHEMAS = Set.of("items", "additionalItems", "additionalProperties",
            "unevaluatedItems", "unevaluatedProperties", "contains", "propertyNames", "not", "if", "then", "else");
    /** 2019-09's {@code "$recursiveAnchor": true}, kept among the dynamic anchors under this name. */
    private static final String RECURSIVE = "$recursiveAnchor";

    /** @param node the schema pointed to @param base its base URI @param path where it is, for messages */
    record Target(JsonNode node, URI base, String path) {
    }

    private final JsonNode root;
    private final boolean draft4;
    private final boolean legacyRefs;
    private final Map<URI, JsonNode> documents = new HashMap<>();
    private final Map<String, JsonNode> anchors = new HashMap<>();
    private final Map<JsonNode, URI> bases = new IdentityHashMap<>();
    private final Map<JsonNode, String> paths = new IdentityHashMap<>();
    /** Per {@code $dynamicAnchor} name (or {@link #RECURSIVE}), the schemas, in any resource, that bear it. */
    private final Map<String, List<JsonNode>> dynamicAnchors = new HashMap<>();

    /**
     * @param draft4 whether identifiers are written {@code id}, as in draft-04
     * @param legacyRefs whether {@code $ref} hides its siblings, identifiers included, as up to draft-07
     */
    SchemaIndex(JsonNode root, boolean draft4, boolean legacyRefs) {
        this.root = root;
        this.draft4 = draft4;
        this.legacyRefs = legacyRefs;
        walk(root, DEFAULT_BASE, "$", 0);
        documents.putIfAbsent(withoutFragment(baseOf(root)), root);
    }

    private void walk(JsonNode node, URI base, String path, int depth) {
        if (!node.isObject()) {
            return;
        }
        URI here = base;
        JsonNode id = legacyRefs && node.has("$ref") ? null : node.get(draft4 ? "id" : "$id");
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
        JsonNode dynamic = node.get("$dynamicAnchor");
        if (dynamic != null && dynamic.isString()) {
            dynamicAnchors.computeIfAbsent(dynamic.asString(), k -> new ArrayList<>()).add(node);
        }
        if (recursiveAnchor(node)) {
            dynamicAnchors.computeIfAbsent(RECURSIVE, k -> new ArrayList<>()).add(node);
        }
        bases.put(node, here);
        paths.put(node, path);
        walkSubschemas(node, here, path, depth);
    }

    /** Only into subschemas: what other keywords hold (enum values, unknown keywords) is data. */
    private void walkSubschemas(JsonNode node, URI here, String path, int depth) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String k = e.getKey();
            JsonNode v = e.getValue();
            if (SCHEMA_MAPS.contains(k) && v.isObject()) {
                for (Map.Entry<String, JsonNode> p : v.properties()) {
                    walk(p.getValue(), here, path + "." + k + "." + p.getKey(), depth + 1);
                }
            } else if (SCHEMA_LISTS.contains(k) && v.isArray()) {
                for (int i = 0; i < v.size(); i++) {
                    walk(v.get(i), here, path + "." + k + "[" + i + "]", depth + 1);
                }
            } else if (SCHEMAS.contains(k)) {
                walk(v, here, path + "." + k, depth + 1);
            }
        }
    }

    /** @return whether the node is part of the document, not one the converter made by merging */
    boolean inDocument(JsonNode node) {
        return paths.containsKey(node);
    }

    URI baseOf(JsonNode node) {
        return bases.getOrDefault(node, DEFAULT_BASE);
    }

    /**
     * @return the base URI of a schema of this document, which its place decides; {@code fallback}
     *     for a schema the converter built (merged parts), which has no place
     */
    URI baseOf(JsonNode node, URI fallback) {
        return bases.getOrDefault(node, fallback);
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
        // A pointer may lead into what is not a schema (an unknown keyword); there the nearest schema's base holds.
        URI nodeBase = baseOf(doc);
        String nodePath = paths.getOrDefault(doc, "$");
        for (String token : fragment.substring(1).split("/", -1)) {
            String name = URLDecoder.decode(token.replace("+", "%2B"), StandardCharsets.UTF_8)
                    .replace("~1", "/").replace("~0", "~");
            if (node.isObject() && node.has(name)) {
                node = node.get(name);
                nodePath = nodePath + "." + name;
            } else if (node.isArray() && name.matches("0|[1-9][0-9]{0,8}") && Integer.parseInt(name) < node.size()) {
                node = node.get(Integer.parseInt(name));
                nodePath = nodePath + "[" + name + "]";
            } else {
                throw nowhere(ref, at);
            }
            nodeBase = bases.getOrDefault(node, nodeBase);
            nodePath = paths.getOrDefault(node, nodePath);
        }
        return new Target(node, nodeBase, nodePath);
    }

    /**
     * @param keyword {@code $ref}, {@code $dynamicRef} or {@code $recursiveRef}
     * @see #resolve(String, URI, String)
     */
    Target resolve(String keyword, String ref, URI base, String at) {
        Target target = resolve(ref, base, at);
        String name = null;
        if (keyword.equals("$dynamicRef")) {
            String fragment = resolve(base, ref, at).getFragment();
            JsonNode anchor = target.node().get("$dynamicAnchor");
            name = anchor != null && anchor.isString() && anchor.asString().equals(fragment) ? fragment : null;
        } else if (keyword.equals("$recursiveRef")) {
            name = recursiveAnchor(target.node()) ? RECURSIVE : null;
        }
        return name == null ? target : dynamicTarget(name, target, ref, at);
    }

    /**
     * A dynamic reference whose target bears the dynamic anchor {@code name} means the outermost
     * schema resource on the way to it that bears that anchor too. The document's own resource is
     * outermost on every way, so its anchor settles the question; if only one schema bears the
     * anchor, that one is meant whatever the way.
     *
     * @throws InvalidRequestException if which schema is meant depends on the way to the reference,
     *     which a grammar (one rule per schema) cannot follow
     */
    private Target dynamicTarget(String name, Target target, String ref, String at) {
        List<JsonNode> bearers = dynamicAnchors.getOrDefault(name, List.of());
        URI rootResource = withoutFragment(baseOf(root));
        for (JsonNode b : bearers) {
            if (withoutFragment(baseOf(b)).equals(rootResource)) {
                return target(b);
            }
        }
        if (bearers.size() > 1) {
            String anchor = name.equals(RECURSIVE) ? "\"$recursiveAnchor\": true" : "$dynamicAnchor \"" + name + "\"";
            throw new InvalidRequestException("the JSON schema's dynamic reference \"" + ref + "\" at " + at
                    + " cannot be enforced while generating: " + bearers.size() + " schema resources define " + anchor
                    + ", and which one it means depends on the way the schema reaches it; define " + anchor
                    + " in the top-level schema too, or use a $ref to the schema meant");
        }
        return target;
    }

    private static boolean recursiveAnchor(JsonNode schema) {
        JsonNode anchor = schema.get(RECURSIVE);
        return anchor != null && anchor.isBoolean() && anchor.booleanValue();
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
            if (ref.startsWith("#")) {
                // A fragment alone stays in the base's document, also where java.net.URI does not
                // resolve at all: against an opaque base such as "urn:uuid:...".
                return new URI(base.getScheme(), base.getSchemeSpecificPart(), new URI(ref).getFragment());
            }
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
