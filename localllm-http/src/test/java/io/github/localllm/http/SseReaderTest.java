package io.github.localllm.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.GenerationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class SseReaderTest {

    private static List<SseEvent> readAll(SseReader reader) {
        List<SseEvent> events = new ArrayList<>();
        for (SseEvent e = reader.next(); e != null; e = reader.next()) {
            events.add(e);
        }
        assertThat(reader.next()).isNull();
        return events;
    }

    private static List<SseEvent> readAll(String stream) {
        return readAll(SseReader.open(SlicedInputStream.whole(stream.getBytes(UTF_8))));
    }

    private static SseEvent message(String data) {
        return new SseEvent("message", data, "");
    }

    @Test
    void joinsDataLinesWithLineFeeds() {
        assertThat(readAll("data: YHOO\ndata: +2\ndata: 10\n\n")).containsExactly(message("YHOO\n+2\n10"));
    }

    @Test
    void skipsCommentsKeepsTheLastEventIdAndDropsOnlyOneSpace() {
        String stream = ": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n";

        assertThat(readAll(stream)).containsExactly(
                new SseEvent("message", "first event", "1"),
                new SseEvent("message", "second event", ""),
                new SseEvent("message", " third event", ""));
    }

    @Test
    void dispatchesEmptyDataButNotAnEventWithoutData() {
        assertThat(readAll("data\n\ndata\ndata\n\nevent: lonely\n\n")).containsExactly(message(""), message("\n"));
    }

    @Test
    void treatsBothSpellingsOfTheSameDataAlike() {
        assertThat(readAll("data:test\n\ndata: test\n\n")).containsExactly(message("test"), message("test"));
    }

    @Test
    void endsLinesAtCarriageReturnLineFeedOrBoth() {
        String stream = "data: a\rdata: b\r\n\r\nevent: e\ndata: c\r\r: comment\r\ndata: d\n\n";

        assertThat(readAll(stream)).containsExactly(message("a\nb"), new SseEvent("e", "c", ""), message("d"));
    }

    @Test
    void resetsTheEventTypeAfterEachEventAndKeepsColonsInValues() {
        String stream = "event: chat.start\ndata: {\"a\":1}\n\ndata: x:y: z\n\nevent:\ndata: e\n\n";

        assertThat(readAll(stream)).containsExactly(
                new SseEvent("chat.start", "{\"a\":1}", ""), message("x:y: z"), message("e"));
    }

    @Test
    void ignoresUnknownAndWronglyCasedFieldsAndIdsHoldingNul() {
        String stream = "foo: bar\nData: no\nid: 7\ndata: a\n\nid: 8\u0000\ndata: b\n\n";

        assertThat(readAll(stream)).containsExactly(new SseEvent("message", "a", "7"), new SseEvent("message", "b", "7"));
    }

    @Test
    void setsTheReconnectionTimeOnlyFromDigits() {
        SseReader reader = SseReader.open(SlicedInputStream.whole(
                "retry: 1500\ndata: a\n\nretry: 15x0\nretry:\nretry: -1\ndata: b\n\n".getBytes(UTF_8)));

        assertThat(readAll(reader)).containsExactly(message("a"), message("b"));
        assertThat(reader.retry()).contains(Duration.ofMillis(1500));
    }

    @Test
    void stripsAByteOrderMarkOnlyAtTheStart() {
        assertThat(readAll("\uFEFFdata: x\n\n")).containsExactly(message("x"));
        // Later, a BOM is part of the field name, which is then unknown.
        assertThat(readAll("data: a\n\n\uFEFFdata: b\n\n")).containsExactly(message("a"));
    }

    @Test
    void decodesUtf8AndReplacesMalformedBytes() {
        byte[] bytes = concat("data: кто ".getBytes(UTF_8), new byte[] {(byte) 0xC3}, "\n\n".getBytes(UTF_8));

        assertThat(readAll(SseReader.open(SlicedInputStream.whole(bytes)))).containsExactly(message("кто \uFFFD"));
    }

    /** Every edge case at once, so that splitting it anywhere exercises them all. */
    private static final String EDGE_CASES = "\uFEFF: ping\r\nretry: 250\rdata: one\r\ndata:two\r\rid: 5\n"
            + "event: named\ndata: три\n\ndata\n\n: keep-alive\n\nfoo\ndata: {\"choices\":[]}\r\n\r\n"
            + "data: [DONE]\n\n";

    @Test
    void readsTheSameEventsWhereverTheInputIsSplit() {
        byte[] bytes = EDGE_CASES.getBytes(UTF_8);
        Function<InputStream, List<SseEvent>> read = in -> readAll(SseReader.builder().until(SseEvent::isDone).open(in));
        List<SseEvent> expected = List.of(
                message("one\ntwo"),
                new SseEvent("named", "три", "5"),
                new SseEvent("message", "", "5"),
                new SseEvent("message", "{\"choices\":[]}", "5"),
                new SseEvent("message", "[DONE]", "5"));

        Function<InputStream, List<SseEvent>> cursor = in -> {
            List<SseEvent> events = new ArrayList<>();
            SseReader reader = SseReader.builder().untilData(SseEvent.DONE).open(in);
            while (reader.advance()) {
                events.add(new SseEvent(reader.event(), reader.data(), reader.id()));
                assertThat(reader.isEnd()).isEqualTo(reader.data().equals(SseEvent.DONE));
            }
            return events;
        };

        assertThat(read.apply(SlicedInputStream.whole(bytes))).isEqualTo(expected);
        assertThat(read.apply(SlicedInputStream.oneByteAtATime(bytes))).isEqualTo(expected);
        assertThat(cursor.apply(SlicedInputStream.oneByteAtATime(bytes))).isEqualTo(expected);
        for (int at = 0; at <= bytes.length; at++) {
            assertThat(read.apply(SlicedInputStream.splitAt(bytes, at))).as("split at byte %d", at).isEqualTo(expected);
            assertThat(cursor.apply(SlicedInputStream.splitAt(bytes, at))).as("split at byte %d", at).isEqualTo(expected);
        }
    }

    @Test
    void readsARealLlamaServerStreamOneByteAtATime() throws IOException {
        byte[] body = LlamaServerCapture.body();

        SseReader reader = SseReader.builder().until(SseEvent::isDone).open(SlicedInputStream.oneByteAtATime(body));
        List<SseEvent> events = readAll(reader);

        assertThat(events).hasSize(LlamaServerCapture.EVENTS);
        assertThat(events.get(0).data()).startsWith("{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":"
                + "{\"role\":\"assistant\",\"content\":null}}]");
        assertThat(events.get(1).data()).contains("\"delta\":{\"content\":\"кто\"}");
        assertThat(events.get(events.size() - 2).data()).contains("\"finish_reason\":\"length\"", "\"timings\"");
        assertThat(events.get(events.size() - 1).isDone()).isTrue();
        assertThat(events).allSatisfy(e -> assertThat(e.event()).isEqualTo("message"));
    }

    @Test
    void stopsAtTheEndEventWithoutReadingFurther() {
        byte[] events = "data: a\n\ndata: [DONE]\n\n".getBytes(UTF_8);
        InputStream afterwards = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("read past the end event");
            }
        };
        SseReader reader = SseReader.builder().until(SseEvent::isDone)
                .open(new SequenceInputStream(SlicedInputStream.whole(events), afterwards));

        assertThat(reader.next()).isEqualTo(message("a"));
        assertThat(reader.next().isDone()).isTrue();
        assertThat(reader.next()).isNull();
    }

    @Test
    void endsCleanlyAtTheEndOfTheInputWhenNoEndEventIsExpected() {
        SseReader reader = SseReader.open(SlicedInputStream.whole("data: a\n\n: trailing comment\n".getBytes(UTF_8)));

        assertThat(reader.next()).isEqualTo(message("a"));
        assertThat(reader.next()).isNull();
        assertThat(reader.next()).isNull();
    }

    @Test
    void reportsAStreamCutInTheMiddleOfALine() {
        SseReader reader = SseReader.builder().source("the test stream")
                .open(SlicedInputStream.whole("data: a\n\ndata: {\"choi".getBytes(UTF_8)));

        assertThat(reader.next()).isEqualTo(message("a"));
        assertThatThrownBy(reader::next)
                .isInstanceOf(TruncatedStreamException.class)
                .hasMessageContaining("the test stream ended in the middle of line 3")
                .hasMessageContaining("data: {\"choi")
                .hasMessageContaining("retry");
        assertThat(reader.next()).isNull();
    }

    @Test
    void reportsAStreamCutInTheMiddleOfAnEvent() {
        SseReader reader = SseReader.open(SlicedInputStream.whole("data: a\n\n: ping\ndata: b\ndata: c\n".getBytes(UTF_8)));

        assertThat(reader.next()).isEqualTo(message("a"));
        assertThatThrownBy(reader::next)
                .isInstanceOf(TruncatedStreamException.class)
                .hasMessageContaining("in the middle of the event begun on line 4");
    }

    @Test
    void reportsAStreamThatEndsBeforeItsEndEvent() {
        SseReader reader = SseReader.builder().until(SseEvent::isDone)
                .open(SlicedInputStream.whole("data: a\n\n".getBytes(UTF_8)));

        assertThat(reader.next()).isEqualTo(message("a"));
        assertThatThrownBy(reader::next)
                .isInstanceOf(TruncatedStreamException.class)
                .hasMessageContaining("without its end event");
    }

    @Test
    void refusesALineLongerThanTheLimitWithoutHoldingIt() {
        String longLine = "data: " + "x".repeat(100_000) + "\n\n";
        for (InputStream in : List.of(SlicedInputStream.whole(("data: ok\n\n" + longLine).getBytes(UTF_8)),
                SlicedInputStream.oneByteAtATime(("data: ok\n\n" + longLine).getBytes(UTF_8)))) {
            SseReader reader = SseReader.builder().maxLineBytes(1000).open(in);

            assertThat(reader.next()).isEqualTo(message("ok"));
            assertThatThrownBy(reader::next)
                    .isInstanceOfSatisfying(MalformedStreamException.class, e -> {
                        assertThat(e.lineNumber()).isEqualTo(3);
                        assertThat(e.getMessage()).contains("line 3", "longer than 1000 bytes", "data: xxx")
                                .hasSizeLessThan(600);
                    });
        }
    }

    @Test
    void acceptsALineOfExactlyTheLimit() {
        String line = "data: " + "y".repeat(994);

        assertThat(readAll(SseReader.builder().maxLineBytes(1000)
                .open(SlicedInputStream.oneByteAtATime((line + "\r\n\r\n").getBytes(UTF_8)))))
                .containsExactly(message("y".repeat(994)));
    }

    @Test
    void refusesAnEventWhoseDataExceedsTheLimit() {
        SseReader reader = SseReader.builder().maxEventBytes(10)
                .open(SlicedInputStream.whole("data: 12345\ndata: 67890\n\n".getBytes(UTF_8)));

        assertThatThrownBy(reader::next)
                .isInstanceOf(MalformedStreamException.class)
                .hasMessageContaining("event begun on line 1")
                .hasMessageContaining("more than 10 bytes");
    }

    @Test
    void reportsAReadFailureAsAGenerationFailureNamingTheSource() {
        InputStream failing = new SequenceInputStream(SlicedInputStream.whole("data: a\n\ndata: b".getBytes(UTF_8)),
                new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("Connection reset");
                    }
                });
        SseReader reader = SseReader.builder().source("the stream from http://127.0.0.1:9/v1").open(failing);

        assertThat(reader.next()).isEqualTo(message("a"));
        assertThatThrownBy(reader::next)
                .isInstanceOf(GenerationException.class)
                .hasMessageContaining("the stream from http://127.0.0.1:9/v1")
                .hasMessageContaining("Connection reset");
        assertThat(reader.next()).isNull();
    }

    @Test
    void closingTheReaderClosesItsInput() {
        SlicedInputStream in = SlicedInputStream.whole("data: a\n\n".getBytes(UTF_8));
        SseReader reader = SseReader.open(in);

        reader.close();

        assertThat(in.isClosed()).isTrue();
        assertThat(reader.next()).isNull();
    }

    /** The fields of an OpenAI chat.completion.chunk an engine reads. */
    record Chunk(String id, List<Choice> choices) {
    }

    record Choice(int index, Delta delta, String finish_reason) {
    }

    record Delta(String role, String content) {
    }

    @Test
    void bindsEachEventsDataAsJsonWithOneParserForTheStream() throws IOException {
        SseReader reader = SseReader.builder().untilData(SseEvent.DONE)
                .open(SlicedInputStream.oneByteAtATime(LlamaServerCapture.body()));

        List<Chunk> chunks = new ArrayList<>();
        while (reader.advance() && !reader.isEnd()) {
            chunks.add(reader.readData(Chunk.class));
        }
        assertThat(reader.advance()).isFalse();

        assertThat(chunks).hasSize(LlamaServerCapture.EVENTS - 1);
        assertThat(chunks.get(0).choices().get(0).delta()).isEqualTo(new Delta("assistant", null));
        assertThat(chunks.get(1).choices().get(0).delta().content()).isEqualTo("кто");
        assertThat(chunks.get(chunks.size() - 1).choices().get(0).finish_reason()).isEqualTo("length");
        assertThat(chunks).extracting(Chunk::id).containsOnly("chatcmpl-6b3tCGKM75n1hK19iZcBcX1HphbPlPvD");
    }

    @Test
    void bindsEachEventsDataByHandWithTheStreamsParser() throws IOException {
        SseReader reader = SseReader.builder().untilData(SseEvent.DONE)
                .open(SlicedInputStream.oneByteAtATime(LlamaServerCapture.body()));
        StringBuilder content = new StringBuilder();
        JsonBinder<String> firstContent = p -> {
            String found = null;
            for (String name = p.nextName(); name != null; name = p.nextName()) {
                if (p.nextToken() == tools.jackson.core.JsonToken.START_ARRAY && name.equals("choices")) {
                    JsonNode choices = p.readValueAsTree();
                    found = choices.path(0).path("delta").path("content").asString(null);
                } else {
                    p.skipChildren();
                }
            }
            return found == null ? "" : found;
        };

        int events = 0;
        while (reader.advance() && !reader.isEnd()) {
            content.append(reader.readData(firstContent));
            events++;
        }

        assertThat(events).isEqualTo(LlamaServerCapture.EVENTS - 1);
        assertThat(content.toString()).startsWith("ктоктокто");
    }

    @Test
    void refusesByHandDataThatIsNullHoldsTwoValuesOrIsCut() {
        SseReader reader = SseReader.open(SlicedInputStream.whole(("data: null\n\ndata: {\"n\":1} 2\n\n"
                + "data: {\"n\":\n\ndata: {\"n\":[3]}\n\ndata: {\"n\":4}\n\n").getBytes(UTF_8)));
        JsonBinder<Integer> n = p -> {
            JsonScalars.requireObject(p, "an event");
            int v = -1;
            for (String name = p.nextName(); name != null; name = p.nextName()) {
                p.nextToken();
                if (name.equals("n")) {
                    v = JsonScalars.intValue(p);
                } else {
                    p.skipChildren();
                }
            }
            return v;
        };

        reader.next();
        assertThatThrownBy(() -> reader.readData(n)).isInstanceOf(MalformedStreamException.class)
                .hasMessageContaining("is JSON null");
        reader.next();
        assertThatThrownBy(() -> reader.readData(n)).isInstanceOf(MalformedStreamException.class)
                .hasMessageContaining("holds more than one JSON value");
        reader.next();
        assertThatThrownBy(() -> reader.readData(n)).isInstanceOf(MalformedStreamException.class)
                .hasMessageContaining("is not JSON");
        reader.next();
        assertThatThrownBy(() -> reader.readData(n)).isInstanceOf(MalformedStreamException.class)
                .hasMessageContaining("expected a number for \"n\", found an array");
        reader.next();
        assertThat(reader.readData(n)).isEqualTo(4);
        assertThat(reader.readData(JsonNode.class).get("n").intValue()).as("the same event, by databinding").isEqualTo(4);
        assertThat(reader.readData(n)).isEqualTo(4);
    }

    @Test
    void bindsShortValuesDataOverSeveralLinesAndTrees() {
        SseReader reader = SseReader.open(SlicedInputStream.whole(
                "data: 1\n\ndata: {\"a\":\ndata: [2, 3]}\n\ndata: \"x\"\n\n: ping\ndata:{}\n\n".getBytes(UTF_8)));

        reader.next();
        assertThat(reader.readData(Integer.class)).isEqualTo(1);
        reader.next();
        assertThat(reader.readData(JsonNode.class).get("a").get(1).intValue()).isEqualTo(3);
        reader.next();
        assertThat(reader.readData(String.class)).isEqualTo("x");
        reader.next();
        assertThat(reader.readData(JsonNode.class).isEmpty()).isTrue();
        assertThat(reader.next()).isNull();
    }

    @Test
    void namesTheEventWhoseDataIsNotJsonAndGoesOn() {
        SseReader reader = SseReader.open(SlicedInputStream.whole(("data: {\"n\":1}\n\nevent: error\ndata: oops <b>"
                + "x".repeat(5000) + "\n\ndata: {\"n\":2} {\"n\":3}\n\ndata: \n\ndata: {\"n\":4}\n\n").getBytes(UTF_8)));

        reader.next();
        assertThat(reader.readData(JsonNode.class).get("n").intValue()).isEqualTo(1);
        reader.next();
        assertThatThrownBy(() -> reader.readData(JsonNode.class))
                .isInstanceOfSatisfying(MalformedStreamException.class, e -> assertThat(e.lineNumber()).isEqualTo(3))
                .hasMessageContaining("the data of the event on line 3 of the event stream is not JSON")
                .hasMessageContaining("oops <b>xxx")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(800));
        reader.next();
        assertThatThrownBy(() -> reader.readData(JsonNode.class)).isInstanceOf(MalformedStreamException.class)
                .hasMessageContaining("holds more than one JSON value");
        reader.next();
        assertThatThrownBy(() -> reader.readData(JsonNode.class)).isInstanceOf(MalformedStreamException.class)
                .hasMessageContaining("is empty, not JSON");
        reader.next();
        assertThat(reader.readData(JsonNode.class).get("n").intValue()).isEqualTo(4);
    }

    @Test
    void bindsDataLargerThanTheParsersBufferAndSeesWhatTrailsIt() {
        String big = "{\"s\":\"" + "é".repeat(20_000) + "\"}";
        // The parser takes 8000 bytes at a time: here the 7 comes after what it took for the value.
        SseReader reader = SseReader.open(SlicedInputStream.whole(("data: " + big + "\n\ndata: {\"n\":0}"
                + " ".repeat(10_000) + "7\n\ndata: {\"n\":1}\n\n").getBytes(UTF_8)));

        reader.next();
        assertThat(reader.readData(JsonNode.class).get("s").stringValue()).hasSize(20_000);
        reader.next();
        assertThatThrownBy(() -> reader.readData(JsonNode.class)).isInstanceOf(MalformedStreamException.class)
                .hasMessageContaining("holds more than one JSON value");
        reader.next();
        assertThat(reader.readData(JsonNode.class).get("n").intValue()).isEqualTo(1);
    }

    @Test
    void bindsTheCurrentEventAsOftenAsAskedAndNothingOutsideAnEvent() {
        SseReader reader = SseReader.open(SlicedInputStream.whole("data: 1\n\ndata: 2\n\n".getBytes(UTF_8)));

        assertThatThrownBy(() -> reader.readData(Integer.class)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("call advance() or next() first");
        assertThatThrownBy(reader::event).isInstanceOf(IllegalStateException.class);
        assertThat(reader.advance()).isTrue();
        assertThat(reader.data()).isEqualTo("1");
        assertThat(reader.readData(Integer.class)).isEqualTo(1);
        assertThat(reader.readData(JsonNode.class).intValue()).isEqualTo(1);
        assertThat(reader.next()).isEqualTo(message("2"));
        assertThat(reader.readData(Integer.class)).isEqualTo(2);
        assertThat(reader.advance()).isFalse();
        assertThatThrownBy(() -> reader.readData(Integer.class)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void endsAtANamedEventAndReturnsIt() {
        String stream = "event: chat.start\ndata: {\"type\":\"chat.start\"}\n\nevent: message.delta\n"
                + "data: {\"type\":\"message.delta\",\"content\":\"Hi\"}\n\nevent: chat.end\n"
                + "data: {\"type\":\"chat.end\",\"result\":{\"output\":[]}}\n\n";
        InputStream thenNothing = new SequenceInputStream(SlicedInputStream.whole(stream.getBytes(UTF_8)), new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("read past the end event");
            }
        });
        SseReader reader = SseReader.builder().untilEvent("chat.end").open(thenNothing);

        List<String> types = new ArrayList<>();
        while (reader.advance()) {
            types.add(reader.event() + (reader.isEnd() ? " (end)" : ""));
            assertThat(reader.readData(JsonNode.class).get("type").stringValue()).isEqualTo(reader.event());
        }

        assertThat(types).containsExactly("chat.start", "message.delta", "chat.end (end)");
        SseReader cut = SseReader.builder().untilEvent("chat.end")
                .open(SlicedInputStream.whole("event: message.delta\ndata: {}\n\n".getBytes(UTF_8)));
        assertThat(cut.next().event()).isEqualTo("message.delta");
        assertThatThrownBy(cut::next).isInstanceOf(TruncatedStreamException.class).hasMessageContaining("without its end event");
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** The body of a real llama-server stream, taken out of its chunked transfer encoding. */
    static final class LlamaServerCapture {
        static final int EVENTS = 11;

        static byte[] raw() throws IOException {
            try (InputStream in = SseReaderTest.class.getResourceAsStream("/llama-server-chat-stream-chunked.http")) {
                return in.readAllBytes();
            }
        }

        static byte[] body() throws IOException {
            byte[] raw = raw();
            String text = new String(raw, StandardCharsets.ISO_8859_1);
            int at = text.indexOf("\r\n\r\n") + 4;
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                int lineEnd = text.indexOf("\r\n", at);
                int size = Integer.parseInt(text.substring(at, lineEnd).trim(), 16);
                if (size == 0) {
                    return body.toByteArray();
                }
                body.write(raw, lineEnd + 2, size);
                at = lineEnd + 2 + size + 2;
            }
        }
    }
}
