package io.github.localllm.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.core.JsonParser;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.sym.PropertyNameMatcher;
import tools.jackson.core.util.Named;

/**
 * The member names a {@link JsonBinder} reads, matched as the parser reads them: the parser
 * compares a name's bytes, four at a time, with these names, where {@link JsonParser#nextName()}
 * first looks the name up in the parser's table to return its string. This is how databinding
 * finds a class's fields; for a streamed token's line or event, which repeats ten names or so,
 * it is most of what naming the members costs. Name the members the binder skips too (an
 * event's {@code id}, {@code model}, ...): a name not listed is read the slow way and skipped.
 * Immutable; one per shape of object, shared by every parser.
 *
 * <pre>{@code
 * private static final JsonNames LINE = JsonNames.of("response", "done", "model", "created_at");
 * for (int m = LINE.next(p); m >= 0; m = LINE.next(p)) {
 *     switch (m) {
 *         case 0 -> line.response = JsonScalars.string(p);
 *         case 1 -> line.done = JsonScalars.bool(p);
 *         default -> p.skipChildren();
 *     }
 * }
 * }</pre>
 */
public final class JsonNames {
    private static final JsonFactory JSON = new JsonFactory();

    private final PropertyNameMatcher matcher;
    private final int count;

    private JsonNames(List<Named> names) {
        // The names are literals of the caller's code, or interned below: matched as interned.
        this.matcher = JSON.constructNameMatcher(names, true);
        this.count = names.size();
    }

    /**
     * @param names member names, each at most once; a name's position is what {@link #next} returns for it
     * @return the matcher of those names
     */
    public static JsonNames of(String... names) {
        List<Named> named = new ArrayList<>(names.length);
        for (String name : names) {
            Named n = Named.fromString(Objects.requireNonNull(name, "name").intern());
            if (named.stream().anyMatch(other -> other.getName().equals(n.getName()))) {
                throw new IllegalArgumentException("the member name '" + name + "' is listed twice");
            }
            named.add(n);
        }
        return new JsonNames(named);
    }

    /** @return how many names there are */
    public int size() {
        return count;
    }

    /**
     * Moves to the next member of the object the parser is in, past members whose names are not
     * listed (their values skipped), and onto its value.
     *
     * @param p inside an object, at its start or at the last token of a member's value
     * @return the member's position in the names, the parser at its value; -1 at the object's
     *     end, the parser at it
     * @throws tools.jackson.core.JacksonException if the input is not JSON, or the parser is not in an object
     */
    public int next(JsonParser p) {
        while (true) {
            int m = p.nextNameMatchAndToken(matcher);
            if (m >= 0) {
                return m;
            }
            if (m == PropertyNameMatcher.MATCH_END_OBJECT) {
                return -1;
            }
            if (m != PropertyNameMatcher.MATCH_UNKNOWN_NAME) {
                throw JsonScalars.mismatch(p, "a member of an object");
            }
            // An unlisted name: the parser is at the name, its value next.
            p.nextToken();
            p.skipChildren();
        }
    }
}
