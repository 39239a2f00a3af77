package io.github.localllm.gguf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GGUF headers of llama-shaped models built in memory, without tensor data: the memory model reads
 * only the header, so a 70B model is described in microseconds. Tensors are laid out as
 * {@link SyntheticModel} writes them.
 */
final class ModelHeaders {
    private ModelHeaders() {
    }

    record Shape(String arch, int embd, int layers, int heads, int kvHeads, int ff, int vocab, int context,
                 GgmlType type, boolean tiedOutput, Integer slidingWindow) {
        static Shape llama(int embd, int layers, int heads, int kvHeads, int ff, int vocab, int context, GgmlType type) {
            return new Shape("llama", embd, layers, heads, kvHeads, ff, vocab, context, type, false, null);
        }

        /** The 25M synthetic model of the accuracy test. */
        static Shape synthetic25m() {
            return llama(576, 4, 9, 9, 1536, 8192, 2048, GgmlType.Q8_0);
        }

        /** The 100M synthetic model of the accuracy test. */
        static Shape synthetic100m() {
            return llama(640, 13, 10, 5, 1728, 32000, 2048, GgmlType.Q8_0);
        }

        /** The 300M synthetic model of the accuracy test. */
        static Shape synthetic300m() {
            return llama(1280, 12, 20, 10, 3456, 32000, 2048, GgmlType.Q8_0);
        }
    }

    static GgufFile of(Shape s) {
        Map<String, GgufValue> md = new LinkedHashMap<>();
        String a = s.arch();
        md.put("general.architecture", GgufValue.string(a));
        md.put(a + ".context_length", GgufValue.uint32(s.context()));
        md.put(a + ".embedding_length", GgufValue.uint32(s.embd()));
        md.put(a + ".block_count", GgufValue.uint32(s.layers()));
        md.put(a + ".feed_forward_length", GgufValue.uint32(s.ff()));
        md.put(a + ".attention.head_count", GgufValue.uint32(s.heads()));
        md.put(a + ".attention.head_count_kv", GgufValue.uint32(s.kvHeads()));
        md.put(a + ".vocab_size", GgufValue.uint32(s.vocab()));
        if (s.slidingWindow() != null) {
            md.put(a + ".attention.sliding_window", GgufValue.uint32(s.slidingWindow()));
        }
        long e = s.embd();
        long kv = e / s.heads() * s.kvHeads();
        List<GgufTensorInfo> tensors = new ArrayList<>();
        long[] offset = {0};
        add(tensors, offset, "token_embd.weight", s.type(), e, s.vocab());
        add(tensors, offset, "output_norm.weight", GgmlType.F32, e, 1);
        if (!s.tiedOutput()) {
            add(tensors, offset, "output.weight", s.type(), e, s.vocab());
        }
        for (int i = 0; i < s.layers(); i++) {
            String p = "blk." + i + ".";
            add(tensors, offset, p + "attn_norm.weight", GgmlType.F32, e, 1);
            add(tensors, offset, p + "attn_q.weight", s.type(), e, e);
            add(tensors, offset, p + "attn_k.weight", s.type(), e, kv);
            add(tensors, offset, p + "attn_v.weight", s.type(), e, kv);
            add(tensors, offset, p + "attn_output.weight", s.type(), e, e);
            add(tensors, offset, p + "ffn_norm.weight", GgmlType.F32, e, 1);
            add(tensors, offset, p + "ffn_gate.weight", s.type(), e, s.ff());
            add(tensors, offset, p + "ffn_down.weight", s.type(), s.ff(), e);
            add(tensors, offset, p + "ffn_up.weight", s.type(), e, s.ff());
        }
        return new GgufFile(3, 32, 4096, 4096 + offset[0], GgufMetadata.of(md), tensors);
    }

    private static void add(List<GgufTensorInfo> tensors, long[] offset, String name, GgmlType type, long cols,
                            long rows) {
        GgmlType t = cols % type.blockSize() == 0 ? type : GgmlType.F16;
        long bytes = t.byteSize(cols * rows);
        List<Long> dims = rows == 1 ? List.of(cols) : List.of(cols, rows);
        tensors.add(new GgufTensorInfo(name, dims, t, offset[0], 4096 + offset[0], bytes));
        offset[0] += (bytes + 31) / 32 * 32;
    }
}
