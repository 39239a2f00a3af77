package io.github.localllm.schema;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a text is in the language of a GBNF grammar (llama.cpp's notation), so tests
 * can prove that a generated grammar accepts exactly the JSON texts it should.
 *
 * <p>The syntax is read the way llama.cpp's parser reads it (see {@code GbnfValidator} in
 * localllm-api): a rule ends at the end of its line unless inside parentheses or after {@code |};
 * names are ASCII letters, digits and {@code -}; repetition applies to the last item, and
 * {@code x{2}*} repeats the whole {@code x x}, as in llama.cpp. It is stricter where a silent
 * reading would hide a generator bug: a rule defined twice, an undefined rule, a reversed range
 * and token syntax ({@code <...>}) are errors. It also accepts {@code {,m}}, which llama.cpp
 * does not.
 *
 * <p>Matching is an Earley recognizer, which handles any context-free grammar, ambiguous and
 * recursive ones included, in polynomial time, where backtracking can take exponential time.
 * Nullable symbols use the Aycock–Horspool fix: predicting a nullable symbol also steps over it,
 * so empty completions never need to be looked up in the set still being built. A repetition
 * stays one grammar symbol with a counter in the Earley item instead of being copied
 * {@code max} times, so {@code x{0,1000}} costs no more than {@code x*} on short texts.
 *
 * <p>Instances are immutable and {@link #accepts} keeps its state on the stack, so one instance
 * may be shared between threads.
 */
final class GbnfRecognizer {
    private static final byte END = 0;
    private static final byte TERM = 1;
    private static final byte RULE = 2;
    private static final byte REPEAT_TERM = 3;
    private static final byte REPEAT_RULE = 4;

    /** Items pack position, counter and origin into 21 bits each. */
    private static final int FIELD_BITS = 21;
    private static final int FIELD_LIMIT = (1 << FIELD_BITS) - 1;
    private static final long FIELD_MASK = FIELD_LIMIT;

    // The grammar flattened: each alternative is a run of positions ending in an END whose arg is its rule.
    private final byte[] kind;
    private final int[] arg;
    private final int[] repeatMin;
    /** Integer.MAX_VALUE when unbounded. */
    private final int[] repeatMax;
    private final int[][] alternativeStarts;
    private final boolean[] nullable;
    private final int root;
    /** Per terminal: bits 0-63 and 64-127 of its ASCII membership, and its ranges for the rest. */
    private final long[] asciiLow;
    private final long[] asciiHigh;
    private final int[][] ranges;
    private final boolean[] negated;

    private GbnfRecognizer(Parser parsed) {
        int ruleCount = parsed.rules.size();
        int symbols = 0;
        for (List<List<Sym>> alternatives : parsed.rules) {
            for (List<Sym> alternative : alternatives) {
                symbols += alternative.size() + 1;
            }
        }
        if (symbols >= FIELD_LIMIT) {
            throw new IllegalArgumentException("grammar too large for this recognizer: " + symbols + " symbols");
        }
        kind = new byte[symbols];
        arg = new int[symbols];
        repeatMin = new int[symbols];
        repeatMax = new int[symbols];
        alternativeStarts = new int[ruleCount][];
        int p = 0;
        for (int r = 0; r < ruleCount; r++) {
            List<List<Sym>> alternatives = parsed.rules.get(r);
            alternativeStarts[r] = new int[alternatives.size()];
            for (int a = 0; a < alternatives.size(); a++) {
                alternativeStarts[r][a] = p;
                for (Sym s : alternatives.get(a)) {
                    kind[p] = s.kind();
                    arg[p] = s.arg();
                    repeatMin[p] = s.min();
                    repeatMax[p] = s.max();
                    p++;
                }
                kind[p] = END;
                arg[p] = r;
                p++;
            }
        }
        nullable = nullableRules();
        // x{m,n} with a nullable x equals x{0,n}, and a repetition that matches x empty only
        // spends its budget, so once the minimum is 0 empty matches of x can be ignored.
        for (int i = 0; i < symbols; i++) {
            if (kind[i] == REPEAT_RULE && nullable[arg[i]]) {
                repeatMin[i] = 0;
            }
        }
        root = parsed.ruleIds.get("root");
        int terms = parsed.terms.size();
        asciiLow = new long[terms];
        asciiHigh = new long[terms];
        ranges = new int[terms][];
        negated = new boolean[terms];
        for (int t = 0; t < terms; t++) {
            CharClass c = parsed.terms.get(t);
            ranges[t] = c.ranges();
            negated[t] = c.negated();
            for (int cp = 0; cp < 128; cp++) {
                if (c.matches(cp)) {
                    if (cp < 64) {
                        asciiLow[t] |= 1L << cp;
                    } else {
                        asciiHigh[t] |= 1L << (cp - 64);
                    }
                }
            }
        }
    }

    /**
     * @param gbnf a grammar in llama.cpp's GBNF notation
     * @return a recognizer for the language of its rule {@code root}
     * @throws IllegalArgumentException naming the line and column of a syntax error, an undefined
     *         or twice-defined rule, token syntax, or saying the rule {@code root} is missing
     */
    static GbnfRecognizer parse(String gbnf) {
        return new GbnfRecognizer(new Parser(gbnf).parse());
    }

    /**
     * @param text the candidate, read as Unicode code points
     * @return whether the whole text is in the language of {@code root}
     */
    boolean accepts(String text) {
        int[] input = text.codePoints().toArray();
        if (input.length >= FIELD_LIMIT) {
            throw new IllegalArgumentException("text too long for this recognizer: " + input.length + " code points");
        }
        return new Run(input, false).recognize();
    }

    /**
     * For a text a sampler stopped early (a token limit): whether the grammar allows it as the
     * start of a text. Exact when every rule derives some text, as converted grammars' rules do.
     *
     * @param text the start of a candidate, read as Unicode code points
     * @return whether some text in the language of {@code root} starts with {@code text}
     */
    boolean acceptsPrefix(String text) {
        int[] input = text.codePoints().toArray();
        if (input.length >= FIELD_LIMIT) {
            throw new IllegalArgumentException("text too long for this recognizer: " + input.length + " code points");
        }
        return new Run(input, true).recognize();
    }

    private boolean termMatches(int t, int cp) {
        if (cp < 64) {
            return (asciiLow[t] >>> cp & 1) != 0;
        }
        if (cp < 128) {
            return (asciiHigh[t] >>> (cp - 64) & 1) != 0;
        }
        int[] r = ranges[t];
        for (int i = 0; i < r.length; i += 2) {
            if (r[i] <= cp && cp <= r[i + 1]) {
                return !negated[t];
            }
        }
        return negated[t];
    }

    private boolean[] nullableRules() {
        boolean[] result = new boolean[alternativeStarts.length];
        // A fixpoint loop is enough: grammars have hundreds of rules, and this runs once per parse.
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int r = 0; r < alternativeStarts.length; r++) {
                if (result[r]) {
                    continue;
                }
                for (int start : alternativeStarts[r]) {
                    int p = start;
                    while (kind[p] != END && symbolNullable(p, result)) {
                        p++;
                    }
                    if (kind[p] == END) {
                        result[r] = true;
                        changed = true;
                        break;
                    }
                }
            }
        }
        return result;
    }

    private boolean symbolNullable(int p, boolean[] nullableSoFar) {
        return switch (kind[p]) {
            case RULE -> nullableSoFar[arg[p]];
            case REPEAT_TERM -> repeatMin[p] == 0;
            case REPEAT_RULE -> repeatMin[p] == 0 || nullableSoFar[arg[p]];
            default -> false;
        };
    }

    private static long item(int pos, int count, int origin) {
        return (long) pos << (2 * FIELD_BITS) | (long) count << FIELD_BITS | origin;
    }

    /** The state of one {@link #accepts} call: Earley sets stored one after another in {@code items}. */
    private final class Run {
        private final int[] input;
        private long[] items = new long[256];
        /** Index of the next item waiting, in the same set, on the same rule; -1 ends the chain. */
        private int[] nextWaiting = new int[256];
        private int size;
        private final int[] setStart;
        /** (set, rule) to the last item of that set waiting on that rule. */
        private final LongIntMap waiting = new LongIntMap();
        private final LongSet current = new LongSet();
        private final LongSet next = new LongSet();
        private final LongSet completed = new LongSet();
        private final int[] predictedAt;
        /** Accept once the input is used up with items still alive, complete or not. */
        private final boolean prefix;

        Run(int[] input, boolean prefix) {
            this.input = input;
            this.prefix = prefix;
            this.setStart = new int[input.length + 2];
            this.predictedAt = new int[alternativeStarts.length];
            Arrays.fill(predictedAt, -1);
        }

        boolean recognize() {
            setStart[0] = 0;
            current.clear();
            predict(root, 0);
            for (int i = 0; ; i++) {
                complete(i);
                setStart[i + 1] = size;
                if (i == input.length) {
                    return prefix || acceptedAt(i);
                }
                next.clear();
                scan(i, input[i]);
                if (size == setStart[i + 1]) {
                    return false;
                }
                current.swapContents(next);
                completed.clear();
            }
        }

        /** Runs predictor and completer over set {@code i} until it stops growing. */
        private void complete(int i) {
            for (int k = setStart[i]; k < size; k++) {
                long it = items[k];
                int pos = (int) (it >>> (2 * FIELD_BITS));
                int count = (int) (it >>> FIELD_BITS & FIELD_MASK);
                int origin = (int) (it & FIELD_MASK);
                switch (kind[pos]) {
                    case END -> {
                        int rule = arg[pos];
                        // An empty completion (origin == i) was already stepped over by the
                        // predictor, which is the Aycock–Horspool fix.
                        if (origin != i && completed.add((long) origin << 32 | rule)) {
                            for (int w = waiting.get((long) origin << 32 | rule); w >= 0; w = nextWaiting[w]) {
                                advance(items[w], i);
                            }
                        }
                    }
                    case RULE -> {
                        int rule = arg[pos];
                        predict(rule, i);
                        if (nullable[rule]) {
                            add(item(pos + 1, 0, origin), i);
                        }
                    }
                    case REPEAT_TERM -> {
                        if (count >= repeatMin[pos]) {
                            add(item(pos + 1, 0, origin), i);
                        }
                    }
                    case REPEAT_RULE -> {
                        if (count >= repeatMin[pos]) {
                            add(item(pos + 1, 0, origin), i);
                        }
                        if (count < repeatMax[pos]) {
                            predict(arg[pos], i);
                        }
                    }
                    default -> {
                        // a terminal waits for the scanner
                    }
                }
            }
        }

        private void predict(int rule, int i) {
            if (predictedAt[rule] == i) {
                return;
            }
            predictedAt[rule] = i;
            for (int start : alternativeStarts[rule]) {
                add(item(start, 0, i), i);
            }
        }

        /** Moves an item of an earlier set past the rule that just completed, into set {@code i}. */
        private void advance(long waiter, int i) {
            int pos = (int) (waiter >>> (2 * FIELD_BITS));
            int origin = (int) (waiter & FIELD_MASK);
            if (kind[pos] == RULE) {
                add(item(pos + 1, 0, origin), i);
            } else {
                int count = (int) (waiter >>> FIELD_BITS & FIELD_MASK);
                add(item(pos, nextCount(pos, count), origin), i);
            }
        }

        /**
         * Past the minimum of an unbounded repetition every count behaves the same, so counting
         * stops there; that keeps {@code x*} to one item per set.
         */
        private int nextCount(int pos, int count) {
            return repeatMax[pos] == Integer.MAX_VALUE ? Math.min(count + 1, repeatMin[pos]) : count + 1;
        }

        private void scan(int i, int cp) {
            int end = setStart[i + 1];
            for (int k = setStart[i]; k < end; k++) {
                long it = items[k];
                int pos = (int) (it >>> (2 * FIELD_BITS));
                byte kd = kind[pos];
                if (kd == TERM) {
                    if (termMatches(arg[pos], cp)) {
                        addNext(item(pos + 1, 0, (int) (it & FIELD_MASK)), i + 1);
                    }
                } else if (kd == REPEAT_TERM) {
                    int count = (int) (it >>> FIELD_BITS & FIELD_MASK);
                    if (count < repeatMax[pos] && termMatches(arg[pos], cp)) {
                        addNext(item(pos, nextCount(pos, count), (int) (it & FIELD_MASK)), i + 1);
                    }
                }
            }
        }

        private boolean acceptedAt(int i) {
            for (int k = setStart[i]; k < size; k++) {
                long it = items[k];
                int pos = (int) (it >>> (2 * FIELD_BITS));
                if (kind[pos] == END && arg[pos] == root && (it & FIELD_MASK) == 0) {
                    return true;
                }
            }
            return false;
        }

        private void add(long it, int set) {
            if (current.add(it)) {
                append(it, set);
            }
        }

        private void addNext(long it, int set) {
            if (next.add(it)) {
                append(it, set);
            }
        }

        /** Stores an item and, if it waits on a rule, chains it under (set, rule) for the completer. */
        private void append(long it, int set) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
                nextWaiting = Arrays.copyOf(nextWaiting, size * 2);
            }
            items[size] = it;
            nextWaiting[size] = -1;
            chain(size, set);
            size++;
        }

        private void chain(int index, int set) {
            long it = items[index];
            int pos = (int) (it >>> (2 * FIELD_BITS));
            byte kd = kind[pos];
            if (kd == RULE || kd == REPEAT_RULE && (int) (it >>> FIELD_BITS & FIELD_MASK) < repeatMax[pos]) {
                long key = (long) set << 32 | arg[pos];
                nextWaiting[index] = waiting.get(key);
                waiting.put(key, index);
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Parsing

    /** One grammar symbol before flattening; min and max only matter for repetitions. */
    private record Sym(byte kind, int arg, int min, int max) {
        static Sym of(byte kind, int arg) {
            return new Sym(kind, arg, 0, 0);
        }
    }

    /** A set of code points: inclusive ranges in the order written, possibly negated. */
    private record CharClass(int[] ranges, boolean negated) {
        boolean matches(int cp) {
            for (int i = 0; i < ranges.length; i += 2) {
                if (ranges[i] <= cp && cp <= ranges[i + 1]) {
                    return !negated;
                }
            }
            return negated;
        }
    }

    /** Recursive descent over the grammar text, following llama.cpp's llama_grammar_parser. */
    private static final class Parser {
        private final String src;
        private final int end;
        final Map<String, Integer> ruleIds = new LinkedHashMap<>();
        /** Alternatives per rule id; null until defined. Groups and wrapped repetitions get ids too. */
        final List<List<List<Sym>>> rules = new ArrayList<>();
        final List<CharClass> terms = new ArrayList<>();
        private final Map<Integer, Integer> firstReference = new HashMap<>();
        private final Map<Integer, Integer> definedAt = new HashMap<>();
        private final Map<String, Integer> termIds = new HashMap<>();
        /** The value of the last character {@link #parseChar} read. */
        private int charValue;

        Parser(String src) {
            this.src = src;
            this.end = src.length();
        }

        Parser parse() {
            int p = parseSpace(0, true);
            while (p < end) {
                p = parseRule(p);
            }
            int firstBad = Integer.MAX_VALUE;
            String badName = null;
            for (Map.Entry<String, Integer> e : ruleIds.entrySet()) {
                int id = e.getValue();
                if (rules.get(id) == null && firstReference.get(id) < firstBad) {
                    firstBad = firstReference.get(id);
                    badName = e.getKey();
                }
            }
            if (badName != null) {
                throw error(firstBad, "undefined rule '" + badName + "'");
            }
            Integer root = ruleIds.get("root");
            if (root == null || rules.get(root) == null) {
                throw error(0, "the grammar has no 'root' rule");
            }
            return this;
        }

        private int parseRule(int start) {
            if (!isWordChar(at(start))) {
                throw error(start, "expected a rule name but found " + describe(start)
                        + (at(start) == '<' ? "; token syntax <...> is not supported" : ""));
            }
            int nameEnd = parseName(start);
            String name = src.substring(start, nameEnd);
            int id = ruleId(name);
            if (rules.get(id) != null) {
                throw error(start, "rule '" + name + "' is already defined at " + position(definedAt.get(id)));
            }
            definedAt.put(id, start);
            int p = parseSpace(nameEnd, false);
            if (!src.startsWith("::=", p)) {
                throw error(p, "expected '::=' after '" + name + "' but found " + describe(p));
            }
            p = parseSpace(p + 3, true);
            p = parseAlternates(p, id, false, 0);
            if (at(p) == '\r') {
                p += at(p + 1) == '\n' ? 2 : 1;
            } else if (at(p) == '\n') {
                p++;
            } else if (p < end) {
                throw error(p, "expected the end of the line but found " + describe(p)
                        + (at(p) == '<' || at(p) == '!' ? "; token syntax <...> is not supported" : ""));
            }
            return parseSpace(p, true);
        }

        private int parseAlternates(int start, int ruleId, boolean nested, int depth) {
            List<List<Sym>> alternatives = new ArrayList<>();
            // Defining before parsing the body makes a nested group's id distinct from this rule's.
            rules.set(ruleId, alternatives);
            int p = start;
            while (true) {
                List<Sym> seq = new ArrayList<>();
                p = parseSequence(p, seq, nested, depth);
                alternatives.add(seq);
                if (at(p) != '|') {
                    return p;
                }
                p = parseSpace(p + 1, true);
            }
        }

        private int parseSequence(int start, List<Sym> seq, boolean nested, int depth) {
            int lastSymStart = seq.size();
            int p = start;
            while (p < end) {
                char c = src.charAt(p);
                int at = p;
                if (c == '"') {
                    lastSymStart = seq.size();
                    p++;
                    while (at(p) != '"') {
                        if (p >= end) {
                            throw error(at, "unterminated string literal");
                        }
                        p = parseChar(p);
                        seq.add(Sym.of(TERM, term(new int[] {charValue, charValue}, false)));
                    }
                    p = parseSpace(p + 1, nested);
                } else if (c == '[') {
                    lastSymStart = seq.size();
                    p++;
                    boolean negate = at(p) == '^';
                    if (negate) {
                        p++;
                    }
                    List<Integer> bounds = new ArrayList<>();
                    while (at(p) != ']') {
                        if (p >= end) {
                            throw error(at, "unterminated character class");
                        }
                        int rangeStart = p;
                        p = parseChar(p);
                        int low = charValue;
                        int high = low;
                        if (at(p) == '-' && at(p + 1) != ']') {
                            if (p + 1 >= end) {
                                throw error(at, "unterminated character class");
                            }
                            p = parseChar(p + 1);
                            high = charValue;
                            if (high < low) {
                                throw error(rangeStart, "range '" + src.substring(rangeStart, p) + "' is reversed");
                            }
                        }
                        bounds.add(low);
                        bounds.add(high);
                    }
                    seq.add(Sym.of(TERM, term(bounds.stream().mapToInt(Integer::intValue).toArray(), negate)));
                    p = parseSpace(p + 1, nested);
                } else if (isWordChar(c)) {
                    int nameEnd = parseName(p);
                    int id = ruleId(src.substring(p, nameEnd));
                    firstReference.putIfAbsent(id, p);
                    lastSymStart = seq.size();
                    seq.add(Sym.of(RULE, id));
                    p = parseSpace(nameEnd, nested);
                } else if (c == '(') {
                    if (depth >= 1000) {
                        throw error(p, "parentheses nested more than 1000 deep");
                    }
                    p = parseSpace(p + 1, true);
                    int group = newRule();
                    p = parseAlternates(p, group, true, depth + 1);
                    if (at(p) != ')') {
                        throw error(p, "expected ')' to close the '(' at " + position(at) + " but found "
                                + describe(p));
                    }
                    lastSymStart = seq.size();
                    seq.add(Sym.of(RULE, group));
                    p = parseSpace(p + 1, nested);
                } else if (c == '.') {
                    lastSymStart = seq.size();
                    seq.add(Sym.of(TERM, term(new int[0], true)));
                    p = parseSpace(p + 1, nested);
                } else if (c == '*' || c == '+' || c == '?') {
                    repeat(seq, lastSymStart, at, c == '+' ? 1 : 0, c == '?' ? 1 : Integer.MAX_VALUE);
                    p = parseSpace(p + 1, nested);
                } else if (c == '{') {
                    p = parseSpace(p + 1, nested);
                    boolean hasMin = isDigit(at(p));
                    long min = 0;
                    long max;
                    if (hasMin) {
                        int digitsEnd = digitsEnd(p);
                        min = count(p, digitsEnd);
                        p = parseSpace(digitsEnd, nested);
                    } else if (at(p) != ',') {
                        throw error(p, "expected a number after '{' but found " + describe(p));
                    }
                    if (at(p) == '}') {
                        max = min;
                    } else if (at(p) == ',') {
                        p = parseSpace(p + 1, nested);
                        max = Integer.MAX_VALUE;
                        if (isDigit(at(p))) {
                            int digitsEnd = digitsEnd(p);
                            max = count(p, digitsEnd);
                            p = parseSpace(digitsEnd, nested);
                        } else if (!hasMin) {
                            throw error(p, "expected the maximum after '{,' but found " + describe(p));
                        }
                        if (at(p) != '}') {
                            throw error(p, "expected '}' to close the repetition at " + position(at)
                                    + " but found " + describe(p));
                        }
                    } else {
                        throw error(p, "expected ',' or '}' in the repetition at " + position(at) + " but found "
                                + describe(p));
                    }
                    if (max < min) {
                        throw error(at, "repetition {" + min + "," + max + "} has its minimum above its maximum");
                    }
                    repeat(seq, lastSymStart, at, (int) min, (int) max);
                    p = parseSpace(p + 1, nested);
                } else if (c == '<' || c == '!') {
                    throw error(p, "token syntax <...> is not supported");
                } else {
                    break;
                }
            }
            return p;
        }

        /**
         * Replaces the last item, from {@code lastSymStart} to the end of {@code seq}, by its
         * repetition. Like llama.cpp the item is everything since the last symbol started, so after
         * {@code x{2}} it is the repetition itself and {@code x{2}*} is {@code (x x)*}.
         */
        private void repeat(List<Sym> seq, int lastSymStart, int at, int min, int max) {
            if (seq.size() == lastSymStart) {
                throw error(at, describe(at) + " has nothing before it to repeat");
            }
            List<Sym> tail = seq.subList(lastSymStart, seq.size());
            Sym only = tail.size() == 1 ? tail.get(0) : null;
            byte kd;
            int inner;
            if (only != null && only.kind() == TERM) {
                kd = REPEAT_TERM;
                inner = only.arg();
            } else if (only != null && only.kind() == RULE) {
                kd = REPEAT_RULE;
                inner = only.arg();
            } else {
                kd = REPEAT_RULE;
                inner = newRule();
                List<List<Sym>> alternatives = new ArrayList<>();
                alternatives.add(new ArrayList<>(tail));
                rules.set(inner, alternatives);
            }
            tail.clear();
            if (max > 0) {
                seq.add(new Sym(kd, inner, min, max));
            }
        }

        /** Interned, so a literal like {@code "aaaa"} shares one terminal. */
        private int term(int[] bounds, boolean negate) {
            String key = negate + Arrays.toString(bounds);
            Integer id = termIds.get(key);
            if (id == null) {
                id = terms.size();
                terms.add(new CharClass(bounds, negate));
                termIds.put(key, id);
            }
            return id;
        }

        private int ruleId(String name) {
            Integer id = ruleIds.get(name);
            if (id == null) {
                id = newRule();
                ruleIds.put(name, id);
            }
            return id;
        }

        private int newRule() {
            rules.add(null);
            return rules.size() - 1;
        }

        private int parseChar(int p) {
            if (src.charAt(p) != '\\') {
                charValue = src.codePointAt(p);
                return p + Character.charCount(charValue);
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
                    throw error(p, "unknown escape " + (p + 1 < end ? "'\\" + src.charAt(p + 1) + "'" : "'\\' at the "
                            + "end of the grammar"));
            }
        }

        private int parseHex(int p, int digits) {
            int q = p + 2;
            while (q < p + 2 + digits && at(q) < 0x80 && Character.digit(at(q), 16) >= 0) {
                q++;
            }
            if (q != p + 2 + digits) {
                throw error(p, "'\\" + src.charAt(p + 1) + "' needs exactly " + digits + " hex digits");
            }
            // Past Unicode (\UFFFFFFFF) only matters as "above every code point".
            charValue = (int) Math.min(Long.parseLong(src.substring(p + 2, q), 16), Integer.MAX_VALUE);
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

        private int digitsEnd(int start) {
            int p = start;
            while (isDigit(at(p))) {
                p++;
            }
            return p;
        }

        /** Counts past an int only mean "more than any text", so they saturate. */
        private long count(int from, int to) {
            long value = 0;
            for (int i = from; i < to; i++) {
                value = Math.min(value * 10 + src.charAt(i) - '0', Integer.MAX_VALUE);
            }
            return value;
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

        private IllegalArgumentException error(int offset, String problem) {
            return new IllegalArgumentException(position(offset) + ": " + problem);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Primitive collections, so the inner loop does not box

    /** An open-addressing set of non-negative longs, cleared in O(1) by bumping a generation. */
    private static final class LongSet {
        private long[] keys = new long[64];
        private int[] stamp = new int[64];
        private int generation = 1;
        private int count;

        boolean add(long key) {
            if (2 * (count + 1) > keys.length) {
                grow();
            }
            int mask = keys.length - 1;
            int slot = hash(key) & mask;
            while (stamp[slot] == generation) {
                if (keys[slot] == key) {
                    return false;
                }
                slot = (slot + 1) & mask;
            }
            stamp[slot] = generation;
            keys[slot] = key;
            count++;
            return true;
        }

        void clear() {
            count = 0;
            if (++generation == Integer.MAX_VALUE) {
                Arrays.fill(stamp, 0);
                generation = 1;
            }
        }

        /** Swaps the contents with {@code other}, so the set filled by the scanner becomes current. */
        void swapContents(LongSet other) {
            long[] k = keys;
            int[] s = stamp;
            int g = generation;
            int c = count;
            keys = other.keys;
            stamp = other.stamp;
            generation = other.generation;
            count = other.count;
            other.keys = k;
            other.stamp = s;
            other.generation = g;
            other.count = c;
        }

        private void grow() {
            long[] oldKeys = keys;
            int[] oldStamp = stamp;
            int oldGeneration = generation;
            keys = new long[oldKeys.length * 2];
            stamp = new int[oldKeys.length * 2];
            generation = 1;
            count = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldStamp[i] == oldGeneration) {
                    add(oldKeys[i]);
                }
            }
        }
    }

    /** An open-addressing map from non-negative longs to ints, -1 when absent. */
    private static final class LongIntMap {
        private long[] keys = new long[64];
        private int[] values = new int[64];
        private int count;

        LongIntMap() {
            Arrays.fill(keys, -1);
        }

        int get(long key) {
            int mask = keys.length - 1;
            for (int slot = hash(key) & mask; keys[slot] != -1; slot = (slot + 1) & mask) {
                if (keys[slot] == key) {
                    return values[slot];
                }
            }
            return -1;
        }

        void put(long key, int value) {
            if (2 * (count + 1) > keys.length) {
                grow();
            }
            int mask = keys.length - 1;
            int slot = hash(key) & mask;
            while (keys[slot] != -1) {
                if (keys[slot] == key) {
                    values[slot] = value;
                    return;
                }
                slot = (slot + 1) & mask;
            }
            keys[slot] = key;
            values[slot] = value;
            count++;
        }

        private void grow() {
            long[] oldKeys = keys;
            int[] oldValues = values;
            keys = new long[oldKeys.length * 2];
            values = new int[oldKeys.length * 2];
            Arrays.fill(keys, -1);
            count = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != -1) {
                    put(oldKeys[i], oldValues[i]);
                }
            }
        }
    }

    private static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ h >>> 32);
    }
}
