package io.github.localllm.hardware;

import io.github.localllm.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogValidationTest {
    private static final String VALID = CatalogJson.document(
            CatalogJson.model("first", 1_000_000_000L, 4096),
            """
            {"id": "second", "name": "Second", "tasks": ["chat"], "repository": "test/second-GGUF",
             "architecture": "qwen2", "parameters": 2000000000, "contextLength": 8192, "license": "MIT",
             "files": [{"quantization": "Q4_K_M", "fileName": "second-Q4_K_M.gguf", "sizeBytes": 1200000000,
                        "sha256": "74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db"}]}""");

    @TempDir
    Path dir;

    @Test
    void theBaseDocumentIsValid() {
        assertThat(ModelCatalog.parse(VALID, "test").models()).hasSize(2);
    }

    static Stream<Arguments> mutations() {
        return Stream.of(
                Arguments.of("short hash", "74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db", "abc123", "model #2 'second'", "files[0].sha256", "64 hexadecimal"),
                Arguments.of("non-hex hash", "74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db", "74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9dz", "model #2 'second'", "files[0].sha256", "64 hexadecimal"),
                Arguments.of("zero size", "\"sizeBytes\": 1200000000", "\"sizeBytes\": 0", "model #2 'second'", "files[0].sizeBytes", "positive"),
                Arguments.of("negative size", "\"sizeBytes\": 1200000000", "\"sizeBytes\": -5", "model #2 'second'", "files[0].sizeBytes", "positive"),
                Arguments.of("fractional size", "\"sizeBytes\": 1200000000", "\"sizeBytes\": 1.5", "model #2 'second'", "files[0].sizeBytes", "whole number"),
                Arguments.of("unknown quantization", "\"Q4_K_M\", \"fileName\": \"second", "\"Q4_K_XL\", \"fileName\": \"second", "model #2 'second'", "files[0].quantization", "Q4_K_XL"),
                Arguments.of("unknown architecture", "\"qwen2\"", "\"qwen-3\"", "model #2 'second'", "architecture", "qwen-3"),
                Arguments.of("unknown task", "\"tasks\": [\"chat\"], \"repository\": \"test/second", "\"tasks\": [\"vision\"], \"repository\": \"test/second", "model #2 'second'", "tasks", "vision"),
                Arguments.of("misspelled key", "\"sha256\"", "\"sha265\"", "model #2 'second'", "sha265", "not a catalog field"),
                Arguments.of("bad repository", "\"test/second-GGUF\"", "\"second-GGUF\"", "model #2 'second'", "repository", "owner/name"),
                Arguments.of("missing licence", "\"contextLength\": 8192, \"license\": \"MIT\",", "\"contextLength\": 8192,", "model #2 'second'", "license", "missing"),
                Arguments.of("path escape", "\"second-Q4_K_M.gguf\"", "\"../second-Q4_K_M.gguf\"", "model #2 'second'", "files[0].fileName", "relative path"),
                Arguments.of("not gguf", "\"second-Q4_K_M.gguf\"", "\"second-Q4_K_M.bin\"", "model #2 'second'", "files[0].fileName", ".gguf"),
                Arguments.of("duplicate id", "\"id\": \"second\"", "\"id\": \"first\"", "model #2 'first'", "id", "earlier entry"),
                Arguments.of("newer version", "\"version\": 1", "\"version\": 2", "the document", "version", "version 1"),
                Arguments.of("branch as revision", "\"repository\": \"test/second-GGUF\",", "\"repository\": \"test/second-GGUF\", \"revision\": \"main\",", "model #2 'second'", "revision", "40 lower-case"),
                Arguments.of("short revision", "\"repository\": \"test/second-GGUF\",", "\"repository\": \"test/second-GGUF\", \"revision\": \"9217f5db\",", "model #2 'second'", "revision", "full commit"),
                Arguments.of("upper-case revision", "\"repository\": \"test/second-GGUF\",", "\"repository\": \"test/second-GGUF\", \"revision\": \"9217F5DB79A29953EB74D5343926648285EC7E67\",", "model #2 'second'", "revision", "40 lower-case"),
                Arguments.of("short file revision", "\"sizeBytes\": 1200000000,", "\"sizeBytes\": 1200000000, \"revision\": \"9217f5db79a29953eb74d5343926648285ec7e6\",", "model #2 'second'", "files[0].revision", "40 lower-case"),
                Arguments.of("bad date", "\"updated\": \"2026-11-22\"", "\"updated\": \"22/11/2026\"", "the document", "updated", "2026-11-22"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mutations")
    void malformedEntriesNameTheFileTheEntryAndTheField(String name, String from, String to, String entry,
                                                        String field, String problem) throws IOException {
        String broken = VALID.replace(from, to);
        assertThat(broken).as("the mutation applies").isNotEqualTo(VALID);
        Path file = Files.writeString(dir.resolve("broken.json"), broken);

        assertThatThrownBy(() -> ModelCatalog.load(file))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(entry)
                .hasMessageContaining("'" + field + "'")
                .hasMessageContaining(problem);
    }

    @Test
    void aRevisionPinsTheModelsFilesAndAFileMayNameItsOwn() {
        String model = "9217f5db79a29953eb74d5343926648285ec7e67";
        String file = "91cad51170dc346986eccefdc2dd33a9da36ead9";
        String json = VALID.replace("\"repository\": \"test/second-GGUF\",",
                "\"repository\": \"test/second-GGUF\", \"revision\": \"" + model + "\",");
        CatalogModel second = ModelCatalog.parse(json, "test").model("second").orElseThrow();
        assertThat(second.revision()).isEqualTo(model);
        assertThat(second.files()).allMatch(f -> f.revision().equals(model) && f.pinned());
        assertThat(second.downloadUrl(second.files().get(0)))
                .isEqualTo("https://huggingface.co/test/second-GGUF/resolve/" + model + "/second-Q4_K_M.gguf");

        CatalogModel own = ModelCatalog.parse(json.replace("\"sizeBytes\": 1200000000,",
                "\"sizeBytes\": 1200000000, \"revision\": \"" + file + "\","), "test").model("second").orElseThrow();
        assertThat(own.revision()).isEqualTo(model);
        assertThat(own.files().get(0).revision()).isEqualTo(file);
        assertThat(own.hubRef(own.files().get(0)).revision()).isEqualTo(file);
    }

    @Test
    void aUserModelWithoutARevisionIsUnpinnedAndDownloadsFromMain() {
        CatalogModel first = ModelCatalog.parse(VALID, "test").model("first").orElseThrow();
        assertThat(first.revision()).isEqualTo(CatalogFile.UNPINNED);
        assertThat(first.pinned()).isFalse();
        assertThat(first.downloadUrl(first.files().get(0))).contains("/resolve/main/");
    }

    @Test
    void anArchitectureOnlyTheServersBuildLoadsIsAccepted() {
        for (String arch : List.of("qwen3", "gpt-oss", "gemma3n", "smollm3")) {
            assertThat(ModelCatalog.parse(VALID.replace("\"qwen2\"", "\"" + arch + "\""), "test").models())
                    .extracting(CatalogModel::architecture).contains(arch);
        }
    }

    @Test
    void duplicateQuantizationsAreRejected() {
        String json = CatalogJson.document(CatalogJson.model("dup", "chat", 1_000_000_000L, 4096, 600_000_000L,
                1_000_000_000L).replace("\"Q8_0\"", "\"q4_k_m\""));

        assertThatThrownBy(() -> ModelCatalog.parse(json, "dup.json"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("dup.json").hasMessageContaining("model #1 'dup'")
                .hasMessageContaining("files[1].quantization").hasMessageContaining("listed twice");
    }

    @Test
    void invalidJsonSaysWhereTheFileIs() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.json"), "{\"version\": 1,");

        assertThatThrownBy(() -> ModelCatalog.load(file))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not valid JSON");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notJson")
    void textThatIsNotStrictJsonIsRefusedWithItsPosition(String name, String text, String position) {
        assertThatThrownBy(() -> ModelCatalog.parse(text, "strict.json"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("catalog strict.json is not valid JSON")
                .hasMessageContaining(position)
                .hasMessageContaining("remove it to use the bundled catalog");
    }

    static Stream<Arguments> notJson() {
        return Stream.of(
                Arguments.of("text after the document", VALID + "\n{}", "unexpected text after the value at line 10, column 1"),
                Arguments.of("a comment", "// catalog\n" + VALID, "line 1, column 1"),
                Arguments.of("a trailing comma", "{\"version\": 1,}", "line 1, column 15"),
                Arguments.of("a leading zero", "{\"version\": 01}", "Leading zeroes not allowed at line 1, column 14"),
                Arguments.of("single quotes", "{'version': 1}", "line 1, column 2"),
                Arguments.of("an empty file", " ", "unexpected end of input at line 1"));
    }

    @Test
    void aWholeNumberWrittenWithAZeroFractionIsWholeAndAHugeOneIsNot() {
        CatalogModel model = ModelCatalog.parse(VALID.replace("\"contextLength\": 8192", "\"contextLength\": 8192.0"),
                "t").models().get(1);
        assertThat(model.contextLength()).isEqualTo(8192);

        assertThatThrownBy(() -> ModelCatalog.parse(VALID.replace("\"parameters\": 2000000000",
                "\"parameters\": 20000000000000000000000"), "t"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'parameters' must be a whole number, found 20000000000000000000000");
    }

    @Test
    void anEmptyModelListIsRejected() {
        assertThatThrownBy(() -> ModelCatalog.parse("{\"version\": 1, \"updated\": \"2026-11-22\", \"models\": []}", "e.json"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'models'").hasMessageContaining("non-empty array");
    }

    @Test
    void quantizationNamesAreCaseInsensitiveAndStoredInCanonicalForm() {
        String json = CatalogJson.document(CatalogJson.model("lower", 1_000_000_000L, 4096)
                .replace("\"Q4_K_M\", \"fileName\"", "\"q4_k_m\", \"fileName\""));

        CatalogModel model = ModelCatalog.parse(json, "t").models().get(0);

        assertThat(model.files()).extracting(CatalogFile::quantization).containsExactly("Q4_K_M", "Q8_0");
    }
}
