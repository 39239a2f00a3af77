package io.github.localllm.hardware;

import io.github.localllm.gguf.GgmlType;
import io.github.localllm.gguf.GgufFile;
import io.github.localllm.gguf.GgufMetadata;
import io.github.localllm.gguf.GgufTensorInfo;
import io.github.localllm.gguf.GgufValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF header rebuilt from a test resource that lists a real file's metadata ({@code @key value}) and
 * tensors ({@code name TYPE ne0 [ne1]}), so that tests plan the very tensors {@code llama-quantize}
 * wrote without keeping the file.
 */
final class TensorManifest {
    private TensorManifest() {
    }

    static GgufFile read(String resource) {
        String text;
        try (InputStream in = TensorManifest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, GgufValue> md = new LinkedHashMap<>();
        List<GgufTensorInfo> tensors = new ArrayList<>();
        long offset = 0;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.strip().split(" ");
            if (line.startsWith("@")) {
                String key = f[0].substring(1);
                md.put(key, key.equals("general.architecture") ? GgufValue.string(f[1])
                        : GgufValue.uint32(Long.parseLong(f[1])));
                continue;
            }
            GgmlType type = GgmlType.valueOf(f[1]);
            List<Long> dims = new ArrayList<>();
            long elements = 1;
            for (int i = 2; i < f.length; i++) {
                long d = Long.parseLong(f[i]);
                dims.add(d);
                elements *= d;
            }
            long bytes = type.byteSize(elements);
            tensors.add(new GgufTensorInfo(f[0], dims, type, offset, 4096 + offset, bytes));
            offset += (bytes + 31) / 32 * 32;
        }
        return new GgufFile(3, 32, 4096, 4096 + offset, GgufMetadata.of(md), tensors);
    }
}
