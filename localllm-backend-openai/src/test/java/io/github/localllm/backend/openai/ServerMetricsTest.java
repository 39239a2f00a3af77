package io.github.localllm.backend.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.GenerationException;
import io.github.localllm.testkit.FakeServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** {@code /metrics}, {@code /slots} and {@code /props} as llama-server b10470 sent them (captures 22 to 24). */
class ServerMetricsTest {
    private static final String WHERE = "llama-server at test";

    static String body(String fixture) {
        try (InputStream in = FakeServer.class.getResourceAsStream("/io/github/localllm/testkit/fixtures/llama-server/"
                + fixture)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.substring(text.indexOf("\r\n\r\n") + 4);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theCapturedMetricsAreRead() {
        ServerMetrics m = ServerMetrics.parse(body("23-GET-metrics.http"), WHERE);

        assertThat(m.promptTokens()).isEqualTo(50);
        assertThat(m.predictedTokens()).isEqualTo(24);
        assertThat(m.promptSeconds()).isEqualTo(0.003502);
        assertThat(m.predictedSeconds()).isEqualTo(0.004166);
        assertThat(m.promptTokensPerSecond()).isEqualTo(14277.6);
        assertThat(m.predictedTokensPerSecond()).isEqualTo(5280.84);
        assertThat(m.requestsProcessing()).isZero();
        assertThat(m.requestsDeferred()).isZero();
        assertThat(m.maxSequenceTokens()).isEqualTo(61);
        assertThat(m.kvCacheUsage()).isEmpty();
        assertThat(m.samples()).hasSize(15).containsEntry("llamacpp:prompt_tokens_cached_total", 1.0);
    }

    @Test
    void aBusyServerReportsRequestsProcessingAndWaiting() {
        ServerMetrics m = ServerMetrics.parse(body("23c-GET-metrics-busy.http"), WHERE);

        assertThat(m.requestsProcessing()).isEqualTo(2);
        assertThat(m.requestsDeferred()).isEqualTo(1);
        assertThat(m.samples().get("llamacpp:n_busy_slots_per_decode")).isEqualTo(1.14765);
    }

    @Test
    void labelsSpecialValuesTimestampsAndTheOlderKvUsageAreRead() {
        String text = "llamacpp:prompt_tokens_total 1\nllamacpp:tokens_predicted_total 2 1700000000000\n"
                + "llamacpp:requests_processing 0\nllamacpp:requests_deferred 0\nllamacpp:kv_cache_usage_ratio 0.25\n"
                + "llamacpp:spec_decode_num_accepted_tokens_per_pos_total{position=\"0\",note=\"a}b\\\"c\"} 3\n"
                + "x NaN\ny +Inf\nz -Inf\n";
        ServerMetrics m = ServerMetrics.parse(text, WHERE);

        assertThat(m.kvCacheUsage()).hasValue(0.25);
        assertThat(m.predictedTokens()).isEqualTo(2);
        assertThat(m.samples()).containsEntry(
                "llamacpp:spec_decode_num_accepted_tokens_per_pos_total{position=\"0\",note=\"a}b\\\"c\"}", 3.0);
        assertThat(m.samples().get("x")).isNaN();
        assertThat(m.samples()).containsEntry("y", Double.POSITIVE_INFINITY).containsEntry("z", Double.NEGATIVE_INFINITY);
    }

    @Test
    void textThatIsNotPrometheusIsRefusedNamingTheLine() {
        assertThatThrownBy(() -> ServerMetrics.parse("<html><body>proxy</body></html>", WHERE))
                .isInstanceOf(GenerationException.class).hasMessageContaining("line 1")
                .hasMessageContaining("does not start with a metric name");
        assertThatThrownBy(() -> ServerMetrics.parse("a{b=\"c\" 1\n", WHERE))
                .isInstanceOf(GenerationException.class).hasMessageContaining("labels are not closed");
        assertThatThrownBy(() -> ServerMetrics.parse("a\n", WHERE))
                .isInstanceOf(GenerationException.class).hasMessageContaining("no value");
        assertThatThrownBy(() -> ServerMetrics.parse("a 1 2 3\n", WHERE))
                .isInstanceOf(GenerationException.class).hasMessageContaining("more than a value");
    }

    @Test
    void metricsWithoutLlamaCppsCountersAreRefused() {
        assertThatThrownBy(() -> ServerMetrics.parse("# HELP up\nup 1\n", WHERE))
                .isInstanceOf(GenerationException.class).hasMessageContaining("llamacpp:prompt_tokens_total");
    }

    @Test
    void theCapturedSlotsAreRead() {
        JsonMapper json = JsonMapper.builder().build();
        List<SlotState> idle = SlotState.list(json.readTree(body("22-GET-slots.http")), WHERE);
        List<SlotState> busy = SlotState.list(json.readTree(body("22b-GET-slots-processing.http")), WHERE);

        assertThat(idle).containsExactly(new SlotState(0, 256, false, -1, 0, 0), new SlotState(1, 256, false, 18, 12, 0));
        assertThat(busy).extracting(SlotState::processing).containsExactly(true, true);
        assertThat(busy.get(0).tokens()).isEqualTo(5);
        assertThatThrownBy(() -> SlotState.list(json.readTree("{\"error\":1}"), WHERE))
                .isInstanceOf(GenerationException.class).hasMessageContaining("instead of a list of slots");
        assertThatThrownBy(() -> SlotState.list(json.readTree("[{\"id\":\"x\"}]"), WHERE))
                .isInstanceOf(GenerationException.class).hasMessageContaining("numeric id");
    }

    @Test
    void theCapturedPropsAreRead() {
        LlamaServerProps p = LlamaServerProps.read(JsonMapper.builder().build().readTree(body("24-GET-props.http")));

        assertThat(p.contextSize()).isEqualTo(256);
        assertThat(p.totalSlots()).isEqualTo(2);
        assertThat(p.chatTemplate()).startsWith("{%- for message in messages -%}").contains("<|im_start|>");
        assertThat(p.buildNumber()).isEqualTo(10470);
        assertThat(p.modelPath()).endsWith("stories260K-q8_0.gguf");
        assertThat(p.vision()).isFalse();
        assertThat(p.slotsEndpoint()).isTrue();
        assertThat(p.metricsEndpoint()).isTrue();
        assertThat(LlamaServerProps.read(JsonMapper.builder().build().readTree("{}")))
                .isEqualTo(new LlamaServerProps(-1, -1, "", "", "", null, true, false));
    }
}
