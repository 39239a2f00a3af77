package io.github.localllm;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.InferenceBackendProvider;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One broken engine jar on the class path must not take the working engines down with it.
 * ServiceLoader.load(Class) reads the context class loader, so a loader over an extra
 * services file stands in for a broken third-party jar.
 */
class LocalLlmProvidersTest {
    @TempDir
    Path dir;

    /** An engine whose constructor fails, as one with a missing native library might. */
    public static final class Exploding implements InferenceBackendProvider {
        public Exploding() {
            throw new IllegalStateException("native library not found");
        }

        @Override
        public String id() {
            return "exploding";
        }

        @Override
        public InferenceBackend create(LocalLlmConfig config) {
            throw new AssertionError();
        }
    }

    @Test
    void brokenProvidersAreSkipped() throws IOException {
        Path services = dir.resolve("META-INF/services/io.github.localllm.spi.InferenceBackendProvider");
        Files.createDirectories(services.getParent());
        Files.writeString(services, "com.example.gone.MissingProvider\n"
                + Exploding.class.getName() + "\n"
                + "java.lang.String\n");  // not a provider at all

        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, previous)) {
            Thread.currentThread().setContextClassLoader(loader);

            assertThat(LocalLlm.providers()).extracting(InferenceBackendProvider::id)
                    .containsExactly("fake", "fake-second");
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }
}
