package io.github.localllm.schema;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks a grammar in llama.cpp's GBNF notation the way llama.cpp's own parser does
 * ({@code llama_grammar_parser} and {@code llama_grammar_init_impl} in src/llama-grammar.cpp,
 * build b4916, the one de.kherud:llama 4.2.0 bundles). llama.cpp answers a grammar it cannot
 * use by logging "failed to parse grammar" and sampling without it, so without this check a typo
 * would silently give unconstrained text.
 *
 * <p>The parser mirrors llama.cpp's recursive descent step by step, including its quirks: a rule
 * ends at the end of its line unless inside parentheses or after {@code |}; names are ASCII
 * letters, digits and {@code -} (no {@code _}); the only escapes are backslash followed by one
 * of {@code x u U t r n \ " [ ]}; a later definition of a rule silently replaces an earlier one;
 * and a rule that can reach itself without consuming input is rejected as left-recursive. llama.cpp expands
 * {@code x{m,n}} into copies of {@code x} and {@code n-m} helper rules; this class only counts
 * those copies and keeps one, because one copy decides every check it makes.
 *
 * <p>It is stricter than that build only where llama.cpp would take the process down or silently
 * misread the grammar: more than {@value #MAX_NESTING} nested parentheses (llama.cpp recurses
 * until its stack overflows); repetitions that expand past {@value #MAX_EXPANDED_ELEMENTS} grammar
 * elements or have a minimum above the maximum (llama.cpp tries to allocate them, the latter
 * about 2^64 rules); left recursion through a rule that can match nothing without having an empty
 * alternative, and reversed ranges such as {@code [z-a]} (llama.cpp accepts both, then crashes or
 * aborts while sampling); NUL characters (llama.cpp reads the grammar as a C string and would
 * drop everything after one); and an empty grammar, which llama.cpp takes as no grammar at all.
 *
 * <p>It describes one dialect, the one this module's converter writes and the in-process engine
 * runs; the API's {@code ResponseFormat.grammar} does not apply it, each engine checks grammars
 * against its own dialect ({@code EngineCapabilities.grammarDialect()}).
 */
public final class GbnfValidator {

    /**
     * Checks a caller's grammar as llama.cpp b4916 would parse it: b4916 does not fail on a grammar it
     * cannot use, it logs and samples unconstrained text, so the check has to happen before it sees one.
     *
     * @param gbnf the grammar of a request
     * @throws io.github.localllm.InvalidRequestException naming the line, column and problem
     */
    public static void checkRequest(String gbnf) {
        try {
            validate(gbnf);
        } catch (GbnfException e) {
            throw new io.github.localllm.InvalidRequestException("invalid GBNF grammar at line " + e.line()
                    + ", column " + e.column() + ": " + e.problem() + " (checked against llama.cpp b4916's"
                    + " grammar parser, the dialect of this engine)", e);
        }
    }

    /** Deeper nesting than any real grammar; far below the depth that overflows a thread stack. */
    /** The deepest parenthesis nesting accepted. */
    public static final int MAX_NESTING = 1000;
    /** About 32 MB of llama.cpp grammar elements, far beyond grammars that sample at usable speed. */
    static final long MAX_EXPANDED_ELEMENTS = 4_000_000L;

    private static final int TERMINAL = -1;
    private static final long UNBOUNDED = -1;

    /** A grammar llama.cpp would reject, with where the problem is. */
    public static final class GbnfException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final int line;
        private final int column;
        private final String problem;

        GbnfException(int line, int column, String problem) {
            super("line " + line + ", column " + column + ": " + problem);
            this.line = line;
            this.column = column;
            this.problem = problem;
        }

        /** @return the 1-based line of the problem */
        public int line() {
            return line;
        }

        /** @return the 1-based column of the problem, counted in Unicode code points */
        public int column() {
            return column;
        }

        /** @return what is wrong and how to fix it, without the position */
        public String problem() {
            return problem;
        }
    }

    /** One element of a rule: a reference to rule {@code ref}, or a run of terminals. */
    private record Elem(int ref, int at) {
    }

    /** A rule's alternatives; {@code owner} is the user's rule it was written in. */
    private record Rule(String owner, List<List<Elem>> alternatives) {
    }

    /** The alternative being parsed, with llama.cpp's lengths kept beside the compressed elements. */
    private static final class Seq {
        final List<Elem> elems = new ArrayList<>();
        int lastSymStart;
        long realLength;
        long realLastSymStart;

        void startSymbol() {
            lastSymStart = elems.size();
            realLastSymStart = realLength;
        }
    }

    private final String src;
    private final int end;
    /** Whether token terminals ({@code <[id]>}, {@code !<[id]>}, {@code <text>}) are part of the dialect. */
    private final boolean tokenTerminals;
    /** llama.cpp's symbol_ids: user names and generated rules share one id counter. */
    private final Map<String, Integer> symbolIds = new HashMap<>();
    private final Map<Integer, String> names = new HashMap<>();
    private final Map<Integer, Integer> firstReference = new HashMap<>();
    private final Map<Integer, Rule> rules = new TreeMap<>();
    private long nextId;
    private int maxRuleId = -1;
    private long expanded;
    /** The code point the last {@link #parseChar} read; a long because \\U takes 8 hex digits. */
    private long charValue;
    private Set<Integer> nullable;

    private GbnfValidator(String src, boolean tokenTerminals) {
        this.src = src;
        this.end = src.length();
        this.tokenTerminals = tokenTerminals;
    }

    /**
     * @param gbnf the grammar text
     * @throws GbnfException if llama.cpp would reject the grammar, naming the line and column
     */
    public static void validate(String gbnf) {
        validate(gbnf, false);
    }

    /**
     * Checks a grammar in a newer llama.cpp's dialect, which adds token terminals to b4916's:
     * {@code <[id]>} matches the token with that id, {@code !<[id]>} any other token, and
     * {@code <text>} the one token the text is (llama-server b10470 takes all three; whether
     * {@code <text>} is one token only the model's vocabulary tells, so that is left to the server).
     *
     * @param gbnf the grammar text
     * @param tokenTerminals whether token terminals are allowed; {@code false} is {@link #validate(String)}
     * @throws GbnfException if llama.cpp would reject the grammar, naming the line and column
     */
    public static void validate(String gbnf, boolean tokenTerminals) {
        GbnfValidator validator = new GbnfValidator(gbnf, tokenTerminals);
        if (openings(gbnf) <= SHALLOW) {
            validator.check();
            return;
        }
        // The parser recurses once per parenthesis; how much stack a level takes depends on what the
        // JIT made of it, so deep grammars get a stack that holds MAX_NESTING levels whatever it made.
        Throwable[] failure = new Throwable[1];
        Thread thread = new Thread(null, () -> {
            try {
                validator.check();
            } catch (RuntimeException | Error e) {
                failure[0] = e;
            }
        }, "gbnf-validator", DEEP_STACK_BYTES);
        thread.setDaemon(true);
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        }
        if (failure[0] instanceof Error e) {
            throw e;
        }
    }

    /** Nesting any thread's stack holds, whatever the JIT did. */
    private static final int SHALLOW = 64;
    /** Room for {@link #MAX_NESTING} levels with frames far larger than measured. */
    private static final long DEEP_STACK_BYTES = 64L << 20;

    private static int openings(String gbnf) {
        int n = 0;
        for (int i = 0; i < gbnf.length(); i++) {
            if (gbnf.charAt(i) == '(') {
                n++;
            }
        }
        return n;
    }

    private void check() {
        int nul = src.indexOf('\0');
        if (nul >= 0) {
            throw error(nul, "NUL character; llama.cpp would ignore everything after it, remove it");
        }
        int p = parseSpace(0, true);
        while (p < end) {
            p = parseRule(p);
        }
        if (rules.isEmpty()) {
            throw error(end, "the grammar defines no rules; add one such as root ::= \"yes\" | \"no\"");
        }
        checkDefined();
        Integer root = symbolIds.get("root");
        if (root == null || !rules.containsKey(root)) {
            throw error(0, "the grammar has no 'root' rule; generation starts at root, so add one such as "
                    + "root ::= \"yes\" | \"no\"");
        }
        checkLeftRecursion();
    }

    private int parseRule(int start) {
        if (!isWordChar(at(start))) {
            String hint = at(start) == ':' ? "; the rule name before '::=' is missing"
                    : "; a rule continues onto the next line only after '|' or inside parentheses";
            throw error(start, "expected a rule name (letters, digits, '-') but found " + describe(start) + hint);
        }
        int nameEnd = parseName(start);
        String name = src.substring(start, nameEnd);
        int id = symbolId(name);
        int p = parseSpace(nameEnd, false);
        if (!src.startsWith("::=", p)) {
            throw error(p, "expected '::=' after the rule name '" + name + "' but found " + describe(p));
        }
        p = parseSpace(p + 3, true);
        p = parseAlternates(p, name, id, false, 0);
        if (at(p) == '\r') {
            p += at(p + 1) == '\n' ? 2 : 1;
        } else if (at(p) == '\n') {
            p++;
        } else if (p < end) {
            throw error(p, strayCharacter(p));
        }
        return parseSpace(p, true);
    }

    private int parseAlternates(int start, String ruleName, int ruleId, boolean nested, int depth) {
        List<List<Elem>> alternatives = new ArrayList<>();
        int p = start;
        while (true) {
            Seq seq = new Seq();
            p = parseSequence(p, ruleName, seq, nested, depth);
            alternatives.add(seq.elems);
            // llama.cpp stores the alternative's elements plus an ALT or END marker
            expanded += seq.realLength + 1;
            if (at(p) != '|') {
                break;
            }
            p = parseSpace(p + 1, true);
        }
        addRule(ruleId, new Rule(ruleName, alternatives));
        return p;
    }

    private int parseSequence(int start, String ruleName, Seq seq, boolean nested, int depth) {
        int p = start;
        while (p < end) {
            char c = src.charAt(p);
            int at = p;
            if (c == '"') {
                seq.startSymbol();
                p++;
                while (at(p) != '"') {
                    if (p >= end) {
                        throw error(at, "unterminated string literal; close it with '\"'");
                    }
                    p = parseChar(p);
                    seq.realLength++;
                }
                addTerminal(seq, at);
                p = parseSpace(p + 1, nested);
            } else if (c == '[') {
                seq.startSymbol();
                p++;
                if (at(p) == '^') {
                    p++;
                }
                while (at(p) != ']') {
                    if (p >= end) {
                        throw error(at, "unterminated character class; close it with ']'");
                    }
                    int rangeStart = p;
                    p = parseChar(p);
                    seq.realLength++;
                    if (at(p) == '-' && at(p + 1) != ']') {
                        if (p + 1 >= end) {
                            throw error(at, "unterminated character class; close it with ']'");
                        }
                        long low = charValue;
                        p = parseChar(p + 1);
                        seq.realLength++;
                        if (charValue < low) {
                            String range = src.substring(rangeStart, p);
                            throw error(rangeStart, "range '" + range + "' is reversed and matches no character (a "
                                    + "grammar that leaves nothing to sample makes llama.cpp abort the process); put "
                                    + "the lower character first");
                        }
                    }
                }
                addTerminal(seq, at);
                p = parseSpace(p + 1, nested);
            } else if (tokenTerminals && (c == '<' || c == '!')) {
                p = tokenTerminal(seq, p, nested);
            } else if (isWordChar(c)) {
                int nameEnd = parseName(p);
                int id = symbolId(src.substring(p, nameEnd));
                firstReference.putIfAbsent(id, p);
                seq.startSymbol();
                seq.elems.add(new Elem(id, p));
                seq.realLength++;
                p = parseSpace(nameEnd, nested);
            } else if (c == '(') {
                if (depth >= MAX_NESTING) {
                    throw error(p, "parentheses are nested more than " + MAX_NESTING + " deep; split the grammar into "
                            + "named rules");
                }
                p = parseSpace(p + 1, true);
                int groupId = newIds(1);
                p = parseAlternates(p, ruleName, groupId, true, depth + 1);
                if (at(p) != ')') {
                    throw error(p, "expected ')' to close the '(' at " + position(at) + " but found " + describe(p));
                }
                seq.startSymbol();
                seq.elems.add(new Elem(groupId, at));
                seq.realLength++;
                p = parseSpace(p + 1, nested);
            } else if (c == '.') {
                seq.startSymbol();
                seq.realLength++;
                addTerminal(seq, at);
                p = parseSpace(p + 1, nested);
            } else if (c == '*' || c == '+' || c == '?') {
                p = parseSpace(p + 1, nested);
                repeat(seq, ruleName, at, c == '+' ? 1 : 0, c == '?' ? 1 : UNBOUNDED);
            } else if (c == '{') {
                p = parseSpace(p + 1, nested);
                if (!isDigit(at(p))) {
                    throw error(p, "expected a number after '{' (as in {2}, {1,3} or {2,}) but found " + describe(p));
                }
                int digitsEnd = digitsEnd(p);
                long min = count(p, digitsEnd);
                long max;
                p = parseSpace(digitsEnd, nested);
                if (at(p) == '}') {
                    max = min;
                } else if (at(p) == ',') {
                    p = parseSpace(p + 1, nested);
                    max = UNBOUNDED;
                    if (isDigit(at(p))) {
                        digitsEnd = digitsEnd(p);
                        max = count(p, digitsEnd);
                        p = parseSpace(digitsEnd, nested);
                    }
                    if (at(p) != '}') {
                        throw error(p, "expected '}' to close the repetition at " + position(at) + " but found "
                                + describe(p));
                    }
                } else {
                    throw error(p, "expected ',' or '}' in the repetition at " + position(at) + " but found "
                            + describe(p));
                }
                p = parseSpace(p + 1, nested);
                repeat(seq, ruleName, at, min, max);
            } else {
                break;
            }
        }
        return p;
    }

    /**
     * llama.cpp's handle_repetitions: {@code S{m,n}} becomes m copies of S then a chain of n-m
     * optional rules {@code S' ::= S S'' |}; unbounded becomes one rule {@code S' ::= S S' |}.
     */
    private void repeat(Seq seq, String ruleName, int at, long min, long max) {
        String operator = describe(at);
        if (seq.elems.size() == seq.lastSymStart) {
            throw error(at, operator + " has nothing before it to repeat; put it after a string, character class, "
                    + "rule name or group");
        }
        if (max != UNBOUNDED && max < min) {
            throw error(at, "repetition {" + min + "," + max + "} has its minimum above its maximum; write {"
                    + max + "," + min + "}");
        }
        long length = seq.realLength - seq.realLastSymStart;
        long optional = max == UNBOUNDED ? 1 : max - min;
        long newLength = min == 0 ? seq.realLastSymStart : add(seq.realLength, multiply(min - 1, length));
        long helperRules = multiply(optional, add(length, 3));
        if (add(add(expanded, newLength), helperRules) > MAX_EXPANDED_ELEMENTS) {
            throw error(at, "this repetition makes llama.cpp copy the repeated item into more than "
                    + MAX_EXPANDED_ELEMENTS + " grammar elements; lower the count or use * or +");
        }
        List<Elem> item = new ArrayList<>(seq.elems.subList(seq.lastSymStart, seq.elems.size()));
        if (min == 0) {
            seq.elems.subList(seq.lastSymStart, seq.elems.size()).clear();
        }
        seq.realLength = newLength;
        if (optional > 0) {
            int helperId = newIds(optional);
            List<Elem> body = new ArrayList<>(item);
            if (max == UNBOUNDED) {
                body.add(new Elem(helperId, at));
            }
            addRule(helperId, new Rule(ruleName, List.of(body, List.of())));
            expanded += helperRules;
            seq.elems.add(new Elem(helperId, at));
            seq.realLength++;
        }
    }

    /** The checks at the end of llama_grammar_parser::parse, which find undefined rules. */
    private void checkDefined() {
        int firstBad = -1;
        int badAt = Integer.MAX_VALUE;
        for (Map.Entry<Integer, String> named : names.entrySet()) {
            int id = named.getKey();
            // llama.cpp only notices an undefined name below its highest rule id or still referenced:
            // a reference dropped by x{0} to a name defined nowhere can slip through there
            if (!rules.containsKey(id) && (id <= maxRuleId || referencedByAnyRule(id))
                    && firstReference.get(id) < badAt) {
                firstBad = id;
                badAt = firstReference.get(id);
            }
        }
        if (firstBad >= 0) {
            String name = names.get(firstBad);
            throw error(badAt, "undefined rule '" + name + "'; define it (" + name + " ::= ...) or fix the name");
        }
    }

    private boolean referencedByAnyRule(int id) {
        for (Rule rule : rules.values()) {
            for (List<Elem> alternative : rule.alternatives()) {
                for (Elem e : alternative) {
                    if (e.ref() == id) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * llama_grammar_detect_left_recursion follows each alternative's leading references, past
     * those whose rule has an empty alternative, and fails if it comes back to a rule still being
     * followed: a cycle search over those edges, done here without recursion. It only skips rules
     * with a literally empty alternative, so it misses recursion behind {@code ws ::= [ ]*} or
     * {@code ("a"?)*}, which llama.cpp then follows forever while sampling until the process dies
     * of a stack overflow. This check skips every rule that can match nothing, so it rejects those
     * too.
     */
    private void checkLeftRecursion() {
        nullable = nullableRules();
        Map<Integer, Integer> state = new HashMap<>(); // absent: new, 1: on the path, 2: done
        for (int startId : rules.keySet()) {
            if (state.containsKey(startId)) {
                continue;
            }
            Deque<int[]> path = new ArrayDeque<>(); // {rule id, index of the next edge}
            Map<Integer, List<Elem>> edgesOf = new HashMap<>();
            path.push(new int[] {startId, 0});
            state.put(startId, 1);
            while (!path.isEmpty()) {
                int[] top = path.peek();
                List<Elem> edges = edgesOf.computeIfAbsent(top[0], this::leftEdges);
                if (top[1] == edges.size()) {
                    state.put(top[0], 2);
                    path.pop();
                    continue;
                }
                Elem edge = edges.get(top[1]++);
                Integer seen = state.get(edge.ref());
                if (seen == null) {
                    state.put(edge.ref(), 1);
                    path.push(new int[] {edge.ref(), 0});
                } else if (seen == 1) {
                    throw leftRecursion(path, edge);
                }
            }
        }
    }

    private List<Elem> leftEdges(int ruleId) {
        List<Elem> edges = new ArrayList<>();
        for (List<Elem> alternative : rules.get(ruleId).alternatives()) {
            for (Elem e : alternative) {
                if (e.ref() == TERMINAL) {
                    break;
                }
                edges.add(e);
                if (!nullable.contains(e.ref())) {
                    break;
                }
            }
        }
        return edges;
    }

    /** The rules that can match the empty string, by propagation from the empty alternatives. */
    private Set<Integer> nullableRules() {
        Set<Integer> result = new HashSet<>();
        Map<Integer, List<int[]>> uses = new HashMap<>(); // rule id -> {user rule, alternative index}
        Map<Integer, int[]> pending = new HashMap<>(); // rule id -> references left per alternative
        Deque<Integer> work = new ArrayDeque<>();
        for (Map.Entry<Integer, Rule> entry : rules.entrySet()) {
            List<List<Elem>> alternatives = entry.getValue().alternatives();
            int[] left = new int[alternatives.size()];
            for (int i = 0; i < alternatives.size(); i++) {
                List<Elem> alternative = alternatives.get(i);
                if (alternative.stream().anyMatch(e -> e.ref() == TERMINAL)) {
                    left[i] = -1;
                    continue;
                }
                left[i] = alternative.size();
                for (Elem e : alternative) {
                    uses.computeIfAbsent(e.ref(), k -> new ArrayList<>()).add(new int[] {entry.getKey(), i});
                }
                if (left[i] == 0 && result.add(entry.getKey())) {
                    work.add(entry.getKey());
                }
            }
            pending.put(entry.getKey(), left);
        }
        while (!work.isEmpty()) {
            for (int[] use : uses.getOrDefault(work.poll(), List.of())) {
                if (--pending.get(use[0])[use[1]] == 0 && result.add(use[0])) {
                    work.add(use[0]);
                }
            }
        }
        return result;
    }

    private GbnfException leftRecursion(Deque<int[]> path, Elem closing) {
        List<String> cycle = new ArrayList<>();
        boolean inCycle = false;
        for (var it = path.descendingIterator(); it.hasNext();) {
            int id = it.next()[0];
            inCycle |= id == closing.ref();
            String owner = rules.get(id).owner();
            if (inCycle && (cycle.isEmpty() || !cycle.get(cycle.size() - 1).equals(owner))) {
                cycle.add(owner);
            }
        }
        cycle.add(cycle.get(0));
        return error(closing.at(), "rule '" + cycle.get(0) + "' is left-recursive (" + String.join(" -> ", cycle)
                + " without consuming any text), which llama.cpp cannot handle; start each alternative with text,"
                + " or use repetition, e.g. list ::= item (\",\" item)* instead of list ::= list \",\" item | item."
                + " Items that can match nothing, such as ws ::= [ ]* or (\"a\"?), do not stop the recursion, and"
                + " neither does repeating them with * or +");
    }

    private int parseChar(int p) {
        if (src.charAt(p) != '\\') {
            charValue = src.codePointAt(p);
            return p + Character.charCount(src.codePointAt(p));
        }
        switch (at(p + 1)) {
            case 'x':
                return parseHex(p, 2);
            case 'u':
                return parseHex(p, 4);
            case 'U':
                return parseHex(p, 8);
            case 't':
                charValue = '\t';
                return p + 2;
            case 'r':
                charValue = '\r';
                return p + 2;
            case 'n':
                charValue = '\n';
                return p + 2;
            case '\\':
            case '"':
            case '[':
            case ']':
                charValue = at(p + 1);
                return p + 2;
            default:
                String escape = p + 1 < end ? "'\\" + new String(Character.toChars(src.codePointAt(p + 1))) + "'"
                        : "'\\' at the end of the grammar";
                throw error(p, "unknown escape " + escape + "; GBNF knows \\n \\r \\t \\\\ \\\" \\[ \\] \\xHH \\uHHHH "
                        + "and \\UHHHHHHHH (a '-' in a character class is literal when first or last)");
        }
    }

    private int parseHex(int p, int digits) {
        int q = p + 2;
        while (q < p + 2 + digits && Character.digit(at(q), 16) >= 0 && at(q) < 0x80) {
            q++;
        }
        if (q != p + 2 + digits) {
            throw error(p, "'\\" + src.charAt(p + 1) + "' needs exactly " + digits + " hex digits");
        }
        charValue = Long.parseLong(src.substring(p + 2, q), 16);
        return q;
    }

    private int parseSpace(int start, boolean newlineOk) {
        int p = start;
        while (p < end) {
            char c = src.charAt(p);
            if (c == '#') {
                while (p < end && src.charAt(p) != '\r' && src.charAt(p) != '\n') {
                    p++;
                }
            } else if (c == ' ' || c == '\t' || (newlineOk && (c == '\r' || c == '\n'))) {
                p++;
            } else {
                break;
            }
        }
        return p;
    }

    private int parseName(int start) {
        int p = start;
        while (isWordChar(at(p))) {
            p++;
        }
        return p;
    }

    /** A token terminal, outside {@link #parseSequence} so that its frame, nested once per parenthesis, stays small. */
    private int tokenTerminal(Seq seq, int at, boolean nested) {
        seq.startSymbol();
        int p = parseToken(at(at) == '!' ? at + 1 : at);
        seq.realLength++;
        addTerminal(seq, at);
        return parseSpace(p, nested);
    }

    /** llama.cpp's parse_token: {@code <[digits]>}, or {@code <} up to the next {@code >}. @return the index after it */
    private int parseToken(int start) {
        if (at(start) != '<') {
            throw error(start, "expected '<' of a token after '!' (as in !<[2]>) but found " + describe(start));
        }
        int p = start + 1;
        if (at(p) == '[') {
            int digits = p + 1;
            int digitsEnd = digitsEnd(digits);
            if (digitsEnd == digits) {
                throw error(digits, "expected a token id after '<[' (as in <[2]>) but found " + describe(digits));
            }
            if (digitsEnd - digits > 10 || Long.parseLong(src.substring(digits, digitsEnd)) > 0xFFFFFFFFL) {
                throw error(digits, "token id " + src.substring(digits, digitsEnd) + " is too large; token ids are"
                        + " those of the model's vocabulary");
            }
            if (at(digitsEnd) != ']' || at(digitsEnd + 1) != '>') {
                int bad = at(digitsEnd) != ']' ? digitsEnd : digitsEnd + 1;
                throw error(bad, "expected ']>' to close the token at " + position(start) + " but found " + describe(bad));
            }
            return digitsEnd + 2;
        }
        int close = src.indexOf('>', p);
        if (close < 0) {
            throw error(start, "unterminated token; close it with '>' (as in <|im_end|>), or write a literal \"<\"");
        }
        return close + 1;
    }

    private int digitsEnd(int start) {
        int p = start;
        while (isDigit(at(p))) {
            p++;
        }
        return p;
    }

    /** A count; values past a long only matter as "too many", which the expansion limit reports. */
    private long count(int from, int to) {
        long value = 0;
        for (int i = from; i < to; i++) {
            value = add(multiply(value, 10), src.charAt(i) - '0');
        }
        return value;
    }

    private String strayCharacter(int p) {
        char c = src.charAt(p);
        String found = "unexpected " + describe(p);
        switch (c) {
            case ')':
                return found + "; there is no '(' open here";
            case ']':
            case '}':
                return found + "; there is no matching opening bracket";
            case '_':
                return found + "; rule names may contain letters, digits and '-', not '_'";
            case '\'':
                return found + "; GBNF strings use double quotes";
            case '<':
            case '!':
                return found + "; the bundled llama.cpp has no <token> syntax";
            case ':':
                return found + "; each rule must start on its own line";
            default:
                return found + "; a rule holds strings, [character classes], rule names, (groups), '.', "
                        + "repetitions and '|', and ends at the end of its line";
        }
    }

    private int symbolId(String name) {
        Integer id = symbolIds.get(name);
        if (id == null) {
            id = newIds(1);
            symbolIds.put(name, id);
            names.put(id, name);
        }
        return id;
    }

    /** @return the last of {@code n} fresh ids, the one a repetition refers to */
    private int newIds(long n) {
        nextId += n;
        return (int) (nextId - 1);
    }

    private void addRule(int id, Rule rule) {
        rules.put(id, rule);
        maxRuleId = Math.max(maxRuleId, id);
    }

    private static void addTerminal(Seq seq, int at) {
        if (seq.realLength > seq.realLastSymStart) {
            seq.elems.add(new Elem(TERMINAL, at));
        }
    }

    private char at(int p) {
        return p < end ? src.charAt(p) : '\0';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || isDigit(c);
    }

    private static long add(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private static long multiply(long a, long b) {
        return Math.multiplyHigh(a, b) != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
    }

    private String describe(int p) {
        if (p >= end) {
            return "the end of the grammar";
        }
        char c = src.charAt(p);
        if (c == '\n' || c == '\r') {
            return "a line break";
        }
        return "'" + new String(Character.toChars(src.codePointAt(p))) + "'";
    }

    private String position(int offset) {
        int[] lc = lineAndColumn(offset);
        return "line " + lc[0] + ", column " + lc[1];
    }

    private int[] lineAndColumn(int offset) {
        int line = 1;
        int column = 1;
        int p = 0;
        while (p < offset && p < end) {
            char c = src.charAt(p);
            if (c == '\n' || (c == '\r' && at(p + 1) != '\n')) {
                line++;
                column = 1;
            } else if (c != '\r') {
                column++;
            }
            p += Character.charCount(src.codePointAt(p));
        }
        return new int[] {line, column};
    }

    private GbnfException error(int offset, String problem) {
        int[] lc = lineAndColumn(offset);
        return new GbnfException(lc[0], lc[1], problem);
    }
}
