package io.github.localllm.backend.llamacpp;

import io.github.localllm.gguf.SyntheticModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Synthetic models written once per test JVM; no test depends on a downloaded model. */
final class TestModels {
    private static Path dir;
    private static Path tiny;

    private TestModels() {
    }

    static synchronized Path dir() {
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("localllm-test-models");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            dir.toFile().deleteOnExit();
        }
        return dir;
    }

    /** @return the tiny synthetic model: 2 layers, 64 wide, ChatML template, 512-token context */
    static synchronized Path tiny() {
        if (tiny == null) {
            tiny = write(SyntheticModel.tiny(), "tiny.gguf");
        }
        return tiny;
    }

    static Path write(SyntheticModel model, String fileName) {
        Path file = dir().resolve(fileName);
        model.write(file);
        file.toFile().deleteOnExit();
        return file;
    }
}
