package io.github.localllm.testkit.internal.openai;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Embedding vectors as the OpenAI-style servers send them: float arrays, or base64 of little-endian float32. */
final class Vectors {
    private Vectors() {
    }

    /** As float32 values (Go prints float32) or widened to double (nlohmann, Python, JavaScript). */
    static List<Object> floats(float[] v, boolean widen) {
        List<Object> list = new ArrayList<>(v.length);
        for (float f : v) {
            list.add(widen ? (Object) (double) f : (Object) f);
        }
        return list;
    }

    /** {@code encoding_format: "base64"}: the float32 values, little-endian, standard base64. */
    static String base64(float[] v) {
        ByteBuffer buffer = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            buffer.putFloat(f);
        }
        return Base64.getEncoder().encodeToString(buffer.array());
    }
}
