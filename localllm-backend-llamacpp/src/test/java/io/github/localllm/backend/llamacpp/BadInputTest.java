package io.github.localllm.backend.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.InvalidModelFileException;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.KvCacheType;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelNotFoundException;
import io.github.localllm.UnsupportedModelException;
import io.github.localllm.gguf.SyntheticModel;
import io.github.localllm.spi.ModelLoadRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad file is stopped in Java, with a message that says what to do, before llama.cpp sees it. */
class BadInputTest {
    private final LlamaCppBackend backend = new LlamaCppBackend();

    @TempDir
    Path dir;

    private static ModelLoadRequest request(Path file) {
        return ModelLoadRequest.ofFile(file, LoadOptions.builder().threads(1).contextSize(128).build());
    }

    @Test
    void hostileFileNamesLoadAsPlainFiles() throws IOException {
        for (String name : new String[] {"-m evil.gguf", "--model=x.gguf", "spaces and ünïcödé 'quotes' \"x\".gguf",
                "semi;colon $(echo).gguf"}) {
            Path file = Files.copy(TestModels.tiny(), dir.resolve(name));
            var model = backend.load(request(file));
            try {
                assertThat(model.info().name()).isEqualTo(SyntheticModel.tiny().name());
            } finally {
                model.close();
            }
        }
    }

    @Test
    void aFileNameStartingWithADashIsNotAnOption() throws IOException {
        Path cwdRelative = Path.of("-v.gguf");
        assertThatThrownBy(() -> backend.load(request(cwdRelative))).isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("-v.gguf");
    }

    @Test
    void aMissingFile() {
        assertThatThrownBy(() -> backend.load(request(dir.resolve("nope.gguf"))))
                .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("nope.gguf");
    }

    @Test
    void aDirectory() {
        assertThatThrownBy(() -> backend.load(request(dir)))
                .isInstanceOf(InvalidModelFileException.class).hasMessageContaining("directory");
    }

    @Test
    void aFileThatIsNotGguf() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.gguf"), "this is not a model, just some text\n");
        assertThatThrownBy(() -> backend.load(request(text))).isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining("notes.gguf");
    }

    @Test
    void aTruncatedFile() throws IOException {
        byte[] bytes = Files.readAllBytes(TestModels.tiny());
        Path cut = Files.write(dir.resolve("cut.gguf"), Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> backend.load(request(cut))).isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining("cut.gguf");
    }

    @Test
    void anArchitectureNewerThanTheEngine() {
        Path file = dir.resolve("qwen3.gguf");
        SyntheticModel.tiny().writer().putString("general.architecture", "qwen3").write(file);
        assertThatThrownBy(() -> backend.load(request(file))).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("qwen3").hasMessageContaining("b4916");
    }

    @Test
    void aContextAboveWhatTheModelWasTrainedFor() {
        int trained = SyntheticModel.tiny().contextLength();
        assertThatThrownBy(() -> backend.load(ModelLoadRequest.ofFile(TestModels.tiny(),
                LoadOptions.builder().threads(1).contextSize(trained * 2).build())))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("at most " + trained);
    }

    @Test
    void aQuantizedCacheOnHeadsItCannotDivide() {
        // The tiny model's heads are 16 wide; q8_0 blocks hold 32. llama.cpp would abort the JVM.
        assertThatThrownBy(() -> backend.load(ModelLoadRequest.ofFile(TestModels.tiny(),
                LoadOptions.builder().threads(1).contextSize(128)
                        .engineOptions(LlamaCppOptions.builder().kvCacheType(KvCacheType.Q8_0).build()).build())))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("use kv cache type f16");
    }

    @Test
    void zeroOrNegativeSizes() {
        assertThatThrownBy(() -> LoadOptions.builder().contextSize(0).build()).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> LoadOptions.builder().threads(-2).build()).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> LlamaCppOptions.builder().batchSize(0).build()).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> LoadOptions.builder().gpuLayers(-5).build()).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void defaultsComeFromTheModelAndTheMachine() {
        var model = backend.load(ModelLoadRequest.ofFile(TestModels.tiny(), LoadOptions.defaults()));
        try {
            LoadOptions effective = model.info().options();
            assertThat(effective.contextSize()).isEqualTo(SyntheticModel.tiny().contextLength());
            assertThat(effective.threads()).isEqualTo(ThreadDefaults.generationThreads());
            LlamaCppOptions own = effective.engineOptions(LlamaCppOptions.class).orElseThrow();
            assertThat(own.parallel()).isEqualTo(1);
            assertThat(effective.gpuLayers()).isZero();
            assertThat(own.mmap()).isTrue();
            assertThat(own.kvCacheType()).isEqualTo(KvCacheType.F16);
            assertThat(model.info().architecture()).isEqualTo("llama");
            assertThat(model.info().parameterCount()).isEqualTo(SyntheticModel.tiny().parameterCount());
        } finally {
            model.close();
        }
    }
}
