package io.github.localllm.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Schemas and answers for {@link SchemaBenchmark}, all generated here: no third-party schema is
 * part of the repository.
 *
 * <p>{@link #tsconfigLike()} has the structure and size class of SchemaStore's {@code tsconfig.json}
 * schema (436 KB pretty-printed in 2025, draft-04), built deterministically from a fixed seed and
 * an invented vocabulary, about 438 KB:
 * <ul>
 *   <li>a root {@code "type": "object"} whose {@code allOf} lists seven {@code $ref}s to
 *       {@code definitions} and one {@code anyOf} of four more, so the converter distributes the
 *       {@code anyOf} over the merged object (four copies of every property);</li>
 *   <li>13 {@code definitions}, one of them not a schema at all ({@code "//"}, notes), the others
 *       each wrapping one top-level property; one is an object of 120 options: 81 of type
 *       {@code ["boolean","null"]}, 18 {@code ["string","null"]}, 7 enums, 4 {@code anyOf} of an
 *       enum and a pattern such as {@code ^([Nn][Oo][Dd][Ee]|...)$}, 1 {@code anyOf} of an enum and
 *       a string, 4 string arrays, a map, an array of objects, a number, and one array whose items
 *       are an {@code anyOf} of a 108-value enum and 17 such case-spelled patterns;</li>
 *   <li>another object of 24 options, whose {@code compilerOptions}-like member is
 *       {@code allOf: [{$ref}]} to the 120-option object (a fifth copy), with a tuple, a
 *       {@code $ref}, {@code oneOf}, {@code minLength}, {@code uniqueItems} and {@code default}s
 *       elsewhere in the schema;</li>
 *   <li>in all 172 property schemas in 20 {@code properties} maps, 14 enums (182 values), 8
 *       {@code anyOf}, 2 {@code allOf}, 1 {@code oneOf}, 13 {@code $ref}, 21 {@code pattern}s,
 *       nested 13 JSON levels deep (the original: 172, 20, 14 (181), 8, 2, 1, 13, 21, 13);</li>
 *   <li>up to three descriptions per option, as in the original ({@code description},
 *       {@code markdownDescription}, {@code x-intellij-html-description}, 416 in all, means of
 *       about 700, 900 and 1,100 characters, a few up to 5,000), and the original's unknown root
 *       keyword {@code allowTrailingCommas}: descriptions are most of the bytes.</li>
 * </ul>
 * {@link #describe} prints the same counts for any schema, so the synthetic one can be compared
 * with the real file.
 *
 * <p>{@link #TOOL_SCHEMA} is a medium, hand-written tool-call schema (2020-12, 3.4 KB, 34 property schemas,
 * {@code $defs}, {@code anyOf}, formats, patterns, bounds, {@code additionalProperties: false});
 * {@link #VALID_ANSWER} and {@link #INVALID_ANSWER} are about 1.3 KB of arguments for it.
 */
final class SchemaCorpus {
    /** Names a schema file to benchmark instead of the synthetic one. */
    static final String SCHEMA_PROPERTY = "localllm.bench.schema";

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final long SEED = 0x5C4E3A_2025L;
    private static final String DOCS = "https://example.com/compiler-docs#";

    private static final String[] WORDS = {
        "alpha", "buffer", "cache", "delta", "emit", "frame", "graph", "heap", "index", "join", "kernel",
        "layout", "module", "node", "output", "path", "query", "resolve", "source", "target", "unit", "vector",
        "watch", "zone", "strict", "implicit", "declare", "inline", "preserve", "check", "trace", "map", "root",
        "base", "type", "skip", "allow", "force", "isolated", "verbatim", "legacy", "experimental", "synthetic",
        "unused", "local", "global", "default", "import", "export", "bundle", "script", "symbol", "iterator",
        "promise", "array", "object", "string", "number", "decorator", "reflect", "worker", "collection",
        "locale", "proxy", "generator", "file", "folder", "project", "reference", "build", "incremental",
        "diagnostic", "report", "error", "warning", "library", "runtime", "browser", "server", "compile",
    };

    private SchemaCorpus() {
    }

    /** @return the large schema: the file {@code -Dlocalllm.bench.schema} names, else {@link #tsconfigLike()} */
    static String largeSchema() {
        String file = System.getProperty(SCHEMA_PROPERTY);
        if (file == null || file.isBlank()) {
            return tsconfigLike();
        }
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read -D" + SCHEMA_PROPERTY + "=" + file, e);
        }
    }

    /** @return where {@link #largeSchema()} comes from */
    static String largeSchemaName() {
        String file = System.getProperty(SCHEMA_PROPERTY);
        return file == null || file.isBlank() ? "synthetic tsconfig-like schema" : file;
    }

    /** @return the synthetic tsconfig-shaped schema, the same text on every call and every JVM */
    static String tsconfigLike() {
        return new Generator(new Random(SEED)).schema();
    }

    /**
     * @param schema a schema text
     * @return its shape in one line: bytes, and counts of keys found anywhere in the document
     */
    static String describe(String schema) {
        JsonNode root = MAPPER.readTree(schema);
        Shape s = new Shape();
        s.walk(root, 1);
        JsonNode defs = root.has("$defs") ? root.get("$defs") : root.get("definitions");
        return String.format(Locale.ROOT, "%,d bytes (UTF-8), %d definitions, %d property schemas in %d properties"
                        + " maps, %d enums (%d values), %d anyOf, %d allOf, %d oneOf, %d $ref, %d patterns,"
                        + " %d description-like annotations (%,d chars), nesting depth %d",
                schema.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, defs == null ? 0 : defs.size(),
                s.properties, s.propertyMaps, s.enums, s.enumValues, s.anyOf, s.allOf, s.oneOf, s.refs, s.patterns,
                s.descriptions, s.descriptionChars, s.depth);
    }

    /** Counts keywords by name, wherever they appear. */
    private static final class Shape {
        int properties;
        int propertyMaps;
        int enums;
        int enumValues;
        int anyOf;
        int allOf;
        int oneOf;
        int refs;
        int patterns;
        int descriptions;
        long descriptionChars;
        int depth;

        void walk(JsonNode node, int level) {
            depth = Math.max(depth, level);
            if (node.isArray()) {
                for (JsonNode v : node.values()) {
                    walk(v, level + 1);
                }
                return;
            }
            if (!node.isObject()) {
                return;
            }
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                JsonNode v = e.getValue();
                switch (e.getKey()) {
                    case "properties" -> {
                        if (v.isObject()) {
                            propertyMaps++;
                            properties += v.size();
                        }
                    }
                    case "enum" -> {
                        enums++;
                        enumValues += v.size();
                    }
                    case "anyOf" -> anyOf++;
                    case "allOf" -> allOf++;
                    case "oneOf" -> oneOf++;
                    case "$ref" -> refs++;
                    case "pattern" -> patterns++;
                    case "description", "markdownDescription", "x-intellij-html-description" -> {
                        if (v.isString()) {
                            descriptions++;
                            descriptionChars += v.asString().length();
                        }
                    }
                    default -> {
                    }
                }
                walk(v, level + 1);
            }
        }
    }

    /** Builds the tsconfig-shaped schema from one seeded random sequence. */
    private static final class Generator {
        private final Random random;
        private final Set<String> names = new LinkedHashSet<>();

        Generator(Random random) {
            this.random = random;
        }

        String schema() {
            ObjectNode root = NODES.objectNode();
            root.put("$schema", "http://json-schema.org/draft-04/schema#");
            root.put("$comment", sentence(20));
            root.put("allowTrailingCommas", true); // not a keyword; the original has it, validators warn about it
            ArrayNode allOf = root.putArray("allOf");
            for (String d : List.of("compilerOptionsDefinition", "compileOnSaveDefinition", "typeAcquisitionDefinition",
                    "extendsDefinition", "watchOptionsDefinition", "buildOptionsDefinition", "runnerDefinition")) {
                allOf.add(ref("#/definitions/" + d));
            }
            ArrayNode anyOf = allOf.addObject().putArray("anyOf");
            for (String d : List.of("filesDefinition", "excludeDefinition", "includeDefinition",
                    "referencesDefinition")) {
                anyOf.add(ref("#/definitions/" + d));
            }
            ObjectNode defs = root.putObject("definitions");
            ObjectNode notes = defs.putObject("//");
            notes.put("explainer", DOCS + "overview");
            notes.put("reference", DOCS + "reference");
            defs.set("filesDefinition", wrap("files", stringList(true)));
            defs.set("excludeDefinition", wrap("exclude", stringList(true)));
            defs.set("includeDefinition", wrap("include", stringList(true)));
            defs.set("compileOnSaveDefinition", wrap("compileOnSave", nullable("boolean", false)));
            ObjectNode extendsOneOf = NODES.objectNode();
            ArrayNode oneOf = extendsOneOf.putArray("oneOf");
            oneOf.addObject().put("default", "").put("type", "string");
            ObjectNode list = oneOf.addObject();
            list.putArray("default");
            list.putObject("items").put("type", "string");
            list.put("type", "array");
            defs.set("extendsDefinition", wrap("extends", described(extendsOneOf)));
            defs.set("buildOptionsDefinition", wrap("buildOptions", optionObject(6, 0)));
            defs.set("watchOptionsDefinition", wrap("watchOptions", watchOptions()));
            defs.set("compilerOptionsDefinition", wrap("compilerOptions", compilerOptions()));
            ObjectNode acquisition = nullableObject();
            ObjectNode acquisitionProps = acquisition.putObject("properties");
            acquisitionProps.set("enable", nullable("boolean", false));
            acquisitionProps.set("include", stringList(true));
            acquisitionProps.set("exclude", stringList(true));
            defs.set("typeAcquisitionDefinition", wrap("typeAcquisition", acquisition));
            ObjectNode references = NODES.objectNode();
            references.putArray("type").add("array").add("null");
            references.put("uniqueItems", true);
            references.put("description", sentence(12));
            ObjectNode reference = references.putObject("items");
            reference.putArray("type").add("object").add("null");
            ObjectNode path = reference.putObject("properties").putObject("path");
            path.putArray("type").add("string").add("null");
            path.put("minLength", 1);
            defs.set("referencesDefinition", wrap("references", references));
            defs.putObject("moduleTypesDefinition").putArray("type").add("object").add("null");
            defs.set("runnerDefinition", wrap("runner", runner()));
            root.put("id", "https://example.com/schemas/compiler-config-like");
            root.put("title", "Synthetic compiler configuration schema shaped like tsconfig.json's");
            root.put("type", "object");
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        }

        private ObjectNode compilerOptions() {
            ObjectNode o = nullableObject();
            ObjectNode props = o.putObject("properties");
            // Mostly switches, as in the original: 81 booleans, 18 strings, then every other kind of option.
            options(props, 81, 18);
            props.set(name(), described(enumOf(words(2, 2))));
            props.set(name(), described(enumOf(words(5, 1))));
            props.set(name(), described(enumOf(words(7, 1))));
            props.set(name(), described(enumOf(words(4, 1))));
            props.set(name(), described(enumOf(words(6, 1))));
            props.set(name(), described(enumOf(words(3, 1))));
            props.set(name(), described(enumOf(words(3, 1))));
            props.set(name(), described(enumWithPattern(15, true)));
            props.set(name(), described(enumWithPattern(15, false)));
            props.set(name(), described(enumWithPattern(6, true)));
            props.set(name(), described(enumWithPattern(2, false)));
            ObjectNode importSource = NODES.objectNode();
            ArrayNode branches = importSource.putArray("anyOf");
            branches.add(enumOf(words(3, 1)));
            branches.addObject().put("type", "string");
            props.set(name(), described(importSource));
            props.set(name(), described(libraryList()));
            for (int i = 0; i < 4; i++) {
                props.set(name(), described(stringList(false)));
            }
            ObjectNode paths = NODES.objectNode();
            paths.putArray("type").add("object").add("null");
            paths.set("additionalProperties", stringList(false));
            props.set(name(), described(paths));
            ObjectNode plugins = NODES.objectNode();
            plugins.putArray("type").add("array").add("null");
            ObjectNode plugin = plugins.putObject("items");
            plugin.put("type", "object");
            plugin.putObject("properties").putObject("name").put("type", "string");
            props.set(name(), described(plugins));
            ObjectNode depth = NODES.objectNode();
            depth.put("type", "number");
            depth.put("minimum", 0);
            depth.put("default", 0);
            props.set(name(), described(depth));
            return o;
        }

        private ObjectNode watchOptions() {
            ObjectNode o = nullableObject();
            ObjectNode props = o.putObject("properties");
            options(props, 0, 5);
            props.set(name(), described(stringList(false)));
            props.set(name(), described(stringList(false)));
            return o;
        }

        /** The runner section: 24 options, one of them the whole compiler-option object again. */
        private ObjectNode runner() {
            ObjectNode o = NODES.objectNode();
            o.put("description", sentence(30));
            ObjectNode props = o.putObject("properties");
            options(props, 13, 3);
            ObjectNode compilerOptions = NODES.objectNode();
            compilerOptions.put("additionalProperties", true);
            compilerOptions.putArray("allOf").add(
                    ref("#/definitions/compilerOptionsDefinition/properties/compilerOptions"));
            compilerOptions.put("description", sentence(10));
            compilerOptions.putObject("properties");
            compilerOptions.putArray("type").add("object").add("null");
            props.set("compilerOptions", compilerOptions);
            ObjectNode moduleTypes = ref("#/definitions/moduleTypesDefinition");
            moduleTypes.put("description", sentence(40));
            props.set(name(), moduleTypes);
            ObjectNode resolution = enumOf(words(2, 1));
            resolution.putArray("type").add("string").add("null");
            props.set(name(), resolution);
            props.set(name(), stringList(false));
            props.set(name(), stringList(false));
            ObjectNode codes = NODES.objectNode();
            codes.putObject("items").putArray("type").add("string").add("number");
            codes.putArray("type").add("array").add("null");
            props.set(name(), codes);
            props.set(name(), nullable("string", sentence(8)));
            // A tuple (draft-04 array-form items) or a name.
            ObjectNode transpiler = NODES.objectNode();
            ArrayNode forms = transpiler.putArray("anyOf");
            ObjectNode pair = forms.addObject();
            ArrayNode tuple = pair.putArray("items");
            tuple.addObject().putArray("type").add("string").add("null");
            ObjectNode settings = tuple.addObject();
            settings.put("additionalProperties", true);
            settings.putObject("properties");
            settings.putArray("type").add("object").add("null");
            pair.put("maxItems", 2);
            pair.put("minItems", 2);
            pair.putArray("type").add("array").add("null");
            forms.addObject().putArray("type").add("string").add("null");
            transpiler.put("description", sentence(9));
            props.set(name(), transpiler);
            return o;
        }

        /** {@code booleans} boolean and {@code strings} string options into {@code props} (or a new object). */
        private ObjectNode options(ObjectNode props, int booleans, int strings) {
            for (int i = 0; i < booleans; i++) {
                ObjectNode option = nullable("boolean", random.nextInt(10) < 6 ? (Object) random.nextBoolean() : null);
                props.set(name(), described(option));
            }
            for (int i = 0; i < strings; i++) {
                ObjectNode option = nullable("string", random.nextInt(10) < 4 ? word() : null);
                props.set(name(), described(option));
            }
            return props;
        }

        private ObjectNode optionObject(int booleans, int strings) {
            ObjectNode o = NODES.objectNode();
            options(o.putObject("properties"), booleans, strings);
            return o;
        }

        /** An array of names: {@code anyOf} a 108-value enum and 17 case-spelled patterns. */
        private ObjectNode libraryList() {
            ObjectNode list = NODES.objectNode();
            list.putArray("type").add("array").add("null");
            list.put("uniqueItems", true);
            ObjectNode items = list.putObject("items");
            items.put("type", "string");
            ArrayNode anyOf = items.putArray("anyOf");
            ArrayNode values = anyOf.addObject().putArray("enum");
            List<String> families = words(17, 1);
            int count = 0;
            for (int f = 0; f < families.size(); f++) {
                String family = capitalize(families.get(f)) + (f < 12 ? String.valueOf(2015 + f) : "");
                values.add(family);
                count++;
                int members = f == families.size() - 1 ? 108 - count : Math.min(108 - count, 2 + random.nextInt(8));
                List<String> memberNames = new ArrayList<>();
                for (int m = 0; m < members; m++) {
                    String member = capitalize(word()) + (random.nextInt(4) == 0 ? "." + capitalize(word()) : "");
                    if (!memberNames.contains(member)) {
                        memberNames.add(member);
                        values.add(family + "." + member);
                        count++;
                    }
                }
                StringBuilder pattern = new StringBuilder("^").append(anyCase(family));
                if (!memberNames.isEmpty()) {
                    pattern.append("(\\.(");
                    for (int m = 0; m < memberNames.size(); m++) {
                        pattern.append(m == 0 ? "" : "|").append(anyCase(memberNames.get(m)));
                    }
                    pattern.append("))?");
                }
                anyOf.addObject().put("pattern", pattern.append('$').toString());
            }
            return list;
        }

        /** A nullable string: {@code anyOf} an enum and a pattern matching its values in any letter case. */
        private ObjectNode enumWithPattern(int size, boolean anyCase) {
            ObjectNode o = NODES.objectNode();
            o.putArray("type").add("string").add("null");
            List<String> values = words(size, 1);
            if (random.nextBoolean()) {
                o.put("default", values.get(0));
            }
            ArrayNode anyOf = o.putArray("anyOf");
            anyOf.add(enumOf(values));
            StringBuilder pattern = new StringBuilder("^(");
            for (int i = 0; i < values.size(); i++) {
                String v = values.get(i);
                pattern.append(i == 0 ? "" : "|").append(anyCase ? anyCase(v) : v + "|" + v.toUpperCase(Locale.ROOT));
            }
            anyOf.addObject().put("pattern", pattern.append(")$").toString());
            return o;
        }

        private ObjectNode enumOf(List<String> values) {
            ObjectNode o = NODES.objectNode();
            ArrayNode e = o.putArray("enum");
            values.forEach(e::add);
            return o;
        }

        private ObjectNode stringList(boolean described) {
            ObjectNode o = NODES.objectNode();
            if (described) {
                o.put("description", sentence(25 + random.nextInt(30)));
            }
            o.putArray("type").add("array").add("null");
            o.put("uniqueItems", true);
            o.putObject("items").put("type", "string");
            return o;
        }

        private ObjectNode nullable(String type, Object defaultValue) {
            ObjectNode o = NODES.objectNode();
            o.putArray("type").add(type).add("null");
            if (defaultValue instanceof Boolean b) {
                o.put("default", b);
            } else if (defaultValue instanceof String s) {
                o.put("default", s);
            }
            return o;
        }

        private ObjectNode nullableObject() {
            ObjectNode o = NODES.objectNode();
            o.putArray("type").add("object").add("null");
            o.put("description", sentence(8 + random.nextInt(8)));
            return o;
        }

        /** Adds the three descriptions the original gives most options, before the option's keywords. */
        private ObjectNode described(ObjectNode schema) {
            String anchor = names.isEmpty() ? "option" : last(names); // the option being built
            String text = description();
            ObjectNode o = NODES.objectNode();
            o.put("description", text);
            o.setAll(schema);
            if (random.nextInt(100) < 86) {
                o.put("markdownDescription", text + "\n\n" + sentence(8 + random.nextInt(30)) + "\n\nSee more: "
                        + DOCS + anchor);
                o.put("x-intellij-html-description", "<p>" + text.replace("`", "") + "</p>\n<p>"
                        + sentence(20 + random.nextInt(40)) + "</p>\n<p>See more: <a href=\"" + DOCS + anchor + "\">"
                        + DOCS + anchor + "</a></p>");
            }
            return o;
        }

        /** A description whose length follows the original's: mostly 100 to 700 characters, some 2 to 5 KB. */
        private String description() {
            int chars = random.nextInt(100) < 12 ? 1500 + random.nextInt(3800) : 80 + random.nextInt(620);
            StringBuilder b = new StringBuilder();
            while (b.length() < chars) {
                b.append(b.length() == 0 ? "" : " ").append(sentence(6 + random.nextInt(14)));
            }
            return b.toString();
        }

        private String sentence(int words) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < words; i++) {
                String w = word();
                if (i == 0) {
                    w = capitalize(w);
                } else if (random.nextInt(12) == 0) {
                    w = "`" + w + "`";
                }
                b.append(i == 0 ? "" : " ").append(w);
            }
            return b.append('.').toString();
        }

        /** A fresh camelCase option name of two or three words. */
        private String name() {
            while (true) {
                String n = word() + capitalize(word()) + (random.nextInt(3) == 0 ? capitalize(word()) : "");
                if (names.add(n)) {
                    return n;
                }
            }
        }

        private List<String> words(int count, int perValue) {
            Set<String> out = new LinkedHashSet<>();
            while (out.size() < count) {
                StringBuilder v = new StringBuilder(word());
                for (int i = 1; i < perValue; i++) {
                    v.append('-').append(word());
                }
                out.add(v.toString());
            }
            return new ArrayList<>(out);
        }

        private String word() {
            return WORDS[random.nextInt(WORDS.length)];
        }

        private ObjectNode wrap(String property, ObjectNode schema) {
            ObjectNode o = NODES.objectNode();
            o.putObject("properties").set(property, schema);
            return o;
        }

        private static ObjectNode ref(String target) {
            ObjectNode o = NODES.objectNode();
            o.put("$ref", target);
            return o;
        }

        private static String last(Set<String> set) {
            String last = null;
            for (String s : set) {
                last = s;
            }
            return last;
        }
    }

    /** {@code Node.js} becomes {@code [Nn][Oo][Dd][Ee]\.[Jj][Ss]}, as the original spells case-insensitive names. */
    static String anyCase(String text) {
        StringBuilder b = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (Character.isLetter(c)) {
                b.append('[').append(Character.toUpperCase(c)).append(Character.toLowerCase(c)).append(']');
            } else if (c == '.') {
                b.append("\\.");
            } else if (c == '-') {
                b.append('-');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static String capitalize(String w) {
        return Character.toUpperCase(w.charAt(0)) + w.substring(1);
    }

    /**
     * A tool-call schema of the size applications send: the arguments of a "schedule a meeting" tool.
     * 34 property schemas, nested three objects deep.
     */
    static final String TOOL_SCHEMA = """
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "title": "schedule_meeting arguments",
              "type": "object",
              "additionalProperties": false,
              "required": ["title", "start", "durationMinutes", "organizer", "attendees", "location", "priority"],
              "$defs": {
                "person": {
                  "type": "object",
                  "additionalProperties": false,
                  "required": ["name", "email"],
                  "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 80},
                    "email": {"type": "string", "pattern": "^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\\\.[A-Za-z]{2,}$"},
                    "role": {"enum": ["required", "optional", "resource"]},
                    "responseRequested": {"type": "boolean"}
                  }
                },
                "agendaItem": {
                  "type": "object",
                  "additionalProperties": false,
                  "required": ["topic", "minutes"],
                  "properties": {
                    "topic": {"type": "string", "minLength": 1, "maxLength": 120},
                    "minutes": {"type": "integer", "minimum": 1, "maximum": 240},
                    "presenter": {"type": "string", "maxLength": 80}
                  }
                }
              },
              "properties": {
                "title": {"type": "string", "minLength": 1, "maxLength": 120, "description": "Shown in calendars"},
                "start": {"type": "string", "format": "date-time"},
                "durationMinutes": {"type": "integer", "minimum": 5, "maximum": 480},
                "timezone": {"type": "string", "pattern": "^[A-Za-z]+/[A-Za-z_]+$"},
                "organizer": {"$ref": "#/$defs/person"},
                "attendees": {"type": "array", "items": {"$ref": "#/$defs/person"}, "minItems": 1, "maxItems": 20},
                "location": {
                  "anyOf": [
                    {
                      "type": "object",
                      "additionalProperties": false,
                      "required": ["kind", "building", "room"],
                      "properties": {
                        "kind": {"const": "room"},
                        "building": {"type": "string"},
                        "room": {"type": "string", "pattern": "^[0-9]{1,3}[A-Z]?$"},
                        "floor": {"type": "integer", "minimum": -3, "maximum": 80}
                      }
                    },
                    {
                      "type": "object",
                      "additionalProperties": false,
                      "required": ["kind", "url"],
                      "properties": {
                        "kind": {"const": "online"},
                        "url": {"type": "string", "pattern": "^https://[^ ]+$"},
                        "dialIn": {"type": "string", "pattern": "^\\\\+[0-9 ]{6,20}$"}
                      }
                    }
                  ]
                },
                "agenda": {"type": "array", "items": {"$ref": "#/$defs/agendaItem"}, "maxItems": 10},
                "priority": {"enum": ["low", "normal", "high", "urgent"]},
                "tags": {"type": "array", "items": {"type": "string", "maxLength": 30}, "uniqueItems": true,
                         "maxItems": 8},
                "reminders": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 10080},
                              "maxItems": 5},
                "recurrence": {
                  "type": "object",
                  "additionalProperties": false,
                  "required": ["frequency"],
                  "properties": {
                    "frequency": {"enum": ["daily", "weekly", "monthly"]},
                    "interval": {"type": "integer", "minimum": 1, "maximum": 12},
                    "until": {"type": "string", "format": "date"},
                    "byDay": {"type": "array", "items": {"enum": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]},
                              "uniqueItems": true}
                  }
                },
                "visibility": {"enum": ["public", "private", "confidential"]},
                "requiresApproval": {"type": "boolean"},
                "budget": {"type": "number", "minimum": 0, "multipleOf": 0.01},
                "notes": {"type": ["string", "null"], "maxLength": 2000}
              }
            }
            """;

    /** About 1.3 KB of arguments that match {@link #TOOL_SCHEMA}. */
    static final String VALID_ANSWER = """
            {"title": "Quarterly planning: storage roadmap", "start": "2025-10-14T09:30:00Z", "durationMinutes": 90,
             "timezone": "Europe/Berlin",
             "organizer": {"name": "Dana Whitfield", "email": "dana.whitfield@example.com", "role": "required"},
             "attendees": [
              {"name": "Ravi Menon", "email": "ravi.menon@example.com", "role": "required", "responseRequested": true},
              {"name": "Lena Brandt", "email": "lena.brandt@example.com", "role": "optional",
               "responseRequested": false},
              {"name": "Tomás Ruiz", "email": "tomas.ruiz@example.com", "role": "required", "responseRequested": true},
              {"name": "Room 4B display", "email": "display-4b@example.com", "role": "resource"}],
             "location": {"kind": "room", "building": "North campus, building 2", "room": "412B", "floor": 4},
             "agenda": [
              {"topic": "Review of last quarter's capacity numbers", "minutes": 20, "presenter": "Ravi Menon"},
              {"topic": "Tiered storage proposal and cost model", "minutes": 40, "presenter": "Lena Brandt"},
              {"topic": "Decisions and owners", "minutes": 30}],
             "priority": "high", "tags": ["planning", "storage", "q4"], "reminders": [1440, 30],
             "recurrence": {"frequency": "monthly", "interval": 3, "until": "2026-12-31"},
             "visibility": "private", "requiresApproval": false, "budget": 1250.50,
             "notes": "Bring the draft of the cost model; the finance team joins for the last half hour."}
            """;

    /**
     * The same arguments with seven mistakes a model makes: a wrong enum value, a number as text,
     * a bound exceeded, a pattern missed, an unknown key, a missing required key, a repeated tag.
     */
    static final String INVALID_ANSWER = """
            {"title": "Quarterly planning: storage roadmap", "start": "2025-10-14T09:30:00Z", "durationMinutes": "90",
             "timezone": "Europe/Berlin",
             "organizer": {"name": "Dana Whitfield", "email": "dana.whitfield@example.com", "role": "host"},
             "attendees": [
              {"name": "Ravi Menon", "email": "ravi.menon@example.com", "role": "required", "responseRequested": true},
              {"name": "Lena Brandt", "email": "lena.brandt(at)example.com", "role": "optional"},
              {"name": "Tomás Ruiz", "email": "tomas.ruiz@example.com", "role": "required", "responseRequested": true},
              {"name": "Room 4B display", "email": "display-4b@example.com", "role": "resource"}],
             "location": {"kind": "room", "building": "North campus, building 2", "room": "412B", "floor": 4},
             "agenda": [
              {"topic": "Review of last quarter's capacity numbers", "minutes": 20, "presenter": "Ravi Menon"},
              {"topic": "Tiered storage proposal and cost model", "minutes": 400, "presenter": "Lena Brandt"},
              {"topic": "Decisions and owners", "minutes": 30}],
             "priority": "high", "tags": ["planning", "storage", "planning"], "reminders": [1440, 30],
             "recurrence": {"interval": 3, "until": "2026-12-31"},
             "visibility": "private", "requiresApproval": false, "budget": 1250.50, "color": "blue",
             "notes": "Bring the draft of the cost model; the finance team joins for the last half hour."}
            """;
}
