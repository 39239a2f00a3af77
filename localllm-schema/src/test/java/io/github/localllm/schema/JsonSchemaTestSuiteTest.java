package io.github.localllm.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.ResponseFormat;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Proves the converter against the official JSON Schema Test Suite: for every test group whose
 * schema converts with nothing left to the validator ({@code checkedAfterGeneration()} empty), the
 * grammar must accept some serialization of each instance exactly when the suite says it is valid.
 *
 * <p>"Some serialization" is compact JSON with object members in any order (the grammar fixes the
 * declared order, as a model writes one) and numbers in any form of the same value (1.0 also as
 * 1, 100 also as 1e2). Groups the converter refuses, or whose grammar leaves keywords to the
 * validator, are counted by reason; the grammar of the latter is still a superset, so it must
 * accept their valid instances. A valid instance the grammar rejects is forgiven only by one of
 * the {@link Narrowing} rules, each the test-side mirror of a choice the class Javadoc of
 * {@link SchemaConverter} documents; an invalid instance the grammar accepts is never forgiven.
 * Every schema with untyped parts is checked a second time with their implicit types written out,
 * which the converter does not narrow, and every grammar must pass llama.cpp's parser
 * (the check behind {@link ResponseFormat#grammar}).
 *
 * <p>The suite comes from Debian's {@value #DEBIAN_PACKAGE}, or from the directory named by the
 * system property {@value #SUITE_PROPERTY} or the environment variable {@value #SUITE_ENV} (a
 * checkout of json-schema-org/JSON-Schema-Test-Suite, or its {@code tests} directory). Without
 * it the test is skipped, except on CI, where it fails.
 */
class JsonSchemaTestSuiteTest {
    static final String DEBIAN_PACKAGE = "libtest-json-schema-acceptance-perl";
    static final Path DEBIAN_PATH = Path.of("/usr/share/perl5/auto/share/dist/Test-JSON-Schema-Acceptance/tests");
    static final String SUITE_PROPERTY = "localllm.jsonschema.suite";
    static final String SUITE_ENV = "JSON_SCHEMA_TEST_SUITE";

    private static final Logger LOG = LoggerFactory.getLogger(JsonSchemaTestSuiteTest.class);
    /** Numbers keep their exact value (and scale), so 1.0 and 1e308 survive reading. */
    private static final JsonMapper DATA = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The only optional tests run: the formats the converter writes grammars for. */
    private static final List<String> FORMATS = List.of("date", "time", "date-time", "uuid", "ipv4");
    /** Serializations tried per instance; the suite's instances stay far below it. */
    private static final int MAX_FORMS = 5000;
    /** Numbers the grammar writes plainly: integer and fraction digits (see {@link JsonGrammar}). */
    private static final int MAX_INTEGER_DIGITS = IntegerRanges.MAX_DIGITS;
    private static final int MAX_FRACTION_DIGITS = 16;
    private static final Pattern RFC3339_TIME = Pattern.compile(
            "(?i)(\\d{4}-\\d{2}-\\d{2}t)?\\d{2}:\\d{2}:(\\d{2})(\\.\\d+)?(z|[+-]\\d{2}:\\d{2})");
    /** The dialects the converter knows; AnswerValidator reads the same ones. */
    private static final Pattern KNOWN_DIALECT = Pattern.compile(
            "https?://json-schema\\.org/(?:draft-0[467]/schema|draft/(?:2019-09|2020-12)/schema)#?");

    /** Keywords that make an untyped schema one kind of value (the converter's own lists). */
    private static final Set<String> KIND_KEYWORDS = Set.of("properties", "required", "additionalProperties",
            "patternProperties", "minProperties", "maxProperties", "propertyNames", "dependentRequired",
            "dependentSchemas", "dependencies", "unevaluatedProperties", "items", "prefixItems", "additionalItems",
            "minItems", "maxItems", "uniqueItems", "contains", "minContains", "maxContains", "unevaluatedItems",
            "minLength", "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
            "exclusiveMaximum", "multipleOf");

    /**
     * The converter's documented narrowings, each a reason a grammar may reject a valid instance.
     * Each rule is checked, not assumed: it applies only when its condition holds for this instance.
     */
    enum Narrowing {
        /**
         * An untyped schema whose keywords belong to one kind produces that kind only. Checked by
         * converting the schema again with that implicit "any type" written out (a no-op in JSON
         * Schema): the narrowing explains the rejection when that grammar accepts the instance.
         */
        UNTYPED_ONE_KIND("an untyped schema with keywords of one kind produces only that kind"),
        /** A number with more than 18 integer or 16 fraction digits in every plain form. */
        NUMBER_DIGITS("a number not writable plainly in 18 integer and 16 fraction digits"),
        /**
         * An object key containing a quote, backslash or control character that the schema declares
         * nowhere: additional property names are written without escapes.
         */
        ESCAPED_NAME("an additional property name that needs an escape"),
        /**
         * A time or date-time outside the one form the format grammars write (see {@link Formats}):
         * a leap second, a fraction of a second of other than three digits, a lower-case t or z.
         */
        FORMAT_FORM("a time outside the format grammar's form (leap second, fraction not of 3 digits,"
                + " lower-case t/z)"),
        /**
         * A {@code $schema} naming a custom metaschema, which is never fetched: the converter, like
         * {@link AnswerValidator}, reads the schema as 2020-12 with every vocabulary.
         */
        CUSTOM_METASCHEMA("a custom metaschema (never fetched; read as 2020-12 with every vocabulary)");

        final String description;

        Narrowing(String description) {
            this.description = description;
        }
    }

    @Test
    void draft2020_12() throws IOException {
        run("draft2020-12", "https://json-schema.org/draft/2020-12/schema");
    }

    @Test
    void draft201909() throws IOException {
        run("draft2019-09", "https://json-schema.org/draft/2019-09/schema");
    }

    @Test
    void draft7() throws IOException {
        run("draft7", "http://json-schema.org/draft-07/schema#");
    }

    @Test
    void draft4() throws IOException {
        run("draft4", "http://json-schema.org/draft-04/schema#");
    }

    private static void run(String draft, String dialect) throws IOException {
        long start = System.nanoTime();
        Path dir = suiteDirectory().resolve(draft);
        assertThat(dir).as("the suite has no %s directory", draft).isDirectory();
        Tally tally = new Tally(draft);
        for (Path file : files(dir)) {
            String name = dir.relativize(file).toString();
            for (JsonNode group : DATA.readTree(file.toFile()).values()) {
                checkGroup(name, group, dialect, tally);
            }
        }
        tally.millis = (System.nanoTime() - start) / 1_000_000;
        LOG.info(tally.summary());
        assertThat(tally.mismatches).as("converter bugs the JSON Schema Test Suite (%s) reveals", draft).isEmpty();
    }

    /** The required tests, and the optional format tests for the formats the converter has grammars for. */
    private static List<Path> files(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(files::add);
        }
        for (String format : FORMATS) {
            Path p = dir.resolve("optional/format/" + format + ".json");
            if (Files.isRegularFile(p)) {
                files.add(p);
            }
        }
        return files;
    }

    private static Path suiteDirectory() {
        String configured = System.getProperty(SUITE_PROPERTY);
        String source = "system property " + SUITE_PROPERTY;
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(SUITE_ENV);
            source = "environment variable " + SUITE_ENV;
        }
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            Path tests = Files.isDirectory(p.resolve("tests")) ? p.resolve("tests") : p;
            if (!Files.isDirectory(tests.resolve("draft7"))) {
                fail(source + " names " + configured + ", which holds no JSON Schema Test Suite (no draft7"
                        + " directory in it or in its tests directory); point it at the suite's checkout");
            }
            return tests;
        }
        if (Files.isDirectory(DEBIAN_PATH)) {
            return DEBIAN_PATH;
        }
        String reason = "the JSON Schema Test Suite is not installed: run 'apt-get install " + DEBIAN_PACKAGE
                + "', or set " + SUITE_PROPERTY + " (or " + SUITE_ENV + ") to a checkout of"
                + " json-schema-org/JSON-Schema-Test-Suite";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(reason + " (CI must run it: .ci/run installs the package)");
        }
        assumeTrue(false, reason);
        return null;
    }

    /**
     * Checks a group's schema as written, then (when it has untyped schemas with keywords of one
     * kind) the same schema with every such implicit "any type" written out, which the converter
     * does not narrow: both grammars must agree with the suite.
     */
    private static void checkGroup(String file, JsonNode group, String dialect, Tally tally) {
        JsonNode schema = withDialect(group.get("schema"), dialect);
        String where = file + " / " + group.get("description").asString();
        check(where, schema, group, tally.asWritten, tally);
        JsonNode typed = explicitTypes(schema);
        if (!typed.equals(schema)) {
            check(where + " (types written out)", typed, group, tally.typesWrittenOut, tally);
        }
    }

    private static void check(String where, JsonNode schema, JsonNode group, Counts counts, Tally tally) {
        counts.groups++;
        SchemaConverter.Conversion conversion;
        try {
            conversion = convert(schema);
        } catch (InvalidRequestException e) {
            refused(where, schema, group, e.getMessage(), counts, tally);
            return;
        } catch (RuntimeException e) {
            tally.mismatches.add(where + ": the converter failed with " + e + "\n  schema " + schema);
            return;
        }
        if (!validGbnf(where, conversion.gbnf(), tally)) {
            return;
        }
        GbnfRecognizer grammar = GbnfRecognizer.parse(conversion.gbnf());
        boolean applicable = conversion.checkedAfterGeneration().isEmpty();
        if (applicable) {
            counts.applicable++;
        } else {
            Set<String> keywords = new TreeSet<>();
            conversion.checkedAfterGeneration().forEach(p -> keywords.add(p.substring(p.lastIndexOf('.') + 1)));
            counts.notApplicable("checked after generation: " + String.join(", ", keywords), group);
        }
        for (JsonNode test : group.get("tests").values()) {
            // What the grammar leaves to the validator, it must allow: there it is a superset.
            if (applicable || test.get("valid").booleanValue()) {
                checkTest(where, schema, grammar, test, applicable, counts, tally);
            }
        }
    }

    private static void checkTest(String where, JsonNode schema, GbnfRecognizer grammar, JsonNode test,
                                  boolean applicable, Counts counts, Tally tally) {
        if (applicable) {
            counts.tests++;
        } else {
            counts.supersetTests++;
        }
        JsonNode data = test.get("data");
        boolean valid = test.get("valid").booleanValue();
        List<String> forms = forms(data);
        String accepted = forms.stream().filter(grammar::accepts).findFirst().orElse(null);
        if ((accepted != null) == valid) {
            if (applicable) {
                counts.passed++;
            } else {
                counts.supersetPassed++;
            }
            return;
        }
        if (valid) {
            Narrowing n = narrowing(schema, data, forms);
            if (n != null) {
                counts.narrowed.merge(n, 1, Integer::sum);
                counts.examples.putIfAbsent(n, where + " / " + test.get("description").asString());
                return;
            }
        }
        tally.mismatches.add(where + " / " + test.get("description").asString() + ": the suite says "
                + (valid ? "valid, but the grammar" + (applicable ? "" : " (a superset: it leaves "
                        + "keywords to the validator)") + " rejects every serialization (" + forms.size() + ")"
                        : "invalid, but the grammar accepts " + accepted)
                + "\n  schema " + schema + "\n  data   " + data);
    }

    /** The narrowing that explains why a valid instance is rejected, or null if none does. */
    private static Narrowing narrowing(JsonNode schema, JsonNode data, List<String> forms) {
        JsonNode typed = explicitTypes(schema);
        if (!typed.equals(schema)) {
            try {
                GbnfRecognizer g = GbnfRecognizer.parse(convert(typed).gbnf());
                if (forms.stream().anyMatch(g::accepts)) {
                    return Narrowing.UNTYPED_ONE_KIND;
                }
            } catch (InvalidRequestException e) {
                // Written out, the schema is refused: the rule does not explain the rejection.
            }
        }
        if (anyNumber(data, n -> plainForms(n).stream().noneMatch(JsonSchemaTestSuiteTest::fitsDigits))) {
            return Narrowing.NUMBER_DIGITS;
        }
        Set<String> declared = new LinkedHashSet<>();
        declaredNames(schema, declared);
        if (anyKey(data, k -> !declared.contains(k) && k.codePoints().anyMatch(JsonGrammar.NEEDS_ESCAPE::contains))) {
            return Narrowing.ESCAPED_NAME;
        }
        if (data.isString() && usesFormat(schema, Set.of("time", "date-time")) && outsideTimeForm(data.asString())) {
            return Narrowing.FORMAT_FORM;
        }
        JsonNode dialect = schema.isObject() ? schema.get("$schema") : null;
        if (dialect != null && !KNOWN_DIALECT.matcher(dialect.asString()).matches()) {
            return Narrowing.CUSTOM_METASCHEMA;
        }
        return null;
    }

    /** Every name declared under some {@code properties} of the schema. */
    private static void declaredNames(JsonNode schema, Set<String> into) {
        if (schema.isObject() && schema.has("properties") && schema.get("properties").isObject()) {
            into.addAll(schema.get("properties").propertyNames());
        }
        schema.values().forEach(child -> declaredNames(child, into));
    }

    private static boolean usesFormat(JsonNode schema, Set<String> formats) {
        if (schema.isObject() && schema.has("format") && formats.contains(schema.get("format").asString())) {
            return true;
        }
        for (JsonNode child : schema.values()) {
            if (usesFormat(child, formats)) {
                return true;
            }
        }
        return false;
    }

    /** An RFC 3339 time (or date-time) in a form {@link Formats} leaves out. */
    private static boolean outsideTimeForm(String text) {
        Matcher m = RFC3339_TIME.matcher(text);
        return m.matches() && (m.group(2).equals("60") || m.group(3) != null && m.group(3).length() != 4
                || !text.equals(text.toUpperCase(Locale.ROOT)));
    }

    private static SchemaConverter.Conversion convert(JsonNode schema) {
        return SchemaConverter.convert(SchemaDocument.parse(DATA.writeValueAsString(schema)));
    }

    /** The suite's schema, with {@code $schema} set to the draft's dialect if it names none. */
    private static JsonNode withDialect(JsonNode schema, String dialect) {
        if (!schema.isObject() || schema.has("$schema")) {
            return schema;
        }
        ObjectNode copy = NODES.objectNode().put("$schema", dialect);
        copy.setAll((ObjectNode) schema);
        return copy;
    }

    private static boolean validGbnf(String where, String gbnf, Tally tally) {
        try {
            ResponseFormat.grammar(gbnf);
            return true;
        } catch (RuntimeException e) {
            tally.mismatches.add(where + ": llama.cpp's parser would reject the grammar: " + e.getMessage());
            return false;
        }
    }

    /**
     * A refusal is correct when the schema uses what the converter documents it cannot enforce, or
     * when no value satisfies the schema: then every instance of the group must be invalid.
     */
    private static void refused(String where, JsonNode schema, JsonNode group, String message, Counts counts,
                                Tally tally) {
        if (message.startsWith("no JSON value can satisfy")) {
            for (JsonNode test : group.get("tests").values()) {
                if (test.get("valid").booleanValue()) {
                    tally.mismatches.add(where + " / " + test.get("description").asString() + ": the suite says"
                            + " valid, but the converter refused the schema: " + message + "\n  schema " + schema
                            + "\n  data   " + test.get("data"));
                }
            }
        }
        counts.notApplicable("refused: " + reason(message), group);
    }

    /** A refusal message without its places and quoted parts, so that equal reasons count together. */
    private static String reason(String message) {
        if (message.startsWith("no JSON value can satisfy")) {
            return "no JSON value satisfies the schema (every test of the group is invalid, as checked)";
        }
        String r = message.replaceAll("(?<=at )\\$[^\\s:;,)]*", "…").replaceAll("\"[^\"]*\"", "\"…\"")
                .replaceAll("'[^']*'", "'…'").replaceAll("character \\d+", "character N");
        int end = r.indexOf(';');
        return end < 0 ? r : r.substring(0, end);
    }

    // Serializations.

    /** Compact JSON texts of a value: every member order (bounded) and every plain form of each number. */
    static List<String> forms(JsonNode v) {
        if (v.isNumber()) {
            return numberForms(v.decimalValue());
        }
        if (v.isArray()) {
            List<List<String>> parts = new ArrayList<>();
            v.values().forEach(e -> parts.add(forms(e)));
            return product("[", parts, "]");
        }
        if (v.isObject()) {
            List<String> keys = new ArrayList<>(v.propertyNames());
            List<String> out = new ArrayList<>();
            for (List<String> order : permutations(keys)) {
                List<List<String>> parts = new ArrayList<>();
                for (String k : order) {
                    String name = DATA.writeValueAsString(NODES.stringNode(k)) + ":";
                    parts.add(forms(v.get(k)).stream().map(f -> name + f).toList());
                }
                out.addAll(product("{", parts, "}"));
                if (out.size() >= MAX_FORMS) {
                    break;
                }
            }
            return out;
        }
        return List.of(DATA.writeValueAsString(v));
    }

    private static List<String> product(String open, List<List<String>> parts, String close) {
        List<String> out = List.of(open);
        for (int i = 0; i < parts.size(); i++) {
            List<String> next = new ArrayList<>();
            String comma = i == 0 ? "" : ",";
            for (String prefix : out) {
                for (String part : parts.get(i)) {
                    if (next.size() < MAX_FORMS) {
                        next.add(prefix + comma + part);
                    }
                }
            }
            out = next;
        }
        return out.stream().map(s -> s + close).toList();
    }

    private static List<List<String>> permutations(List<String> items) {
        List<List<String>> out = new ArrayList<>();
        permute(new ArrayList<>(), new ArrayList<>(items), out);
        return out;
    }

    private static void permute(List<String> prefix, List<String> rest, List<List<String>> out) {
        if (out.size() >= MAX_FORMS) {
            return;
        }
        if (rest.isEmpty()) {
            out.add(List.copyOf(prefix));
            return;
        }
        for (int i = 0; i < rest.size(); i++) {
            prefix.add(rest.remove(i));
            permute(prefix, rest, out);
            rest.add(i, prefix.remove(prefix.size() - 1));
        }
    }

    /** The plain forms of a number, then its exponent forms, distinct. */
    static List<String> numberForms(BigDecimal n) {
        Set<String> forms = new LinkedHashSet<>(plainForms(n));
        BigDecimal s = n.signum() == 0 ? BigDecimal.ZERO : n.stripTrailingZeros();
        forms.add(s.unscaledValue() + "e" + -s.scale());
        forms.add(s.toString().replace("E+", "e").replace("E", "e"));
        forms.add(s.toString());
        return List.copyOf(forms);
    }

    private static List<String> plainForms(BigDecimal n) {
        Set<String> forms = new LinkedHashSet<>();
        BigDecimal s = n.signum() == 0 ? BigDecimal.ZERO : n.stripTrailingZeros();
        forms.add(s.toPlainString());
        forms.add(n.toPlainString());
        if (s.scale() <= 0) {
            forms.add(s.toPlainString() + ".0");
        }
        return List.copyOf(forms);
    }

    private static boolean fitsDigits(String plain) {
        String digits = plain.startsWith("-") ? plain.substring(1) : plain;
        int dot = digits.indexOf('.');
        int integer = dot < 0 ? digits.length() : dot;
        int fraction = dot < 0 ? 0 : digits.length() - dot - 1;
        return integer <= MAX_INTEGER_DIGITS && fraction <= MAX_FRACTION_DIGITS;
    }

    private static boolean anyNumber(JsonNode v, java.util.function.Predicate<BigDecimal> test) {
        if (v.isNumber()) {
            return test.test(v.decimalValue());
        }
        for (JsonNode child : v.values()) {
            if (anyNumber(child, test)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyKey(JsonNode v, java.util.function.Predicate<String> test) {
        if (v.isObject()) {
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                if (test.test(e.getKey()) || anyKey(e.getValue(), test)) {
                    return true;
                }
            }
        } else if (v.isArray()) {
            for (JsonNode child : v.values()) {
                if (anyKey(child, test)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The schema with {@code "type"} listing all seven types wherever a subschema has none but has
     * a keyword of one kind: the same schema to a validator, but the converter no longer narrows it.
     */
    static JsonNode explicitTypes(JsonNode schema) {
        JsonNode copy = schema.deepCopy();
        addTypes(copy);
        return copy;
    }

    private static void addTypes(JsonNode s) {
        if (!s.isObject()) {
            return;
        }
        ObjectNode o = (ObjectNode) s;
        if (!o.has("type") && !o.has("enum") && !o.has("const")
                && o.propertyNames().stream().anyMatch(KIND_KEYWORDS::contains)) {
            ArrayNode all = NODES.arrayNode();
            SchemaShapes.TYPES.stream().sorted().forEach(all::add);
            o.set("type", all);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = o.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (SchemaIndex.SCHEMA_MAPS.contains(e.getKey()) && v.isObject()) {
                v.values().forEach(JsonSchemaTestSuiteTest::addTypes);
            } else if (SchemaIndex.SCHEMA_LISTS.contains(e.getKey()) && v.isArray()) {
                v.values().forEach(JsonSchemaTestSuiteTest::addTypes);
            } else if (SchemaIndex.SCHEMAS.contains(e.getKey())) {
                addTypes(v);
            }
        }
    }

    /** What one variant of one draft's run found. */
    private static final class Counts {
        int groups;
        int applicable;
        int tests;
        int passed;
        /** Valid instances of groups with keywords left to the validator, which the grammar must accept. */
        int supersetTests;
        int supersetPassed;
        final Map<String, int[]> notApplicable = new TreeMap<>();
        final Map<Narrowing, Integer> narrowed = new TreeMap<>();
        final Map<Narrowing, String> examples = new TreeMap<>();

        void notApplicable(String reason, JsonNode group) {
            int[] counts = notApplicable.computeIfAbsent(reason, r -> new int[2]);
            counts[0]++;
            counts[1] += group.get("tests").size();
        }

        void describe(String variant, StringBuilder s) {
            s.append("\n ").append(variant).append(": ").append(groups).append(" groups, ").append(applicable)
                    .append(" applicable; ").append(tests).append(" tests checked, ").append(passed)
                    .append(" passed; valid instances of the other converted groups: ").append(supersetTests)
                    .append(" checked, ").append(supersetPassed).append(" accepted");
            for (Narrowing n : Narrowing.values()) {
                s.append("\n  narrowing (valid instance rejected): ").append(n.description).append(": ")
                        .append(narrowed.getOrDefault(n, 0));
                if (examples.containsKey(n)) {
                    s.append(" (such as ").append(examples.get(n)).append(")");
                }
            }
            notApplicable.forEach((reason, n) -> s.append("\n  not applicable: ").append(reason).append(": ")
                    .append(n[0]).append(n[0] == 1 ? " group (" : " groups (").append(n[1]).append(" tests)"));
        }
    }

    /** What one draft's run found. */
    private static final class Tally {
        final String draft;
        final Counts asWritten = new Counts();
        final Counts typesWrittenOut = new Counts();
        final List<String> mismatches = new ArrayList<>();
        long millis;

        Tally(String draft) {
            this.draft = draft;
        }

        String summary() {
            StringBuilder s = new StringBuilder("JSON Schema Test Suite " + draft + ": " + mismatches.size()
                    + " mismatches in " + millis + " ms");
            asWritten.describe("schemas as written", s);
            typesWrittenOut.describe("schemas with implicit types written out", s);
            mismatches.forEach(m -> s.append("\n  MISMATCH ").append(m));
            return s.toString();
        }
    }
}
