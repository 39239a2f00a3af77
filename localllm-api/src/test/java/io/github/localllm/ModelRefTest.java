package io.github.localllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelRefTest {

    @Test
    void filesAreRecognisedByExtensionPathShapeOrExistence(@TempDir Path dir) throws Exception {
        assertThat(ModelRef.parse("model.gguf")).isEqualTo(ModelRef.file(Path.of("model.gguf")));
        assertThat(ModelRef.parse("MODEL.GGUF")).isInstanceOf(ModelRef.File.class);
        assertThat(ModelRef.parse("/opt/models/x")).isEqualTo(ModelRef.file(Path.of("/opt/models/x")));
        assertThat(ModelRef.parse("./x")).isInstanceOf(ModelRef.File.class);
        assertThat(ModelRef.parse("~/models/m.bin"))
                .isEqualTo(ModelRef.file(Path.of(System.getProperty("user.home"), "models/m.bin")));
        Path existing = Files.createFile(dir.resolve("weights"));
        assertThat(ModelRef.parse(existing.toString())).isEqualTo(ModelRef.file(existing));
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2.5:7b", "llama3", "library/llama3:latest", "hf.co/bartowski/Llama-3.2-1B-GGUF:Q4_K_M",
        "gpt-4o-mini"})
    void anythingElseIsANameAnEngineKnows(String name) {
        assertThat(ModelRef.parse(name)).isEqualTo(ModelRef.name(name));
    }

    @Test
    void hubFilesHaveTwoSpellings() {
        ModelRef hub = ModelRef.hub("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q4_k_m.gguf");
        assertThat(ModelRef.parse("hf://Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf"))
                .isEqualTo(hub);
        assertThat(ModelRef.parse("https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/"
                + "qwen2.5-0.5b-instruct-q4_k_m.gguf")).isEqualTo(hub);
        ModelRef pinned = ModelRef.parse("hf://owner/repo@0123abcd/sub/dir/m.gguf");
        assertThat(pinned).isEqualTo(ModelRef.hub("owner/repo", "sub/dir/m.gguf", "0123abcd"));
        assertThat(ModelRef.parse(pinned.text())).as("text() reads back").isEqualTo(pinned);
        assertThat(ModelRef.parse(hub.text())).isEqualTo(hub);
    }

    @Test
    void otherAddressesAreUrls() {
        assertThat(ModelRef.parse("https://example.com/m.gguf"))
                .isEqualTo(ModelRef.url(URI.create("https://example.com/m.gguf")));
        assertThat(ModelRef.parse("https://huggingface.co/owner/repo/blob/main/m.gguf"))
                .as("only /resolve/ downloads the file").isInstanceOf(ModelRef.Url.class);
    }

    @Test
    void malformedReferencesSayHowToWriteThem() {
        assertThatThrownBy(() -> ModelRef.parse(" ")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("no model given");
        assertThatThrownBy(() -> ModelRef.parse("hf://owner/repo")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("names no file; write hf://owner/name/file.gguf");
        assertThatThrownBy(() -> ModelRef.parse("hf://owner/repo/../../etc/passwd"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("is not a file path inside");
        assertThatThrownBy(() -> ModelRef.hub("not a repo", "m.gguf")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("write it as owner/name");
        assertThatThrownBy(() -> ModelRef.url(URI.create("ftp://host/m.gguf")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("not an http or https address");
        assertThatThrownBy(() -> ModelRef.name("evil\nname")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("control characters").hasMessageNotContaining("\n");
    }
}
