package io.github.localllm.backend.openai;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.http.MalformedStreamException;
import io.github.localllm.http.SseEvent;
import io.github.localllm.http.SseReader;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class StreamChunkBinderTest {

    /** @return what {@code seen} makes of each event of {@code events} (data lines), bound by one binder */
    private static <T> List<T> bind(boolean logprobs, Function<StreamChunk, T> seen, String... events) {
        StringBuilder stream = new StringBuilder();
        for (String e : events) {
            stream.append("data: ").append(e).append("\n\n");
        }
        stream.append("data: [DONE]\n\n");
        StreamChunkBinder binder = new StreamChunkBinder(logprobs);
        List<T> out = new ArrayList<>();
        try (SseReader reader = SseReader.builder().untilData(SseEvent.DONE)
                .open(new ByteArrayInputStream(stream.toString().getBytes(UTF_8)))) {
            while (reader.advance() && !reader.isEnd()) {
                out.add(seen.apply(reader.readData(binder)));
            }
        }
        return out;
    }

    private static String describe(StreamChunk c) {
        StringBuilder s = new StringBuilder();
        s.append(c.error ? "error " : "").append(c.usage ? "usage=" + c.promptTokens + "/" + c.completionTokens + " " : "")
                .append(c.timings != null ? "timings=" + c.timings.predicted_per_second + " " : "");
        for (int i = 0; i < c.choiceCount; i++) {
            StreamChunk.Choice ch = c.choices[i];
            s.append("[").append(ch.other ? "other" : "first").append(ch.delta ? " delta " : " ").append(ch.content).append("|")
                    .append(ch.reasoningContent).append("|").append(ch.reasoning).append("|").append(ch.refusal).append("|")
                    .append(ch.text).append("|").append(ch.finishReason).append("|").append(ch.logprobs);
            for (int j = 0; j < ch.toolCallCount; j++) {
                StreamChunk.ToolCallDelta t = ch.toolCalls[j];
                s.append(" call ").append(t.index).append(",").append(t.id).append(",").append(t.name).append(",")
                        .append(t.arguments);
            }
            s.append("]");
        }
        return s.toString().trim();
    }

    @Test
    void nothingOfOneEventLeaksIntoTheNext() {
        assertThat(bind(false, StreamChunkBinderTest::describe,
                "{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null}}],"
                        + "\"created\":1,\"id\":\"x\",\"model\":\"m\",\"system_fingerprint\":\"b1\",\"object\":\"chat.completion.chunk\"}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"hm\",\"x_new\":{\"a\":[1]}}}],\"object\":\"chat.completion.chunk\"}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":\"}},null,{\"function\":{\"arguments\":\"1}\"}}]}}]}",
                "{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"other\"}},null,{\"delta\":{\"content\":\"Hi\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}",
                "{\"choices\":[],\"usage\":{\"completion_tokens\":3,\"prompt_tokens\":9,\"total_tokens\":12},"
                        + "\"timings\":{\"prompt_n\":1,\"predicted_per_second\":1722.2}}",
                "{\"choices\":[{\"text\":\" Sil\",\"index\":0,\"logprobs\":{\"content\":[]},\"finish_reason\":null}],"
                        + "\"object\":\"text_completion\"}"))
                .containsExactly(
                        "[first delta null|null|null|null|null|null|null]",
                        "[first delta null|hm|null|null|null|null|null]",
                        "[first delta null|null|null|null|null|null|null call 0,c1,f,{\"a\": call null,null,null,1}]",
                        "[other delta other|null|null|null|null|null|null][first delta Hi|null|null|null|null|null|null]",
                        "[first delta null|null|null|null|null|length|null]",
                        "usage=9/3 timings=1722.2",
                        "[first null|null|null|null| Sil|null|null]");
    }

    @Test
    void readsLogProbabilitiesOnlyWhenAskedFor() {
        String event = "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"logprobs\":{\"content\":"
                + "[{\"token\":\"a\",\"logprob\":-0.5,\"top_logprobs\":[]}]}}]}";

        assertThat(bind(true, c -> c.choices[0].logprobs.path("content").get(0).path("logprob").doubleValue(), event))
                .containsExactly(-0.5);
        assertThat(bind(false, c -> c.choices[0].logprobs, event)).containsOnlyNulls();
    }

    @Test
    void tellsErrorEventsFromChunks() {
        assertThat(bind(false, c -> c.error,
                "{\"error\":{\"code\":500,\"message\":\"boom\",\"type\":\"server_error\"}}",
                "{\"object\":\"error\",\"message\":\"boom\",\"type\":\"BadRequestError\",\"code\":400}",
                "{\"object\":\"chat.completion.chunk\",\"choices\":[]}",
                "{\"object\":\"errors\",\"error\":null}",
                "{\"object\":{\"kind\":\"error\"},\"choices\":[]}"))
                .containsExactly(true, true, false, false, false);
    }

    @Test
    void anEventOfTheWrongShapeIsMalformed() {
        assertThatThrownBy(() -> bind(false, c -> c, "{\"choices\":{\"index\":0}}"))
                .isInstanceOf(MalformedStreamException.class).hasMessageContaining("expected an array of choices");
        assertThatThrownBy(() -> bind(false, c -> c, "{\"choices\":[{\"delta\":{\"content\":[\"a\"]}}]}"))
                .isInstanceOf(MalformedStreamException.class).hasMessageContaining("expected a string for \"content\"");
        assertThatThrownBy(() -> bind(false, c -> c, "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":\"first\"}]}}]}"))
                .isInstanceOf(MalformedStreamException.class).hasMessageContaining("expected a number for \"index\"");
        assertThatThrownBy(() -> bind(false, c -> c, "{\"usage\":[1,2]}"))
                .isInstanceOf(MalformedStreamException.class).hasMessageContaining("expected the usage (a JSON object)");
    }
}
