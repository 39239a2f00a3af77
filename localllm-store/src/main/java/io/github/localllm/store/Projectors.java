package io.github.localllm.store;

import io.github.localllm.gguf.QuantizationNames;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Multimodal projectors ({@code mmproj-*.gguf}) kept beside their models, as llama.cpp's conversion
 * scripts, the Hub's GGUF publishers and LM Studio place them: the one at the model's quantization,
 * else the full-precision one (F16, BF16, F32) published by default, else the first by name.
 */
final class Projectors {
    private Projectors() {
    }

    /** @return whether a GGUF file is a projector, not a language model */
    static boolean isProjector(String fileName) {
        return fileName.toLowerCase(Locale.ROOT).contains("mmproj");
    }

    /** @return whether a file name is a GGUF file's */
    static boolean isGguf(String fileName) {
        return fileName.toLowerCase(Locale.ROOT).endsWith(".gguf");
    }

    /** @return the projector in {@code dir} that suits a model at {@code quantization}, if any */
    static Optional<Path> beside(Path dir, Optional<String> quantization) {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (isGguf(name) && isProjector(name) && Files.isRegularFile(f)) {
                    found.add(f);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        found.sort(null);
        for (String wanted : new String[] {quantization.orElse(""), "F16", "BF16", "F32"}) {
            for (Path p : found) {
                if (!wanted.isEmpty() && QuantizationNames.of(p.getFileName().toString()).filter(wanted::equals)
                        .isPresent()) {
                    return Optional.of(p);
                }
            }
        }
        return found.stream().findFirst();
    }
}
