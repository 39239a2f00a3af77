package io.github.localllm.hardware;

import io.github.localllm.ConfigurationException;
import io.github.localllm.gguf.ModelShape;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Reads and validates a catalog document (the schema is described on {@link ModelCatalog}).
 * Strict on purpose: an unknown key is far more often a typo ({@code sha265}) than a feature, and a
 * typo in a hash or a size would otherwise surface only as a failed download much later.
 */
final class CatalogParser {
    static final int SUPPORTED_VERSION = 1;

    private static final Set<String> TOP_KEYS = Set.of("version", "updated", "description", "replaceDefault", "models");
    private static final Set<String> MODEL_KEYS = Set.of("id", "name", "tasks", "repository", "revision",
            "architecture", "parameters", "contextLength", "license", "notes", "files", "shape");
    private static final Set<String> SHAPE_KEYS = Set.of("blockCount", "embeddingLength", "headCount", "headCountKv",
            "keyLength", "valueLength", "feedForwardLength", "vocabularySize", "slidingWindow", "tiedEmbeddings");
    private static final Set<String> FILE_KEYS = Set.of("quantization", "fileName", "sizeBytes", "sha256", "revision");
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private final String source;

    private CatalogParser(String source) {
        this.source = source;
    }

    /** The parsed document. */
    record Document(int version, LocalDate updated, boolean replaceDefault, List<CatalogModel> models) {
    }

    /**
     * @param text the JSON text
     * @param source the file or resource it came from, for messages
     * @return the validated document
     * @throws ConfigurationException naming the source, the entry and the field at fault
     */
    static Document parse(String text, String source) {
        return new CatalogParser(source).document(text);
    }

    private Document document(String text) {
        JsonNode root;
        try {
            root = JsonTrees.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("catalog " + source + " is not valid JSON: " + e.getMessage()
                    + "; fix the file or remove it to use the bundled catalog", e);
        }
        JsonNode top = object(root, "the document");
        checkKeys(top, TOP_KEYS, "the document");
        long version = wholeNumber(top, "version", "the document", true).orElseThrow();
        if (version != SUPPORTED_VERSION) {
            throw fail("the document", "version", "is " + version + " but this SDK reads version "
                    + SUPPORTED_VERSION + " catalogs; use a catalog written for this SDK");
        }
        String updatedText = string(top, "updated", "the document", true).orElseThrow();
        LocalDate updated;
        try {
            updated = LocalDate.parse(updatedText);
        } catch (DateTimeParseException e) {
            throw fail("the document", "updated", "must be a date like 2026-11-22, found '" + updatedText + "'");
        }
        string(top, "description", "the document", false);
        boolean replaceDefault = bool(top, "replaceDefault", "the document").orElse(false);
        List<CatalogModel> models = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        JsonNode entries = list(top.get("models"), "the document", "models");
        for (int i = 0; i < entries.size(); i++) {
            CatalogModel model = model(entries.get(i), i);
            if (!ids.add(model.id())) {
                throw fail(where(i, model.id()), "id", "'" + model.id() + "' is used by an earlier entry too");
            }
            models.add(model);
        }
        return new Document((int) version, updated, replaceDefault, List.copyOf(models));
    }

    private CatalogModel model(JsonNode value, int index) {
        String where = where(index, null);
        JsonNode m = object(value, where);
        String id = string(m, "id", where, true).orElseThrow();
        where = where(index, id);
        if (!ID.matcher(id).matches()) {
            throw fail(where, "id", "must be lower-case letters, digits, '.', '_' or '-', found '" + id + "'");
        }
        checkKeys(m, MODEL_KEYS, where);
        String name = string(m, "name", where, true).orElseThrow();
        Set<ModelTask> tasks = EnumSet.noneOf(ModelTask.class);
        for (JsonNode t : list(m.get("tasks"), where, "tasks")) {
            if (!t.isString()) {
                throw fail(where, "tasks", "must list strings, found " + JsonTrees.describe(t));
            }
            String s = t.stringValue();
            try {
                tasks.add(ModelTask.valueOf(s.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw fail(where, "tasks", "'" + s + "' is not a task; use chat, code or embedding");
            }
        }
        String repository = string(m, "repository", where, true).orElseThrow();
        if (!REPOSITORY.matcher(repository).matches()) {
            throw fail(where, "repository", "must be a Hugging Face repository like owner/name, found '"
                    + repository + "'");
        }
        String revision = revision(m, where, "revision").orElse(CatalogFile.UNPINNED);
        String architecture = string(m, "architecture", where, true).orElseThrow();
        if (!CatalogVocabulary.ARCHITECTURES.contains(architecture)) {
            throw fail(where, "architecture", "'" + architecture + "' is not an architecture any llama.cpp build"
                    + " the SDK knows (b4916 in process, b10470 for llama-server) can load; check the spelling"
                    + " against the file's general.architecture");
        }
        long parameters = wholeNumber(m, "parameters", where, true).orElseThrow();
        long context = wholeNumber(m, "contextLength", where, true).orElseThrow();
        if (context > Integer.MAX_VALUE) {
            throw fail(where, "contextLength", "is too large: " + context);
        }
        String license = string(m, "license", where, true).orElseThrow();
        string(m, "notes", where, false);
        List<CatalogFile> files = new ArrayList<>();
        Set<String> quantizations = new HashSet<>();
        JsonNode fileEntries = list(m.get("files"), where, "files");
        for (int i = 0; i < fileEntries.size(); i++) {
            CatalogFile file = file(fileEntries.get(i), where, "files[" + i + "]", parameters, revision);
            if (!quantizations.add(file.quantization())) {
                throw fail(where, "files[" + i + "].quantization", file.quantization() + " is listed twice");
            }
            files.add(file);
        }
        Optional<ModelShape> shape = m.has("shape")
                ? Optional.of(shape(m.get("shape"), where, architecture, context)) : Optional.empty();
        return new CatalogModel(id, name, tasks, repository, revision, architecture, parameters, (int) context, license,
                files, shape);
    }

    private ModelShape shape(JsonNode value, String where, String architecture, long context) {
        JsonNode s = object(value, where + " shape");
        checkKeys(s, SHAPE_KEYS, where + " shape");
        long blocks = wholeNumber(s, "blockCount", where, "shape.blockCount", true).orElseThrow();
        if (blocks > Integer.MAX_VALUE) {
            throw fail(where, "shape.blockCount", "is too large: " + blocks);
        }
        long embd = wholeNumber(s, "embeddingLength", where, "shape.embeddingLength", true).orElseThrow();
        long heads = wholeNumber(s, "headCount", where, "shape.headCount", true).orElseThrow();
        // The GGUF defaults: K/V heads as many as query heads, heads embeddingLength / headCount wide.
        long kvHeads = wholeNumber(s, "headCountKv", where, "shape.headCountKv", false).orElse(heads);
        long keyLength = wholeNumber(s, "keyLength", where, "shape.keyLength", false).orElse(embd / heads);
        long valueLength = wholeNumber(s, "valueLength", where, "shape.valueLength", false).orElse(keyLength);
        if (keyLength <= 0) {
            throw fail(where, "shape.keyLength", "is missing and embeddingLength / headCount is 0; state it");
        }
        long ff = wholeNumber(s, "feedForwardLength", where, "shape.feedForwardLength", true).orElseThrow();
        long vocab = wholeNumber(s, "vocabularySize", where, "shape.vocabularySize", true).orElseThrow();
        Optional<Long> window = wholeNumber(s, "slidingWindow", where, "shape.slidingWindow", false);
        boolean tied = bool(s, "tiedEmbeddings", where, "shape.tiedEmbeddings").orElse(false);
        return new ModelShape(architecture, (int) blocks, embd, heads, kvHeads, keyLength, valueLength, ff, vocab,
                OptionalLong.of(context), window.map(OptionalLong::of).orElse(OptionalLong.empty()), tied);
    }

    private CatalogFile file(JsonNode value, String where, String field, long parameters, String modelRevision) {
        JsonNode f = object(value, where + " " + field);
        checkKeys(f, FILE_KEYS, where + " " + field);
        String quantText = string(f, "quantization", where, field + ".quantization", true).orElseThrow();
        String quantization = CatalogVocabulary.quantization(quantText).orElseThrow(() -> fail(where,
                field + ".quantization", "'" + quantText + "' is not a known quantization; known: "
                        + String.join(", ", CatalogVocabulary.quantizations())));
        String fileName = string(f, "fileName", where, field + ".fileName", true).orElseThrow();
        if (!fileName.toLowerCase(Locale.ROOT).endsWith(".gguf") || fileName.startsWith("/")
                || fileName.contains("\\") || List.of(fileName.split("/")).contains("..")) {
            throw fail(where, field + ".fileName", "must be a relative path to a .gguf file inside the"
                    + " repository, found '" + fileName + "'");
        }
        Optional<Long> size = wholeNumber(f, "sizeBytes", where, field + ".sizeBytes", false);
        Optional<String> sha = string(f, "sha256", where, field + ".sha256", false);
        if (sha.isPresent() && !SHA256.matcher(sha.get()).matches()) {
            throw fail(where, field + ".sha256", "must be 64 hexadecimal characters, found '" + sha.get() + "'");
        }
        String revision = revision(f, where, field + ".revision").orElse(modelRevision);
        // No published size: estimate one for planning, and say it is an estimate.
        long bytes = size.orElseGet(() -> Math.round(parameters * CatalogVocabulary.bitsPerWeight(quantization) / 8));
        return new CatalogFile(quantization, fileName, bytes, sha.map(s -> s.toLowerCase(Locale.ROOT)),
                size.isEmpty(), revision);
    }

    /** A commit, in full: a branch name or a short hash would let the pinned size and hash drift from the file. */
    private Optional<String> revision(JsonNode map, String where, String field) {
        Optional<String> revision = string(map, "revision", where, field, false);
        if (revision.isPresent() && !CatalogFile.isCommit(revision.get())) {
            throw fail(where, field, "must be the full commit the sizes and hashes were taken from, 40 lower-case"
                    + " hexadecimal digits, found '" + revision.get() + "'; a branch or a short hash would let the"
                    + " file change under the pinned hash");
        }
        return revision;
    }

    private static String where(int index, String id) {
        return "model #" + (index + 1) + (id == null ? "" : " '" + id + "'");
    }

    private JsonNode object(JsonNode value, String where) {
        if (!value.isObject()) {
            throw new ConfigurationException("catalog " + source + ": " + where + " must be a JSON object, found "
                    + JsonTrees.describe(value));
        }
        return value;
    }

    private JsonNode list(JsonNode value, String where, String field) {
        if (value == null) {
            throw fail(where, field, "is missing");
        }
        if (!value.isArray() || value.isEmpty()) {
            throw fail(where, field, "must be a non-empty array, found " + JsonTrees.describe(value));
        }
        return value;
    }

    private void checkKeys(JsonNode map, Set<String> allowed, String where) {
        for (String key : map.propertyNames()) {
            if (!allowed.contains(key)) {
                throw fail(where, key, "is not a catalog field; allowed: " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    private Optional<String> string(JsonNode map, String key, String where, boolean required) {
        return string(map, key, where, key, required);
    }

    private Optional<String> string(JsonNode map, String key, String where, String field, boolean required) {
        JsonNode v = map.get(key);
        if (v == null) {
            if (required) {
                throw fail(where, field, "is missing");
            }
            return Optional.empty();
        }
        if (!v.isString() || v.stringValue().isBlank()) {
            throw fail(where, field, "must be a non-empty string, found " + JsonTrees.describe(v));
        }
        return Optional.of(v.stringValue());
    }

    private Optional<Boolean> bool(JsonNode map, String key, String where) {
        return bool(map, key, where, key);
    }

    private Optional<Boolean> bool(JsonNode map, String key, String where, String field) {
        JsonNode v = map.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isBoolean()) {
            throw fail(where, field, "must be true or false, found " + JsonTrees.describe(v));
        }
        return Optional.of(v.booleanValue());
    }

    private Optional<Long> wholeNumber(JsonNode map, String key, String where, boolean required) {
        return wholeNumber(map, key, where, key, required);
    }

    private Optional<Long> wholeNumber(JsonNode map, String key, String where, String field,
                                       boolean required) {
        JsonNode v = map.get(key);
        if (v == null) {
            if (required) {
                throw fail(where, field, "is missing");
            }
            return Optional.empty();
        }
        Long n = wholeValue(v);
        if (n == null) {
            throw fail(where, field, "must be a whole number, found " + JsonTrees.describe(v));
        }
        if (n <= 0) {
            throw fail(where, field, "must be positive, found " + n);
        }
        return Optional.of(n);
    }

    /** @return the number's exact whole value, or null for 4096.5, 1e30 or a string */
    private static Long wholeValue(JsonNode v) {
        if (!v.isNumber()) {
            return null;
        }
        try {
            // Exact on purpose: asLong() would take 4096.5 for 4096.
            return v.decimalValue().longValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }

    private ConfigurationException fail(String where, String field, String problem) {
        return new ConfigurationException("catalog " + source + ": " + where + ", field '" + field + "' " + problem);
    }

}
