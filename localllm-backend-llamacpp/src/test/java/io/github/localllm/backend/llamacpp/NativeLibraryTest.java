package io.github.localllm.backend.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NativeLibraryTest {
    @Test
    void theLibraryIsPlacedOnceUnderItsHashAndTheBindingPointedAtIt() throws IOException {
        new LlamaCppBackend();
        String dir = System.getProperty(NativeLibrary.PATH_PROPERTY);
        assertThat(dir).contains("localllm-native");
        Path lib = Path.of(dir, System.mapLibraryName("jllama"));
        byte[] bundled;
        try (InputStream in = de.kherud.llama.LlamaModel.class.getResourceAsStream(
                NativeLibrary.folder().orElseThrow() + System.mapLibraryName("jllama"))) {
            bundled = in.readAllBytes();
        }
        assertThat(Files.readAllBytes(lib)).isEqualTo(bundled);
        // No temporary file is left behind, and a second preparation changes nothing.
        try (var files = Files.list(Path.of(dir))) {
            assertThat(files.filter(f -> f.toString().endsWith(".part"))).isEmpty();
        }
        NativeLibrary.prepare();
        assertThat(System.getProperty(NativeLibrary.PATH_PROPERTY)).isEqualTo(dir);
    }
}
