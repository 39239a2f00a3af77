package io.github.localllm.testkit.internal;

import com.sun.net.httpserver.HttpExchange;
import io.github.localllm.testkit.internal.json.JsonWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** Sends a {@link Reply} on an exchange, breaking it as the active faults say. */
final class ReplyWriter {
    private final HttpExchange exchange;
    private final Call call;
    private final ActiveFaults faults;
    private final Protocol protocol;

    ReplyWriter(HttpExchange exchange, Call call, ActiveFaults faults, Protocol protocol) {
        this.exchange = exchange;
        this.call = call;
        this.faults = faults;
        this.protocol = protocol;
    }

    void send(Reply reply) throws IOException {
        for (Map.Entry<String, String> h : reply.headers()) {
            exchange.getResponseHeaders().add(h.getKey(), h.getValue());
        }
        if (reply.body() instanceof Body.Stream stream && !call.isHead()) {
            sendStream(reply, stream);
            return;
        }
        byte[] bytes = fixedBytes(reply);
        if (call.isHead() || reply.status() == 204 || reply.status() == 304) {
            // The JDK sends no Content-length for HEAD; the real servers do, so it is set by hand.
            if (call.isHead() && !exchange.getResponseHeaders().containsKey("Content-Length")) {
                exchange.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
            }
            exchange.sendResponseHeaders(reply.status(), -1);
            exchange.close();
            return;
        }
        if (faults.corruptBytes() && reply.body() instanceof Body.Bytes && bytes.length > 0) {
            bytes = bytes.clone();
            bytes[bytes.length / 2] ^= 0x5A;
        }
        exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
        OutputStream out = exchange.getResponseBody();
        if (faults.throttle().isPresent() && bytes.length > 0) {
            sendThrottled(out, bytes, faults.throttle().getAsLong(), faults.truncateAfter().isPresent());
            return;
        }
        boolean cut = faults.truncateAfter().isPresent();
        if (bytes.length > 0 && (cut || faults.anyStall())) {
            int half = bytes.length / 2;
            out.write(bytes, 0, half);
            out.flush();
            if (cut) {
                throw new AbortConnection("truncated body after " + half + " of " + bytes.length + " bytes");
            }
            Pause.of(faults.totalStall());
            out.write(bytes, half, bytes.length - half);
        } else {
            out.write(bytes);
        }
        exchange.close();
    }

    /** Sends at most {@code rate} bytes per second, in pieces 20 ms apart; a truncation cuts it at half. */
    private void sendThrottled(OutputStream out, byte[] bytes, long rate, boolean cut) throws IOException {
        int piece = (int) Math.max(1, Math.min(1 << 20, rate / 50));
        long started = System.nanoTime();
        int end = cut ? bytes.length / 2 : bytes.length;
        for (int sent = 0; sent < end; ) {
            int n = Math.min(piece, end - sent);
            out.write(bytes, sent, n);
            out.flush();
            sent += n;
            long due = started + sent * 1_000_000_000L / rate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Pause.of(java.time.Duration.ofNanos(wait));
            }
        }
        if (cut) {
            throw new AbortConnection("truncated body after " + end + " of " + bytes.length + " bytes");
        }
        exchange.close();
    }

    private byte[] fixedBytes(Reply reply) {
        Body body = reply.body();
        String text;
        if (body instanceof Body.Bytes b) {
            return b.bytes();
        } else if (body instanceof Body.Text t) {
            text = t.text();
        } else if (body instanceof Body.Json j) {
            text = JsonWriter.write(j.tree(), reply.style(), faults.unknownFields());
            if (faults.anyMalformed()) {
                text = text.substring(0, text.length() / 2);
            }
            if (j.newline()) {
                text += "\n";
            }
        } else {
            text = "";
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void sendStream(Reply reply, Body.Stream stream) throws IOException {
        exchange.sendResponseHeaders(reply.status(), 0);
        OutputStream out = exchange.getResponseBody();
        OptionalInt truncate = faults.truncateAfter();
        OptionalInt error = faults.errorAfter();
        List<Chunk> chunks = stream.chunks();
        int sent = 0;
        Pause.of(faults.stallAfter(0));
        for (Chunk chunk : chunks) {
            if (truncate.isPresent() && truncate.getAsInt() == sent) {
                throw new AbortConnection("truncated stream after " + sent + " chunks");
            }
            if (error.isPresent() && error.getAsInt() == sent) {
                for (Chunk e : protocol.midStreamError(call)) {
                    write(out, reply, stream.framing(), e, false);
                }
                exchange.close();
                return;
            }
            Pause.of(chunk.delayBefore());
            sent++;
            write(out, reply, stream.framing(), chunk, faults.malformed(sent));
            Pause.of(faults.stallAfter(sent));
        }
        if (truncate.isPresent() && truncate.getAsInt() <= sent) {
            throw new AbortConnection("stream closed without its final empty chunk");
        }
        exchange.close();
    }

    private void write(OutputStream out, Reply reply, Framing framing, Chunk chunk, boolean malformed) throws IOException {
        String text = chunk.raw() != null ? chunk.raw()
                : JsonWriter.write(chunk.json().get(), reply.style(), faults.unknownFields());
        if (malformed) {
            text = text.substring(0, text.length() / 2);
        }
        out.write(framing.frame(chunk.event(), text).getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
