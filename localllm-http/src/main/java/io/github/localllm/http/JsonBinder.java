package io.github.localllm.http;

import tools.jackson.core.JsonParser;

/**
 * Reads one JSON value by hand from a Jackson parser, for the stream readers
 * ({@link HttpStream#ndjson(JsonBinder, java.util.function.UnaryOperator)},
 * {@link SseReader#readData(JsonBinder)}): the cheapest binding of a stream of small values, as an
 * engine reading a token a line wants. It may fill one mutable object, and return it, for every
 * value of a stream; databinding makes a new object per value, and one per nested object. Members
 * it does not know it skips ({@link JsonParser#skipChildren()}): servers add fields.
 * {@link JsonScalars} reads the scalars with the coercions databinding applies.
 *
 * <pre>{@code
 * JsonBinder<Line> lines = p -> {
 *     line.reset();
 *     for (String name = p.nextName(); name != null; name = p.nextName()) {
 *         p.nextToken();
 *         switch (name) {
 *             case "response" -> line.response = JsonScalars.string(p);
 *             case "done" -> line.done = JsonScalars.bool(p);
 *             default -> p.skipChildren();
 *         }
 *     }
 *     return line;
 * };
 * }</pre>
 *
 * <p>The parser comes from the reader's mapper, so {@link JsonParser#readValueAs(Class)} binds a
 * rare, larger member with databinding. A value of the wrong shape is a
 * {@link tools.jackson.core.JacksonException}, which the reader reports as a malformed line or
 * event, naming it.
 *
 * @param <T> what a value is bound to
 */
@FunctionalInterface
public interface JsonBinder<T> {
    /**
     * @param parser at the first token of the value (never JSON {@code null}: the reader refuses
     *     that itself); reads up to and including the value's last token, and no further
     * @return the value, not {@code null}
     * @throws tools.jackson.core.JacksonException if the value is not of the expected shape
     */
    T bind(JsonParser parser);
}
