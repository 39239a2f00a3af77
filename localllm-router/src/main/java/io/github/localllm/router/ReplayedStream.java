package io.github.localllm.router;

import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.ToolCallPiece;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** A cached answer as a stream: its thinking, its text and its tool calls, one chunk each. */
final class ReplayedStream implements GenerationStream {
    private final GenerationResult result;
    private final List<GenerationChunk> chunks = new ArrayList<>();

    ReplayedStream(GenerationResult result) {
        this.result = result;
        if (!result.thinking().isEmpty()) {
            chunks.add(GenerationChunk.thinking(result.thinking(), chunks.size()));
        }
        if (!result.text().isEmpty() || result.toolCalls().isEmpty()) {
            chunks.add(new GenerationChunk(result.text(), chunks.size(), result.logprobs()));
        }
        for (int i = 0; i < result.toolCalls().size(); i++) {
            chunks.add(GenerationChunk.toolCall(ToolCallPiece.whole(i, result.toolCalls().get(i)), chunks.size()));
        }
    }

    @Override
    public Iterator<GenerationChunk> iterator() {
        return List.copyOf(chunks).iterator();
    }

    @Override
    public GenerationResult result() {
        return result;
    }

    @Override
    public void close() {
        // Nothing is held.
    }
}
