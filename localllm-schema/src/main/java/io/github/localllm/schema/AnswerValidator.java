package io.github.localllm.schema;

import com.networknt.schema.Error;
import com.networknt.schema.InvalidSchemaRefException;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.DialectId;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.AnnotationKeyword;
import com.networknt.schema.path.PathType;
import com.networknt.schema.resource.SchemaLoader;
import io.github.localllm.InvalidRequestException;
import java.io.FileNotFoundException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks answers against one JSON Schema with networknt's validator, built once and safe to
 * share between threads.
 *
 * <p>No schema is ever fetched: the registry has no loader that opens URLs (networknt 3 adds
 * one only on request), every IRI outside json-schema.org is blocked before any loader sees it,
 * and json-schema.org meta-schemas resolve to the copies bundled in networknt's jar. An unknown
 * {@code $schema} selects 2020-12 instead of being downloaded as a custom dialect.
 */
final class AnswerValidator {
    /** The most violations reported for one answer; the rest are counted, so a huge answer gives a short report. */
    static final int MAX_VIOLATIONS = 20;
    /** Violation lines are quoted in exception messages and logs; keep each one readable. */
    static final int MAX_LINE = 299;
    private static final int MAX_REASON = 150;
    private static final int MAX_LOCATION = 100;

    private static final Pattern KNOWN_DIALECT = Pattern.compile(
            "https?://json-schema\\.org/(?:(draft-0[467])/schema|draft/(2019-09|2020-12)/schema)#?");
    private static final Pattern BUNDLED = Pattern.compile("https?://json-schema\\.org/.*");
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate Object property \"(.*)\"", Pattern.DOTALL);

    private static final JsonMapper ANSWERS = JsonMapper.builder()
            // A repeated key is read as "last one wins" by some parsers and "first one wins" by others.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // multipleOf and the bounds compare exactly, not after a round trip through double.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private static final Dialect DRAFT_4 = quiet(Dialects.getDraft4());
    private static final Dialect DRAFT_6 = quiet(Dialects.getDraft6());
    private static final Dialect DRAFT_7 = quiet(Dialects.getDraft7());
    private static final Dialect DRAFT_2019_09 = quiet(Dialects.getDraft201909());
    private static final Dialect DRAFT_2020_12 = quiet(Dialects.getDraft202012());

    /**
     * The specification makes an unknown keyword an annotation; networknt agrees but logs a warning
     * for each one on every compile, and real schemas are full of them ({@code markdownDescription}).
     */
    private static Dialect quiet(Dialect dialect) {
        return Dialect.builder(dialect).unknownKeywordFactory((keyword, context) -> new AnnotationKeyword(keyword))
                .build();
    }

    private static final SchemaRegistry REGISTRY = SchemaRegistry.builder()
            .defaultDialectId(DialectId.DRAFT_2020_12)
            .dialectRegistry((id, registry) -> dialect(id))
            .schemaLoader(SchemaLoader.builder()
                    .fetchRemoteResources(false)
                    // Also keeps classpath: and file-like references from reading this process's resources.
                    .block(iri -> !BUNDLED.matcher(String.valueOf(iri)).matches())
                    .build())
            .schemaRegistryConfig(SchemaRegistryConfig.builder()
                    .formatAssertionsEnabled(true)
                    .pathType(PathType.JSON_PATH)
                    .locale(Locale.ROOT)
                    .build())
            .build();

    private final Schema schema;

    /**
     * @param schemaRoot the parsed schema
     * @throws InvalidRequestException if the schema breaks its dialect's meta-schema or cannot be compiled
     */
    AnswerValidator(JsonNode schemaRoot) {
        JsonNode named = schemaRoot.get("$schema");
        Dialect dialect = dialect(named == null ? null : named.asString(""));
        checkAgainstMetaSchema(schemaRoot, dialect, named != null);
        try {
            schema = REGISTRY.getSchema(schemaRoot);
            // The registry's own preload swallows failures; surface them now rather than at the first answer.
            schema.initializeValidators();
        } catch (SchemaException e) {
            throw rejected(e);
        }
    }

    /**
     * @param answer a model's answer
     * @return one line per problem, each naming where it is; empty when the answer matches
     */
    List<String> violations(String answer) {
        if (answer == null || answer.isBlank()) {
            return List.of("the answer is not valid JSON: it is empty at line 1, column 1");
        }
        JsonNode instance;
        try {
            instance = ANSWERS.readTree(answer);
        } catch (JacksonException e) {
            return List.of(notJson(e));
        }
        try {
            return report(schema.validate(instance));
        } catch (JacksonException e) {
            // networknt compares integer bounds through long and throws on a number beyond it (4E+30
            // against "maximum": 5). Such an answer is never accepted: it cannot be shown to match.
            return List.of("$: a number in the answer is beyond what the validator can compare with the schema's"
                    + " bounds (" + shorten(String.valueOf(e.getOriginalMessage()), MAX_REASON) + ")");
        }
    }

    private static List<String> report(List<Error> errors) {
        // networknt reports uniqueItems once per repeated element; the same line twice says nothing more.
        Set<String> distinct = new LinkedHashSet<>();
        for (Error error : errors) {
            String location = shorten(String.valueOf(error.getInstanceLocation()), MAX_LOCATION);
            distinct.add(shorten(location + ": " + error.getMessage(), MAX_LINE));
        }
        if (distinct.size() <= MAX_VIOLATIONS) {
            return List.copyOf(distinct);
        }
        List<String> lines = new ArrayList<>(new ArrayList<>(distinct).subList(0, MAX_VIOLATIONS));
        lines.add("... and " + (distinct.size() - MAX_VIOLATIONS) + " more violations");
        return List.copyOf(lines);
    }

    private static String notJson(JacksonException e) {
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        String reason;
        Matcher duplicate = DUPLICATE.matcher(original);
        if (duplicate.matches()) {
            reason = "the key \"" + shorten(duplicate.group(1), 60) + "\" appears twice in one object";
        } else if (original.startsWith("Trailing token")) {
            reason = "more content follows the JSON value";
        } else {
            // Jackson's hints name its own switches ("enable JsonReadFeature..."), meaningless to a caller.
            int hint = original.indexOf(": enable ");
            reason = hint > 0 ? original.substring(0, hint) : original;
        }
        TokenStreamLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return "the answer is not valid JSON: " + shorten(reason.strip(), MAX_REASON) + where;
    }

    private static void checkAgainstMetaSchema(JsonNode schemaRoot, Dialect dialect, boolean named) {
        List<Error> errors;
        try {
            errors = REGISTRY.getSchema(SchemaLocation.of(dialect.getId())).validate(schemaRoot);
        } catch (SchemaException e) {
            throw new IllegalStateException("the bundled meta-schema " + dialect.getId()
                    + " could not be loaded; the json-schema-validator jar is incomplete", e);
        }
        if (!errors.isEmpty()) {
            List<String> lines = report(errors);
            throw new InvalidRequestException("the JSON schema is not a valid " + name(dialect) + " schema: "
                    + String.join("; ", lines.subList(0, Math.min(3, lines.size())))
                    + (lines.size() > 3 ? "; ..." : "") + "; fix these keywords (locations are within the schema)"
                    + (named ? "" : ", or name the draft the schema is written in with \"$schema\", such as"
                            + " \"http://json-schema.org/draft-07/schema#\""));
        }
    }

    private static InvalidRequestException rejected(SchemaException e) {
        boolean reference = e instanceof InvalidSchemaRefException
                || e.getCause() instanceof FileNotFoundException
                || String.valueOf(e.getMessage()).contains("not allowed to be loaded");
        String problem = shorten(String.valueOf(e.getMessage()).replaceAll("\\s+", " ").strip(), MAX_REASON);
        return new InvalidRequestException("the JSON schema cannot be used to check answers: " + problem
                + (reference
                        ? "; localllm resolves only references within the schema and never fetches one: put the"
                                + " referenced schema under $defs and refer to it as \"#/$defs/name\""
                        : "; fix the schema"), e);
    }

    /** The dialect a {@code $schema} value names, or 2020-12 for anything else: nothing is ever downloaded. */
    static Dialect dialect(String id) {
        Matcher m = KNOWN_DIALECT.matcher(id == null ? "" : id);
        if (!m.matches()) {
            return DRAFT_2020_12;
        }
        String draft = m.group(1) != null ? m.group(1) : m.group(2);
        switch (draft) {
            case "draft-04":
                return DRAFT_4;
            case "draft-06":
                return DRAFT_6;
            case "draft-07":
                return DRAFT_7;
            case "2019-09":
                return DRAFT_2019_09;
            default:
                return DRAFT_2020_12;
        }
    }

    private static String name(Dialect dialect) {
        Matcher m = KNOWN_DIALECT.matcher(dialect.getId());
        return m.matches() ? (m.group(1) != null ? m.group(1) : m.group(2)) : dialect.getId();
    }

    /** Cuts text to at most {@code max} characters, never inside a surrogate pair. */
    static String shorten(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max - 3;
        if (Character.isLowSurrogate(text.charAt(end))) {
            end--;
        }
        return text.substring(0, end) + "...";
    }
}
