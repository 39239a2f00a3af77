package io.github.localllm.gguf;

import io.github.localllm.http.HttpRangeReader;
import java.nio.ByteBuffer;

/**
 * A remote GGUF file's bytes from the HTTP layer's range reader, which does the requests, the
 * redirects and the error mapping; the GGUF reader asks only for header bytes.
 */
final class RemoteSource implements GgufSource {
    private final HttpRangeReader reader;

    RemoteSource(HttpRangeReader reader) {
        this.reader = reader;
    }

    @Override
    public long size() {
        return reader.size();
    }

    @Override
    public int read(long position, ByteBuffer dst) {
        return reader.read(position, dst);
    }

    @Override
    public String description() {
        return reader.label();
    }

    @Override
    public void close() {
        reader.close();
    }
}
