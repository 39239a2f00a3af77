package io.github.localllm.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The two conformance fixtures (validated independently with huggingface.js) against their expectations. */
class FixtureTest {
    /** Every number exact: a float64 expectation must not pass through a rounding parser. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"tiny-default-align", "tiny-align64"})
    void everyExpectedValueMatches(String fixture) throws IOException {
        Path file = copy(fixture + ".gguf");
        JsonNode expected = JSON.readTree(new String(resource(fixture + ".expected.json"), StandardCharsets.UTF_8));

        GgufFile gguf = GgufFile.read(file);

        assertThat(gguf.fileSize()).isEqualTo(num(expected, "file_size").longValueExact());
        assertThat(gguf.version()).isEqualTo(num(expected, "version").intValueExact());
        assertThat(gguf.tensors()).hasSize(num(expected, "tensor_count").intValueExact());
        assertThat(gguf.metadata().size()).isEqualTo(num(expected, "kv_count").intValueExact());
        assertThat(gguf.alignment()).isEqualTo(num(expected, "alignment").longValueExact());
        assertThat(gguf.tensorDataOffset()).isEqualTo(num(expected, "tensor_data_offset").longValueExact());
        assertThat(gguf.metadata().contains("general.alignment"))
                .isEqualTo(expected.get("alignment_key_present").booleanValue());

        JsonNode kvs = expected.get("metadata");
        assertThat(gguf.metadata().keys()).containsExactlyElementsOf(kvs.valueStream().map(k -> k.get("key").stringValue()).toList());
        for (JsonNode kv : kvs) {
            String key = kv.get("key").stringValue();
            GgufValue actual = gguf.metadata().get(key).orElseThrow();
            assertThat(actual.type().id()).as(key).isEqualTo(num(kv, "type").intValueExact());
            if (kv.has("array_type")) {
                assertThat(((GgufArray) actual).elementType().id()).isEqualTo(num(kv, "array_type").intValueExact());
            }
            assertValue(key, actual, kv.get("value"));
        }

        JsonNode tensors = expected.get("tensors");
        for (int i = 0; i < tensors.size(); i++) {
            JsonNode t = tensors.get(i);
            GgufTensorInfo info = gguf.tensors().get(i);
            assertThat(info.name()).isEqualTo(t.get("name").stringValue());
            assertThat(info.dimensions()).containsExactlyElementsOf(
                    t.get("shape").valueStream().map(o -> o.decimalValue().longValueExact()).toList());
            assertThat(info.type().id()).isEqualTo(num(t, "type").intValueExact());
            assertThat(info.relativeOffset()).isEqualTo(num(t, "offset").longValueExact());
            assertThat(info.absoluteOffset()).isEqualTo(num(t, "absolute_offset").longValueExact());
            assertThat(info.byteSize()).isEqualTo(num(t, "n_bytes").longValueExact());
            byte[] bytes = Files.readAllBytes(file);
            int fill = num(t, "fill_byte").intValueExact();
            for (long b = info.absoluteOffset(); b < info.absoluteOffset() + info.byteSize(); b++) {
                assertThat(bytes[(int) b]).isEqualTo((byte) fill);
            }
        }

        ModelMetadata model = gguf.model();
        assertThat(model.architecture()).contains("llama");
        assertThat(model.name()).contains("conformance-tiny");
        assertThat(model.fileType()).contains(FileType.MOSTLY_Q4_K_M);
        assertThat(model.quantizationName()).contains("Q4_K_M");
        assertThat(model.parameterCount()).isEqualTo(20736);
        assertThat(model.contextLength()).hasValue(2048);
        assertThat(model.embeddingLength()).hasValue(64);
        assertThat(model.blockCount()).hasValue(1);
        assertThat(model.feedForwardLength()).hasValue(256);
        assertThat(model.headCount()).hasValue(4);
        assertThat(model.headCountKv()).hasValue(2);
        assertThat(model.keyLength()).hasValue(16);
        assertThat(model.valueLength()).hasValue(16);
        assertThat(model.ropeDimensionCount()).isEmpty();
        assertThat(model.vocabularySize()).hasValue(3);
        assertThat(model.tokens().orElseThrow()).containsExactly("<s>", "</s>", "héllo");
        assertThat(model.tokenizerModel()).contains("gpt2");
        assertThat(model.chatTemplate()).hasValueSatisfying(t -> assertThat(t).startsWith("{% for m in messages %}"));
        assertThat(model.bosTokenId()).hasValue(0);
        assertThat(model.eosTokenId()).hasValue(1);
        assertThat(model.unknownTokenId()).isEmpty();
        assertThat(model.separatorTokenId()).isEmpty();
        assertThat(model.addBosToken()).contains(true);
        assertThat(model.addEosToken()).isEmpty();
        assertThat(model.slidingWindow()).isEmpty();
        assertThat(gguf.metadata().getUnsignedLong("test.uint64")).hasValue(-1L);
        assertThat(((GgufValue.IntValue) gguf.metadata().get("test.uint64").orElseThrow()).asBigInteger())
                .isEqualTo(new BigInteger("18446744073709551615"));
    }

    private static void assertValue(String key, GgufValue actual, JsonNode expected) {
        if (actual instanceof GgufValue.IntValue i) {
            assertThat(i.asBigInteger()).as(key).isEqualTo(expected.decimalValue().toBigIntegerExact());
            assertThat(i.toString()).as(key).isEqualTo(expected.decimalValue().toPlainString());
        } else if (actual instanceof GgufValue.FloatValue f) {
            double want = expected.decimalValue().doubleValue();
            if (f.type() == GgufValueType.FLOAT32) {
                assertThat((float) f.value()).as(key).isEqualTo((float) want);
            } else {
                assertThat(f.value()).as(key).isCloseTo(want, within(0.0));
            }
        } else if (actual instanceof GgufValue.BoolValue b) {
            assertThat(expected.isBoolean()).as(key).isTrue();
            assertThat(b.value()).as(key).isEqualTo(expected.booleanValue());
        } else if (actual instanceof GgufValue.StringValue s) {
            assertThat(expected.isString()).as(key).isTrue();
            assertThat(s.value()).as(key).isEqualTo(expected.stringValue());
        } else {
            GgufArray a = (GgufArray) actual;
            assertThat(a.size()).as(key).isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertValue(key + "[" + i + "]", a.get(i), expected.get(i));
            }
        }
    }

    private static BigDecimal num(JsonNode node, String key) {
        assertThat(node.get(key).isNumber()).as(key).isTrue();
        return node.get(key).decimalValue();
    }

    private Path copy(String name) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, resource(name));
        return p;
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = FixtureTest.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource /fixtures/" + name);
            }
            return in.readAllBytes();
        }
    }
}
