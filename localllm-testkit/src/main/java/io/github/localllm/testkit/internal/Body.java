package io.github.localllm.testkit.internal;

import java.util.List;

/** What follows the headers of a {@link Reply}. */
public sealed interface Body {

    /** No body: {@code Content-Length: 0}, or none at all for a HEAD request. */
    record Empty() implements Body {
    }

    /**
     * A JSON document with a {@code Content-Length}.
     *
     * @param tree the document
     * @param newline whether a {@code \n} follows, as Go's {@code json.Encoder} writes and {@code c.JSON} does not
     */
    record Json(Object tree, boolean newline) implements Body {
    }

    /**
     * Text sent as is.
     *
     * @param text the body
     */
    record Text(String text) implements Body {
    }

    /**
     * Bytes sent as is.
     *
     * @param bytes the body
     */
    record Bytes(byte[] bytes) implements Body {
    }

    /**
     * A streamed answer in chunked transfer encoding, flushed one chunk at a time.
     *
     * @param framing how the chunks are delimited
     * @param chunks the chunks
     */
    record Stream(Framing framing, List<Chunk> chunks) implements Body {
        public Stream {
            chunks = List.copyOf(chunks);
        }
    }
}
