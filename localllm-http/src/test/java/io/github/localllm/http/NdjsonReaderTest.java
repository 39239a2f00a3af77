package io.github.localllm.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class NdjsonReaderTest {

    /** The fields of an Ollama chat chunk an engine needs; the rest are ignored. */
    public record ChatChunk(String model, Message message, boolean done) {
    }

    public record Message(String role, String content) {
    }

    private static <T> List<T> readAll(NdjsonReader<T> reader) {
        List<T> values = new ArrayList<>();
        for (T value = reader.next(); value != null; value = reader.next()) {
            values.add(value);
        }
        assertThat(reader.next()).isNull();
        return values;
    }

    private static NdjsonReader<JsonNode> trees(String text) {
        return NdjsonReader.open(SlicedInputStream.whole(text.getBytes(UTF_8)));
    }

    private static List<Integer> numbers(List<JsonNode> values) {
        return values.stream().map(v -> v.get("n").intValue()).toList();
    }

    @Test
    void bindsARealOllamaStreamToRecordsUpToTheDoneLine() throws IOException {
        byte[] sample;
        try (InputStream in = getClass().getResourceAsStream("/ollama-chat-stream.ndjson")) {
            sample = in.readAllBytes();
        }

        List<ChatChunk> chunks = readAll(NdjsonReader.builder(ChatChunk.class).until(ChatChunk::done)
                .open(SlicedInputStream.oneByteAtATime(sample)));

        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(0)).isEqualTo(new ChatChunk("llama3.2", new Message("assistant", "The"), false));
        assertThat(chunks.get(1).done()).isTrue();
        assertThat(chunks.get(1).message().content()).isEmpty();
    }

    @Test
    void returnsEachValueWithoutWaitingForTheNextLine() {
        // A server thinking about its next token sends nothing; the value before must not wait for it.
        InputStream firstLineThenSilence = new java.io.SequenceInputStream(
                SlicedInputStream.whole("{\"n\":1}\r\n".getBytes(UTF_8)), new InputStream() {
                    @Override
                    public int read() {
                        throw new AssertionError("read the next line before returning the value");
                    }
                });

        assertThat(NdjsonReader.open(firstLineThenSilence).next().get("n").intValue()).isEqualTo(1);
    }

    @Test
    void acceptsCrLfAndSkipsBlankLines() {
        String text = "{\"n\":1}\r\n\r\n  \t\n{\"n\":2}\r\n\n{\"n\":3}\n";

        assertThat(numbers(readAll(trees(text)))).containsExactly(1, 2, 3);
    }

    @Test
    void readsTheSameValuesWhereverTheInputIsSplit() {
        byte[] bytes = "\uFEFF{\"n\":1,\"s\":\"é\\n\"}\r\n\r\n{\"n\":2}\n  {\"n\":3}  \r\n{\"n\":4,\"done\":true}\r\n"
                .getBytes(UTF_8);
        Function<InputStream, List<Integer>> read = in -> numbers(readAll(NdjsonReader.builder(JsonNode.class)
                .until(v -> v.path("done").asBoolean()).open(in)));

        assertThat(read.apply(SlicedInputStream.oneByteAtATime(bytes))).containsExactly(1, 2, 3, 4);
        for (int at = 0; at <= bytes.length; at++) {
            assertThat(read.apply(SlicedInputStream.splitAt(bytes, at))).as("split at %d", at).containsExactly(1, 2, 3, 4);
        }
    }

    @Test
    void acceptsAWholeLastValueWithoutItsLineEnd() {
        assertThat(numbers(readAll(trees("{\"n\":1}\n{\"n\":2}")))).containsExactly(1, 2);
    }

    @Test
    void reportsAStreamCutInTheMiddleOfALine() {
        NdjsonReader<JsonNode> reader = NdjsonReader.builder(JsonNode.class).source("the test stream")
                .open(SlicedInputStream.whole("{\"n\":1}\n{\"n\":2,\"message\":{\"con".getBytes(UTF_8)));

        assertThat(reader.next().get("n").intValue()).isEqualTo(1);
        assertThatThrownBy(reader::next)
                .isInstanceOf(TruncatedStreamException.class)
                .hasMessageContaining("the test stream ended in the middle of line 2")
                .hasMessageContaining("{\"n\":2,\"message\":{\"con");
    }

    @Test
    void reportsAStreamThatEndsBeforeItsDoneLine() {
        NdjsonReader<ChatChunk> reader = NdjsonReader.builder(ChatChunk.class).until(ChatChunk::done)
                .open(SlicedInputStream.whole("{\"model\":\"m\",\"done\":false}\n".getBytes(UTF_8)));

        assertThat(reader.next().done()).isFalse();
        assertThatThrownBy(reader::next)
                .isInstanceOf(TruncatedStreamException.class)
                .hasMessageContaining("ended after 1 lines without its final value");
    }

    @Test
    void namesTheLineAndShowsAnExcerptOfAMalformedOne() {
        NdjsonReader<JsonNode> reader = trees("{\"n\":1}\n\n<html><body>Bad Gateway</body></html>\n{\"n\":2}\n");

        assertThat(reader.next().get("n").intValue()).isEqualTo(1);
        assertThatThrownBy(reader::next)
                .isInstanceOfSatisfying(MalformedStreamException.class, e -> {
                    assertThat(e.lineNumber()).isEqualTo(3);
                    assertThat(e.getMessage()).contains("line 3 of the NDJSON stream", "<html><body>Bad Gateway");
                });
        assertThat(reader.next()).isNull();
    }

    @Test
    void showsOnlyTheStartOfALongMalformedLine() {
        String line = "{\"n\":" + "9".repeat(50) + "," + "x".repeat(200_000) + "}";
        NdjsonReader<JsonNode> reader = trees(line + "\n");

        assertThatThrownBy(reader::next)
                .isInstanceOf(MalformedStreamException.class)
                .hasMessageContaining("{\"n\":999")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(900));
    }

    @Test
    void refusesTwoValuesOnOneLineAValueOverTwoLinesANullLineAndTheWrongShape() {
        // A value is returned as soon as its line is complete, so a second one on its line shows at the next read.
        NdjsonReader<JsonNode> twoOnALine = trees("{\"n\":1}\n{\"n\":2} {\"n\":3}\n");
        assertThat(numbers(List.of(twoOnALine.next(), twoOnALine.next()))).containsExactly(1, 2);
        assertThatThrownBy(twoOnALine::next)
                .isInstanceOfSatisfying(MalformedStreamException.class, e -> assertThat(e.lineNumber()).isEqualTo(2))
                .hasMessageContaining("line 2 of the NDJSON stream holds more than one JSON value");
        assertThatThrownBy(() -> trees("{\"n\":\n1}\n").next())
                .isInstanceOfSatisfying(MalformedStreamException.class, e -> assertThat(e.lineNumber()).isEqualTo(1))
                .hasMessageContaining("line 1 of the NDJSON stream is not one JSON value");
        assertThatThrownBy(() -> trees("null\n").next())
                .isInstanceOf(MalformedStreamException.class)
                .hasMessageContaining("JSON null");
        assertThatThrownBy(() -> NdjsonReader.builder(ChatChunk.class)
                .open(SlicedInputStream.whole("{\"done\":{\"a\":1}}\n".getBytes(UTF_8))).next())
                .isInstanceOf(MalformedStreamException.class)
                .hasMessageContaining("line 1");
    }

    /** One mutable line for the whole stream, bound by hand as an engine does. */
    static final class Line {
        String content;
        boolean done;
        int count;
        JsonNode extra;
    }

    private static JsonBinder<Line> lineBinder(Line line) {
        return p -> {
            JsonScalars.requireObject(p, "a line");
            line.content = null;
            line.done = false;
            line.extra = null;
            for (String name = p.nextName(); name != null; name = p.nextName()) {
                p.nextToken();
                switch (name) {
                    case "content" -> line.content = JsonScalars.string(p);
                    case "done" -> line.done = JsonScalars.bool(p);
                    case "count" -> line.count = JsonScalars.intValue(p);
                    case "extra" -> line.extra = p.readValueAsTree();
                    default -> p.skipChildren();
                }
            }
            return line;
        };
    }

    @Test
    void bindsEachLineByHandIntoOneObjectWhereverTheInputIsSplit() {
        byte[] bytes = ("{\"content\":\"a\",\"x\":{\"y\":[1,{\"z\":2}]},\"count\":1}\r\n\n"
                + "{\"content\":\"é\\n\",\"extra\":{\"k\":[1,2]}}\n{\"done\":true,\"count\":\"3\"}\n").getBytes(UTF_8);
        for (int at = 0; at <= bytes.length; at++) {
            Line line = new Line();
            NdjsonReader<Line> reader = NdjsonReader.builder(lineBinder(line)).until(l -> l.done)
                    .open(SlicedInputStream.splitAt(bytes, at));
            List<String> seen = new ArrayList<>();
            for (Line l = reader.next(); l != null; l = reader.next()) {
                assertThat(l).isSameAs(line);
                seen.add(l.content + "/" + l.count + "/" + l.done + "/" + (l.extra == null ? "-" : l.extra.get("k").get(1)));
            }
            assertThat(seen).as("split at %d", at).containsExactly("a/1/false/-", "é\n/1/false/2", "null/3/true/-");
        }
    }

    @Test
    void refusesByHandWhatDatabindingRefuses() {
        Function<String, NdjsonReader<Line>> reader = text -> NdjsonReader.builder(lineBinder(new Line()))
                .open(SlicedInputStream.whole(text.getBytes(UTF_8)));

        NdjsonReader<Line> twoOnALine = reader.apply("{\"count\":1}\n{\"count\":2} {\"count\":3}\n");
        assertThat(twoOnALine.next().count).isEqualTo(1);
        assertThat(twoOnALine.next().count).isEqualTo(2);
        assertThatThrownBy(twoOnALine::next).isInstanceOf(MalformedStreamException.class)
                .hasMessageContaining("line 2 of the NDJSON stream holds more than one JSON value");
        assertThatThrownBy(() -> reader.apply("null\n").next()).isInstanceOf(MalformedStreamException.class)
                .hasMessageContaining("JSON null");
        assertThatThrownBy(() -> reader.apply("[1]\n").next()).isInstanceOf(MalformedStreamException.class)
                .hasMessageContaining("line 1 of the NDJSON stream is not one JSON value of the expected shape")
                .hasMessageContaining("expected a line (a JSON object), found an array");
        assertThatThrownBy(() -> reader.apply("{\"content\":{\"a\":1}}\n").next())
                .isInstanceOf(MalformedStreamException.class)
                .hasMessageContaining("expected a string for \"content\", found an object");
        assertThatThrownBy(() -> reader.apply("{\"count\":12345678901}\n").next())
                .isInstanceOf(MalformedStreamException.class).hasMessageContaining("out of the range of an int");
        assertThatThrownBy(() -> reader.apply("{\"done\":\"maybe\"}\n").next())
                .isInstanceOf(MalformedStreamException.class).hasMessageContaining("expected a boolean");
        assertThatThrownBy(() -> reader.apply("{\"content\":\"a\",\"x\":{\"y\":").next())
                .isInstanceOf(TruncatedStreamException.class).hasMessageContaining("in the middle of line 1");
    }

    @Test
    void refusesABinderThatLeavesPartOfTheValue() {
        NdjsonReader<String> lazy = NdjsonReader.builder((JsonBinder<String>) p -> "read nothing")
                .open(SlicedInputStream.whole("{\"a\":1}\n".getBytes(UTF_8)));

        assertThatThrownBy(lazy::next).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("did not read the whole value of line 1");
    }

    @Test
    void refusesALineLongerThanTheLimit() {
        NdjsonReader<JsonNode> reader = NdjsonReader.builder(JsonNode.class).maxLineBytes(64)
                .open(SlicedInputStream.oneByteAtATime(("{\"n\":1}\n{\"s\":\"" + "z".repeat(100) + "\"}\n").getBytes(UTF_8)));

        assertThat(reader.next().get("n").intValue()).isEqualTo(1);
        assertThatThrownBy(reader::next)
                .isInstanceOfSatisfying(MalformedStreamException.class, e -> assertThat(e.lineNumber()).isEqualTo(2))
                .hasMessageContaining("longer than 64 bytes");
    }

    @Test
    void acceptsALineOfExactlyTheLimitEndedByCrLf() {
        String value = "{\"s\":\"" + "z".repeat(56) + "\"}";
        assertThat(value).hasSize(64);

        List<JsonNode> values = readAll(NdjsonReader.builder(JsonNode.class).maxLineBytes(64)
                .open(SlicedInputStream.oneByteAtATime((value + "\r\n").getBytes(UTF_8))));

        assertThat(values).hasSize(1);
    }

    @Test
    void reportsAReadFailureAsSuchAndStops() {
        InputStream failing = new java.io.SequenceInputStream(SlicedInputStream.whole("{\"n\":1}\n{\"n\":".getBytes(UTF_8)),
                new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("Connection reset");
                    }
                });
        NdjsonReader<JsonNode> reader = NdjsonReader.builder(JsonNode.class).source("the stream from Ollama").open(failing);

        assertThat(reader.next().get("n").intValue()).isEqualTo(1);
        assertThatThrownBy(reader::next)
                .isExactlyInstanceOf(io.github.localllm.GenerationException.class)
                .hasMessageContaining("reading the stream from Ollama failed after line 1 (Connection reset)");
        assertThat(reader.next()).isNull();
    }

    @Test
    void yieldsAnOllamaErrorLineForTheEngineToRecognise() {
        NdjsonReader<JsonNode> reader = trees("{\"response\":\" Yes\",\"done\":false}\n"
                + "{\"error\":\"an error was encountered while running the model\"}\n");

        assertThat(HttpErrors.errorIn(reader.next())).isEmpty();
        assertThat(HttpErrors.errorIn(reader.next()))
                .map(ServerError::message).contains("an error was encountered while running the model");
    }
}
