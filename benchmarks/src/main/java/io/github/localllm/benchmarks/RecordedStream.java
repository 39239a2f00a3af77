package io.github.localllm.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A streamed answer recorded from one of the testkit's protocol-faithful fakes, cut into the
 * pieces the server flushes one by one (NDJSON lines, or server-sent events), and replayed with
 * any number of tokens: the lines before the first token, the token lines again and again in
 * their order, then the lines after the last. Each piece is kept as one whole HTTP chunk (size
 * line, data, CRLF), so replaying costs the server one write per piece and nothing else.
 */
final class RecordedStream {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final List<byte[]> prefix;
    private final List<byte[]> tokens;
    private final List<byte[]> suffix;
    private final long tokenBytes;

    private RecordedStream(List<String> pieces, Predicate<String> isToken) {
        int first = -1;
        int last = -1;
        for (int i = 0; i < pieces.size(); i++) {
            if (isToken.test(pieces.get(i))) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        if (first < 0) {
            throw new IllegalStateException("the recorded stream has no token: " + pieces);
        }
        this.prefix = chunks(pieces.subList(0, first));
        this.tokens = chunks(pieces.subList(first, last + 1));
        this.suffix = chunks(pieces.subList(last + 1, pieces.size()));
        this.tokenBytes = tokens.stream().mapToLong(c -> c.length).sum();
    }

    /** @param body an Ollama {@code /api/chat} or {@code /api/generate} stream: one JSON object per line */
    static RecordedStream ndjson(String body) {
        List<String> lines = split(body, "\n");
        return new RecordedStream(lines, line -> !MAPPER.readTree(line).path("done").asBoolean(true));
    }

    /** @param body an OpenAI-compatible chat stream: {@code data: ...} events, the last {@code data: [DONE]} */
    static RecordedStream sse(String body) {
        List<String> events = split(body, "\n\n");
        return new RecordedStream(events, event -> {
            if (!event.startsWith("data: {")) {
                return false;
            }
            JsonNode content = MAPPER.readTree(event.substring("data: ".length())).path("choices").path(0)
                    .path("delta").path("content");
            return content.isString() && !content.stringValue().isEmpty();
        });
    }

    /** @return how many distinct token pieces the recording holds */
    int distinctTokens() {
        return tokens.size();
    }

    /** @return the average size of a token piece on the wire, chunk framing included */
    long bytesPerToken() {
        return tokenBytes / tokens.size();
    }

    /**
     * Writes the chunked body of an answer of {@code count} tokens, one {@code write} per piece:
     * straight to a socket (with {@code TCP_NODELAY}) each piece leaves at once, as from a server
     * that flushes after every token; through a buffer, many leave together.
     */
    void write(OutputStream out, long count) throws IOException {
        for (byte[] chunk : prefix) {
            out.write(chunk);
        }
        int n = tokens.size();
        for (long i = 0; i < count; i++) {
            out.write(tokens.get((int) (i % n)));
        }
        for (byte[] chunk : suffix) {
            out.write(chunk);
        }
        out.write(LAST_CHUNK);
        out.flush();
    }

    private static List<String> split(String body, String terminator) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int end = body.indexOf(terminator); end >= 0; end = body.indexOf(terminator, start)) {
            pieces.add(body.substring(start, end + terminator.length()));
            start = end + terminator.length();
        }
        if (start != body.length()) {
            throw new IllegalStateException("the recorded stream does not end with a whole piece: "
                    + body.substring(start));
        }
        return pieces;
    }

    private static List<byte[]> chunks(List<String> pieces) {
        List<byte[]> chunks = new ArrayList<>();
        for (String piece : pieces) {
            byte[] data = piece.getBytes(StandardCharsets.UTF_8);
            byte[] size = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] chunk = new byte[size.length + data.length + 2];
            System.arraycopy(size, 0, chunk, 0, size.length);
            System.arraycopy(data, 0, chunk, size.length, data.length);
            chunk[chunk.length - 2] = '\r';
            chunk[chunk.length - 1] = '\n';
            chunks.add(chunk);
        }
        return chunks;
    }
}
