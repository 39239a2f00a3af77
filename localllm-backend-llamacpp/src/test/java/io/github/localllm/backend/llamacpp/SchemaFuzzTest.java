package io.github.localllm.backend.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.InvalidRequestException;
import io.github.localllm.ResponseFormat;
import io.github.localllm.schema.CompiledSchema;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Thousands of random schemas ({@link SchemaGenerator}) through the converter and then through
 * the real engine. The converter must either give a grammar or refuse with
 * {@link InvalidRequestException}; anything else fails. Every grammar then runs in llama.cpp in
 * one child JVM ({@link SchemaFuzzProbe}), which must process every case: an abort in native
 * code ends the child early, and the failure names the schema it was working on. Answers that
 * finish inside the token limit are checked against their schema: where the converter says its
 * grammar enforces the whole schema, the grammar must not allow an answer the schema rejects.
 *
 * <p>Override the size and seed with {@code -Dlocalllm.fuzz.schemas=N -Dlocalllm.fuzz.seed=S}.
 */
class SchemaFuzzTest {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaFuzzTest.class);
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final int SCHEMAS = Integer.getInteger("localllm.fuzz.schemas", 3000);
    private static final long SEED = Long.getLong("localllm.fuzz.seed", 20_261_130L);
    /** Enough to get past the first few characters of every grammar, few enough to keep the run short. */
    private static final int MAX_TOKENS = 8;
    /** Every fourth case goes through ResponseFormat.jsonSchema: conversion, engine and answer check. */
    private static final int SCHEMA_MODE_EVERY = 4;
    private static final int CHILD_TIMEOUT_SECONDS = 240;
    /** What llama.cpp writes when it cannot use a grammar, or just before it aborts. */
    private static final Pattern NATIVE_TROUBLE = Pattern.compile("(?i)error parsing grammar|failed to parse grammar"
            + "|left recursion|empty grammar stack|GGML_ASSERT|GGML_ABORT|terminate called|Aborted|SIGSEGV");

    private record Case(int index, String schema, CompiledSchema compiled, String mode) {
    }

    @Test
    void everySchemaConvertsOrIsRefusedAndNoGrammarAbortsTheEngine(@TempDir Path dir) throws Exception {
        long start = System.nanoTime();
        SchemaGenerator generator = new SchemaGenerator(SEED);
        List<Case> cases = new ArrayList<>();
        Map<String, Integer> refusalClasses = new TreeMap<>();
        Map<String, Integer> refusals = new TreeMap<>();
        Map<String, String> refusalExamples = new TreeMap<>();
        Problems problems = new Problems();
        Set<String> distinct = new HashSet<>();
        int partial = 0;
        for (int i = 0; i < SCHEMAS; i++) {
            String schema = generator.next();
            distinct.add(schema);
            CompiledSchema compiled;
            try {
                compiled = CompiledSchema.of(schema);
            } catch (InvalidRequestException e) {
                refusalClasses.merge(reasonClass(e.getMessage()), 1, Integer::sum);
                String reason = reason(e.getMessage());
                refusals.merge(reason, 1, Integer::sum);
                refusalExamples.putIfAbsent(reason, e.getMessage() + "\n      schema: " + schema);
                continue;
            } catch (Throwable t) { // StackOverflowError included: nothing but a refusal is acceptable
                problems.add(CONVERTER_THREW, t + " for schema " + schema);
                continue;
            }
            try {
                ResponseFormat.grammar(compiled.gbnf()); // the model of b4916's parser
            } catch (InvalidRequestException e) {
                problems.add(GRAMMAR_UNUSABLE, e.getMessage() + " for schema " + schema);
                continue;
            }
            if (!compiled.checkedAfterGeneration().isEmpty()) {
                partial++;
            }
            cases.add(new Case(i, schema, compiled, i % SCHEMA_MODE_EVERY == 0 ? "schema" : "grammar"));
        }
        long converted = System.nanoTime();
        int refused = refusals.values().stream().mapToInt(Integer::intValue).sum();
        LOG.info("schema fuzz (seed {}): {} generated ({} distinct), {} converted ({} with keywords checked after "
                + "generation), {} refused {}, {} other failures, in {} ms", SEED, SCHEMAS, distinct.size(),
                cases.size(), partial, refused, refusalClasses, problems.count(), (converted - start) / 1_000_000);
        StringBuilder byReason = new StringBuilder();
        refusals.forEach((reason, n) -> byReason.append(String.format(Locale.ROOT, "%n  %5d  %s%n      e.g. %s",
                n, reason, refusalExamples.get(reason))));
        LOG.info("refused by reason:{}", byReason);

        Path file = dir.resolve("cases.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Case c : cases) {
                ObjectNode line = JSON.createObjectNode().put("i", c.index()).put("mode", c.mode())
                        .put("schema", c.schema()).put("gbnf", c.compiled().gbnf());
                w.write(JSON.writeValueAsString(line));
                w.write('\n');
            }
        }
        Map<Integer, Case> byIndex = new LinkedHashMap<>();
        cases.forEach(c -> byIndex.put(c.index(), c));
        Child child = runChild(dir, file);
        long ran = System.nanoTime();

        Map<String, Integer> outcomes = new TreeMap<>();
        int stopChecked = 0;
        int answered = 0;
        for (String line : child.stdout()) {
            String[] f = line.split(" ", 4);
            if (f.length < 2 || !f[1].matches("\\d+")) {
                continue;
            }
            Case c = byIndex.get(Integer.parseInt(f[1]));
            switch (f[0]) {
                case "OK", "CHECKED" -> {
                    answered++;
                    String text = JSON.readValue(f[3], String.class);
                    outcomes.merge(c.mode() + " " + f[0] + " " + f[2], 1, Integer::sum);
                    if (f[2].equals("STOP")) {
                        stopChecked++;
                        List<String> violations;
                        try {
                            violations = c.compiled().violations(text);
                        } catch (RuntimeException e) {
                            problems.add(CHECK_THREW, "violations(" + text + ") threw " + e + " for schema "
                                    + c.schema());
                            continue;
                        }
                        boolean exact = c.compiled().checkedAfterGeneration().isEmpty();
                        if (!parses(text)) {
                            // A grammar allows the end of the text only where its JSON is complete, so a
                            // "finished" text that is not JSON was cut off by the token limit.
                            problems.add(CUT_OFF_AS_STOP, text + " (" + c.mode() + ") for schema " + c.schema());
                        } else if (f[0].equals("OK") && c.mode().equals("schema") && !violations.isEmpty()) {
                            problems.add(FALSE_SUCCESS, text + " " + violations + " for schema " + c.schema());
                        } else if (exact && !violations.isEmpty() && text.indexOf('\uFFFD') >= 0) {
                            problems.add(INVALID_UTF8, text + " " + violations + " for schema " + c.schema());
                        } else if (exact && !violations.isEmpty()) {
                            problems.add(GRAMMAR_TOO_LOOSE, text + " " + violations + " for schema " + c.schema()
                                    + "\n      grammar:\n" + c.compiled().gbnf());
                        }
                    }
                }
                case "INVALID" -> {
                    outcomes.merge(c.mode() + " INVALID", 1, Integer::sum);
                    problems.add(ENGINE_REFUSED, mode(c) + ": "
                            + JSON.readValue(f[2] + (f.length > 3 ? " " + f[3] : ""), String.class)
                            + " for schema " + c.schema());
                }
                case "ERROR" -> {
                    outcomes.merge(c.mode() + " ERROR", 1, Integer::sum);
                    problems.add(ENGINE_FAILED, f[2] + " " + (f.length > 3 ? f[3] : "") + " for schema "
                            + c.schema());
                }
                default -> {
                    // START lines only mark progress
                }
            }
        }
        List<String> nativeTrouble = child.stderr().stream().filter(l -> NATIVE_TROUBLE.matcher(l).find()).toList();
        LOG.info("schema fuzz: {} cases through llama.cpp in one child JVM (exit {}, {} answered, {} finished inside"
                        + " {} tokens and were checked) in {} ms; outcomes {}; {} native trouble lines",
                cases.size(), child.exitCode(), answered, stopChecked, MAX_TOKENS, (ran - converted) / 1_000_000,
                outcomes, nativeTrouble.size());

        problems.log();
        String last = child.lastStarted() < 0 ? "none" : byIndex.get(child.lastStarted()).schema();
        assertThat(child.finished()).as("child JVM finished within %d s; last schema started: %s%nstderr tail:%n%s",
                CHILD_TIMEOUT_SECONDS, last, child.stderrTail()).isTrue();
        assertThat(child.exitCode()).as("child JVM exit code (it dies early on a native abort); last schema"
                + " started: %s%nstderr tail:%n%s", last, child.stderrTail()).isZero();
        assertThat(child.ended()).as("cases the child processed (last schema started: %s)", last)
                .isEqualTo(cases.size());
        assertThat(nativeTrouble).as("llama.cpp grammar errors on stderr").isEmpty();
        assertThat(cases.size()).as("schemas run through the engine").isGreaterThanOrEqualTo(2000);
        // INVALID_UTF8 is logged, not failed: llama.cpp b4916's grammar decodes invalid UTF-8 leniently
        // (a 4-byte sequence above U+10FFFF is one code point to it), which no grammar text can rule
        // out entirely; the answer check still refuses such an answer, so it is never a false success.
        for (String kind : List.of(CONVERTER_THREW, GRAMMAR_UNUSABLE, ENGINE_REFUSED, ENGINE_FAILED, CHECK_THREW,
                FALSE_SUCCESS, GRAMMAR_TOO_LOOSE, CUT_OFF_AS_STOP)) {
            assertThat(problems.of(kind)).as("%s: %d; first ones:%n%s", kind, problems.of(kind).size(),
                    problems.examples(kind)).isEmpty();
        }
    }

    private static final String CONVERTER_THREW = "the converter threw something other than InvalidRequestException";
    private static final String GRAMMAR_UNUSABLE = "the converter wrote a grammar llama.cpp b4916 cannot use"
            + " (GbnfValidator; b4916 crashes on some of them)";
    private static final String ENGINE_REFUSED = "the engine refused a schema the converter accepted";
    private static final String ENGINE_FAILED = "the engine failed";
    private static final String CHECK_THREW = "checking an answer threw instead of reporting violations";
    private static final String FALSE_SUCCESS = "a jsonSchema answer that violates its schema came back as a success";
    private static final String GRAMMAR_TOO_LOOSE = "a grammar said to enforce the whole schema allowed an answer"
            + " the schema rejects";
    private static final String INVALID_UTF8 = "the engine wrote bytes that are not UTF-8, which its grammar counted"
            + " as one character and Java decodes as several U+FFFD, so a length limit the grammar kept fails the check";
    private static final String CUT_OFF_AS_STOP = "an answer cut off by the token limit was reported as STOP"
            + " (see StructuredOutputFailuresTest.aTokenLimitThatCutsAMultiByteCharacterIsReportedAsTheLimit)";

    /** What went wrong, by kind, each with the schema that showed it. */
    private static final class Problems {
        private final Map<String, List<String>> byKind = new LinkedHashMap<>();

        void add(String kind, String detail) {
            byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(detail);
        }

        List<String> of(String kind) {
            return byKind.getOrDefault(kind, List.of());
        }

        int count() {
            return byKind.values().stream().mapToInt(List::size).sum();
        }

        String examples(String kind) {
            List<String> all = of(kind);
            return String.join("\n\n", all.subList(0, Math.min(3, all.size())));
        }

        void log() {
            byKind.forEach((kind, all) -> {
                LOG.warn("schema fuzz: {} x {}", all.size(), kind);
                all.forEach(p -> LOG.warn("  {}", p));
            });
        }
    }

    private static boolean parses(String text) {
        try {
            JSON.readTree(text);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String mode(Case c) {
        return c.mode().equals("schema") ? "ResponseFormat.jsonSchema" : "ResponseFormat.grammar";
    }

    /** The broad class of a refusal. */
    static String reasonClass(String message) {
        String m = message == null ? "" : message;
        if (m.contains("no JSON value can satisfy")) {
            return "unsatisfiable";
        }
        if (m.contains("cannot be enforced while generating")) {
            return "pattern construct no grammar expresses";
        }
        if (m.contains("not a valid regular expression") || m.contains("ECMA-262")) {
            return "invalid pattern";
        }
        if (m.contains("no grammar engine can follow") || m.contains("leads back to itself")
                || m.contains("refers back to itself")) {
            return "recursion before any text";
        }
        if (m.contains("points outside") || m.contains("points to nothing") || m.contains("not a valid URI")) {
            return "unresolvable $ref";
        }
        if (m.contains("is not a valid draft") || m.contains("cannot be used to check answers")) {
            return "invalid for its draft";
        }
        return m.contains("too complex") ? "too complex" : "other";
    }

    /** The class of a refusal: its message without the places and values that differ per schema. */
    static String reason(String message) {
        String m = message == null ? "" : message;
        if (m.contains("pattern") || m.contains("regular expression")) {
            return "pattern: " + m.replaceAll(".*?(pattern at \\S+|\\$[\\w.\\[\\]$-]*pattern)\\S*:? ?", "")
                    .replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"")
                    .replaceAll(";.*", "").strip();
        }
        return m.replaceAll("\\$[^\\s,;:)]*", "\\$…").replaceAll("\"[^\"]*\"", "\"…\"")
                .replaceAll("\\d+", "N").replaceAll("\\(.*\\)", "(…)").replaceAll(";.*", "").strip();
    }

    private record Child(boolean finished, int exitCode, List<String> stdout, List<String> stderr, int lastStarted, int ended) {
        String stderrTail() {
            return String.join("\n", stderr.subList(Math.max(0, stderr.size() - 30), stderr.size()));
        }
    }

    private static Child runChild(Path dir, Path cases) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-cp", childClassPath()));
        command.add(SchemaFuzzProbe.class.getName());
        command.add(cases.toString());
        command.add(TestModels.tiny().toString());
        command.add(Integer.toString(MAX_TOKENS));
        Path err = dir.resolve("child-stderr.txt");
        Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
        List<String> out = Collections.synchronizedList(new ArrayList<>());
        int[] progress = {-1, -1}; // last started, ended count
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.add(line);
                    synchronized (progress) {
                        if (line.startsWith("START ")) {
                            progress[0] = Integer.parseInt(line.substring(6));
                        } else if (line.startsWith("END ")) {
                            progress[1] = Integer.parseInt(line.substring(4));
                        }
                    }
                }
            } catch (IOException e) {
                out.add("READ FAILED " + e);
            }
        }, "schema-fuzz-child-output");
        reader.start();
        boolean finished = process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(10_000);
        List<String> stderr = Files.readAllLines(err, StandardCharsets.ISO_8859_1);
        synchronized (progress) {
            return new Child(finished, finished ? process.exitValue() : -1, List.copyOf(out), stderr, progress[0],
                    progress[1]);
        }
    }

    /** Surefire may put dependencies on the module path; the child takes everything on its class path. */
    private static String childClassPath() {
        List<String> parts = new ArrayList<>();
        for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
            String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                parts.add(value);
            }
        }
        return String.join(File.pathSeparator, parts);
    }
}
