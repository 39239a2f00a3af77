package io.github.localllm.backend.ollama;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.http.MalformedStreamException;
import io.github.localllm.http.NdjsonReader;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

class StreamLineBinderTest {

    private static NdjsonReader<StreamLine> lines(String ndjson) {
        return NdjsonReader.builder(new StreamLineBinder()).until(l -> l.done)
                .open(new ByteArrayInputStream(ndjson.getBytes(UTF_8)));
    }

    @Test
    void aMemberOfOneLineDoesNotLeakIntoTheNext() {
        NdjsonReader<StreamLine> reader = lines(
                "{\"model\":\"m\",\"created_at\":\"2025-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\","
                + "\"content\":\"\",\"thinking\":\"hmm\",\"x_future\":{\"a\":[1,{\"b\":null}]}},\"done\":false}\n"
                + "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"Hi\",\"tool_calls\":[{\"id\":\"c1\","
                + "\"function\":{\"name\":\"f\",\"arguments\":{\"x\":1}}}]},\"done\":false}\n"
                + "{\"model\":\"m\",\"response\":\"!\",\"done\":false}\n"
                + "{\"model\":\"m\",\"done\":true,\"done_reason\":\"length\",\"total_duration\":5000000000,"
                + "\"prompt_eval_count\":7,\"eval_count\":3,\"context\":[1,2,3]}\n");

        StreamLine first = reader.next();
        assertThat(first.message.thinking).isEqualTo("hmm");
        assertThat(first.message.content).isEmpty();

        StreamLine second = reader.next();
        assertThat(second).isSameAs(first);
        assertThat(second.message.thinking).isNull();
        assertThat(second.message.content).isEqualTo("Hi");
        assertThat(second.message.toolCalls).singleElement().satisfies(c -> {
            assertThat(c.id).isEqualTo("c1");
            assertThat(c.function.arguments.get("x").intValue()).isEqualTo(1);
        });

        StreamLine third = reader.next();
        assertThat(third.message).isNull();
        assertThat(third.response).isEqualTo("!");

        StreamLine last = reader.next();
        assertThat(last.response).isNull();
        assertThat(last.done).isTrue();
        assertThat(last.doneReason).isEqualTo("length");
        assertThat(last.totalDuration).isEqualTo(5_000_000_000L);
        assertThat(last.promptEvalCount).isEqualTo(7);
        assertThat(last.evalCount).isEqualTo(3);
        assertThat(reader.next()).isNull();
    }

    @Test
    void aLineOfTheWrongShapeIsMalformed() {
        assertThatThrownBy(() -> lines("{\"message\":\"Hi\"}\n").next()).isInstanceOf(MalformedStreamException.class)
                .hasMessageContaining("expected a message (a JSON object) for \"message\"");
        assertThatThrownBy(() -> lines("{\"eval_count\":\"many\"}\n").next()).isInstanceOf(MalformedStreamException.class)
                .hasMessageContaining("expected a number for \"eval_count\"");
        assertThatThrownBy(() -> lines("{\"tool_calls\":{\"id\":1}}\n").next()).isInstanceOf(MalformedStreamException.class)
                .hasMessageContaining("line 1");
    }
}
