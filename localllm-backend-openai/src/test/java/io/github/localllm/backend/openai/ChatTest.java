package io.github.localllm.backend.openai;

import static io.github.localllm.backend.openai.Servers.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ChatMessage;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.Image;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelInstance;
import io.github.localllm.ResponseFormat;
import io.github.localllm.SamplingParameters;
import io.github.localllm.ToolCall;
import io.github.localllm.ToolDefinition;
import io.github.localllm.testkit.FakeOpenAi;
import io.github.localllm.testkit.FakeOpenAi.Flavor;
import io.github.localllm.testkit.FakeToolCall;
import io.github.localllm.testkit.RecordedRequest;
import io.github.localllm.testkit.ScriptedAnswer;
import io.github.localllm.testkit.StopReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ChatTest {
    private static final ToolDefinition WEATHER = ToolDefinition.of("get_weather", "The weather in a city",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");
    /** A 1x1 PNG. */
    private static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    @AfterEach
    void noThreadLeft() {
        Servers.assertNoThreadLeft();
    }

    private static FakeOpenAi server(Flavor flavor, ScriptedAnswer... answers) {
        FakeOpenAi.Builder b = FakeOpenAi.builder(flavor).model(MODEL).model("other-model");
        for (ScriptedAnswer a : answers) {
            b.answer(a);
        }
        return b.start();
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void streamsTheAnswerPieceByPieceWithTheServersUsage(Flavor flavor) {
        ScriptedAnswer answer = ScriptedAnswer.builder().pieces("The", " sky", " is", " blue.").promptTokens(17)
                .completionTokens(4).build();
        try (FakeOpenAi server = server(flavor, answer); ModelInstance model = Servers.load(server)) {
            List<String> pieces = new ArrayList<>();
            GenerationResult result;
            try (GenerationStream stream = model.stream(GenerationRequest.builder().user("Why is the sky blue?").build())) {
                for (GenerationChunk chunk : stream) {
                    pieces.add(chunk.text());
                }
                result = stream.result();
            }

            assertThat(pieces).containsExactly("The", " sky", " is", " blue.");
            assertThat(result.text()).isEqualTo("The sky is blue.");
            assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(result.usage().promptTokens()).isEqualTo(17);
            assertThat(result.usage().completionTokens()).isEqualTo(4);
            assertThat(result.model()).isEqualTo(MODEL);
            RecordedRequest sent = server.lastRequest();
            assertThat(sent.path()).isEqualTo("/v1/chat/completions");
            assertThat(sent.json("/stream")).contains("true");
            assertThat(sent.json("/stream_options/include_usage")).contains("true");
            assertThat(sent.json("/messages/0")).contains("{\"role\":\"user\",\"content\":\"Why is the sky blue?\"}");
            assertThat(sent.json("/model")).contains("\"" + MODEL + "\"");
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void generateGivesTheSameAnswerAsTheStream(Flavor flavor) {
        try (FakeOpenAi server = server(flavor, ScriptedAnswer.of("Hello", ", world")); ModelInstance model = Servers.load(server)) {
            GenerationResult result = model.generate("Say hello");

            assertThat(result.text()).isEqualTo("Hello, world");
            assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(result.metrics().totalTime()).isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void sendsSamplingStopSeedAndTheTokenCapInTheServersFields(Flavor flavor) {
        try (FakeOpenAi server = server(flavor, ScriptedAnswer.builder().pieces("a", "b").stopReason(StopReason.LENGTH).build());
             ModelInstance model = Servers.load(server)) {
            GenerationResult result = model.generate(GenerationRequest.builder().system("Be terse.").user("Count")
                    .temperature(0.2).seed(42).stop("\n\n", "END").maxTokens(2).build());

            assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
            RecordedRequest sent = server.lastRequest();
            assertThat(sent.json("/temperature")).contains("0.2");
            assertThat(sent.json("/seed")).contains("42");
            assertThat(sent.json("/stop")).contains("[\"\\n\\n\",\"END\"]");
            String cap = flavor == Flavor.OPENAI ? "/max_completion_tokens" : "/max_tokens";
            assertThat(sent.json(cap)).contains("2");
            assertThat(sent.json(flavor == Flavor.OPENAI ? "/max_tokens" : "/max_completion_tokens")).isEmpty();
            assertThat(sent.json("/messages/0/role")).contains("\"system\"");
        }
    }

    @Test
    void localServersGetTopKMinPAndTheirRepeatPenaltyTheOpenAiApiRefusesThem() {
        SamplingParameters extra = SamplingParameters.builder().topK(40).minP(0.05).repeatPenalty(1.1).build();
        GenerationRequest request = GenerationRequest.builder().user("Hi").sampling(extra).build();
        try (FakeOpenAi llama = server(Flavor.LLAMA_CPP); FakeOpenAi vllm = server(Flavor.VLLM);
             FakeOpenAi openai = server(Flavor.OPENAI)) {
            try (ModelInstance model = Servers.load(llama)) {
                model.generate(request);
            }
            try (ModelInstance model = Servers.load(vllm)) {
                model.generate(request);
                assertThatThrownBy(() -> model.generate(GenerationRequest.builder().user("Hi")
                        .sampling(SamplingParameters.builder().repeatLastN(64).build()).build()))
                        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("repeat_last_n");
            }
            try (ModelInstance model = Servers.load(openai)) {
                openai.clearRequests();
                assertThatThrownBy(() -> model.generate(request)).isInstanceOf(InvalidRequestException.class)
                        .hasMessageContaining("top_k");
                assertThat(openai.requests()).isEmpty();
            }

            assertThat(llama.lastRequest().json("/top_k")).contains("40");
            assertThat(llama.lastRequest().json("/min_p")).contains("0.05");
            assertThat(llama.lastRequest().json("/repeat_penalty")).contains("1.1");
            assertThat(vllm.requests("/v1/chat/completions").get(0).json("/repetition_penalty")).contains("1.1");
            assertThat(vllm.requests("/v1/chat/completions").get(0).json("/repeat_penalty")).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void toolCallsStreamAsPiecesAndJoinIntoCalls(Flavor flavor) {
        ScriptedAnswer calls = ScriptedAnswer.toolCalls(FakeToolCall.of("get_weather", "{\"city\":\"Paris\"}"),
                FakeToolCall.of("get_weather", "{\"city\":\"Tokyo\"}").withId("call_fixed"));
        try (FakeOpenAi server = server(flavor, calls); ModelInstance model = Servers.load(server)) {
            List<GenerationChunk> pieces = new ArrayList<>();
            GenerationResult result;
            try (GenerationStream stream = model.stream(GenerationRequest.builder().user("Weather in Paris and Tokyo?")
                    .tool(WEATHER).build())) {
                stream.forEach(pieces::add);
                result = stream.result();
            }

            assertThat(result.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
            assertThat(result.toolCalls()).hasSize(2);
            assertThat(result.toolCalls().get(0).name()).isEqualTo("get_weather");
            assertThat(result.toolCalls().get(0).arguments()).isEqualTo("{\"city\":\"Paris\"}");
            assertThat(result.toolCalls().get(0).id()).isNotBlank();
            assertThat(result.toolCalls().get(1).id()).isEqualTo("call_fixed");
            assertThat(result.toolCalls().get(1).arguments()).isEqualTo("{\"city\":\"Tokyo\"}");
            assertThat(pieces).allMatch(c -> c.toolCall() != null);
            // The arguments come in fragments, the first of each call with its id and name.
            assertThat(pieces.size()).isGreaterThan(4);
            assertThat(pieces.get(0).toolCall().name()).isEqualTo("get_weather");
            RecordedRequest sent = server.lastRequest();
            assertThat(sent.json("/tools/0/type")).contains("\"function\"");
            assertThat(sent.json("/tools/0/function/name")).contains("\"get_weather\"");
            assertThat(sent.json("/tools/0/function/parameters/required")).contains("[\"city\"]");
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void toolResultsGoBackAsToolMessagesAfterTheAssistantsCalls(Flavor flavor) {
        try (FakeOpenAi server = server(flavor, ScriptedAnswer.of("It is sunny.")); ModelInstance model = Servers.load(server)) {
            ToolCall call = new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}");
            GenerationResult result = model.generate(GenerationRequest.builder().user("Weather in Paris?").tool(WEATHER)
                    .message(ChatMessage.assistant("", List.of(call)))
                    .message(ChatMessage.toolResult("call_1", "{\"sky\":\"clear\"}")).build());

            assertThat(result.text()).isEqualTo("It is sunny.");
            RecordedRequest sent = server.lastRequest();
            assertThat(sent.json("/messages/1")).contains("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":"
                    + "\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":"
                    + "\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}");
            assertThat(sent.json("/messages/2")).contains("{\"role\":\"tool\",\"content\":\"{\\\"sky\\\":\\\"clear\\\"}\","
                    + "\"tool_call_id\":\"call_1\"}");
        }
    }

    @Test
    void imagesGoAsContentPartsWithDataUrls() {
        try (FakeOpenAi server = server(Flavor.OPENAI, ScriptedAnswer.of("A dot.")); ModelInstance model = Servers.load(server)) {
            model.generate(GenerationRequest.builder().message(ChatMessage.user("What is this?", Image.of(PNG))).build());

            RecordedRequest sent = server.lastRequest();
            assertThat(sent.json("/messages/0/content/0")).contains("{\"type\":\"text\",\"text\":\"What is this?\"}");
            assertThat(sent.json("/messages/0/content/1/type")).contains("\"image_url\"");
            assertThat(sent.json("/messages/0/content/1/image_url/url"))
                    .contains("\"data:image/png;base64," + Base64.getEncoder().encodeToString(PNG) + "\"");
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void aJsonSchemaGoesAsResponseFormatAndTheAnswerIsChecked(Flavor flavor) {
        String schema = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"required\":[\"name\"]}";
        try (FakeOpenAi server = server(flavor, ScriptedAnswer.of("{\"name\":", "\"Ada\"}"), ScriptedAnswer.of("{\"age\":3}"));
             ModelInstance model = Servers.load(server)) {
            GenerationRequest request = GenerationRequest.builder().user("Who?").responseFormat(ResponseFormat.jsonSchema(schema))
                    .build();

            assertThat(model.generate(request).text()).isEqualTo("{\"name\":\"Ada\"}");
            RecordedRequest sent = server.lastRequest();
            assertThat(sent.json("/response_format/type")).contains("\"json_schema\"");
            assertThat(sent.json("/response_format/json_schema/name")).contains("\"response\"");
            assertThat(sent.json("/response_format/json_schema/schema")).contains(schema);
            // Not every schema fits the OpenAI API's strict subset; this one leaves additionalProperties open.
            assertThat(sent.json("/response_format/json_schema/strict")).contains(flavor == Flavor.OPENAI ? "false" : "true");
            assertThatThrownBy(() -> model.generate(request))
                    .isInstanceOf(io.github.localllm.StructuredOutputException.class).hasMessageContaining("name");
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void outputRetriesShowTheModelWhatWasWrongAndACutAnswerIsNeverASuccess(Flavor flavor) {
        String schema = "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"required\":[\"n\"]}";
        ScriptedAnswer cut = ScriptedAnswer.builder().pieces("{\"n\":").stopReason(StopReason.LENGTH).build();
        try (FakeOpenAi server = server(flavor, ScriptedAnswer.of("{\"n\":\"two\"}"), ScriptedAnswer.of("{\"n\":2}"), cut);
             ModelInstance model = Servers.load(server)) {
            GenerationResult retried = model.generate(GenerationRequest.builder().user("A number as JSON")
                    .responseFormat(ResponseFormat.jsonSchema(schema)).outputRetries(1).build());

            assertThat(retried.text()).isEqualTo("{\"n\":2}");
            List<RecordedRequest> chats = server.requests("/v1/chat/completions");
            assertThat(chats).hasSize(2);
            assertThat(chats.get(1).json("/messages/1/content")).contains("\"{\\\"n\\\":\\\"two\\\"}\"");
            assertThat(chats.get(1).json("/messages/2/role")).contains("\"user\"");
            assertThatThrownBy(() -> model.generate(GenerationRequest.builder().user("A number as JSON")
                    .responseFormat(ResponseFormat.jsonSchema(schema)).build()))
                    .isInstanceOfSatisfying(io.github.localllm.StructuredOutputException.class,
                            e -> assertThat(e.finishReason()).isEqualTo(FinishReason.LENGTH));
        }
    }

    @Test
    void aStrictSchemaIsStrictOnTheOpenAiApi() {
        String schema = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"required\":[\"name\"],"
                + "\"additionalProperties\":false}";
        try (FakeOpenAi server = server(Flavor.OPENAI, ScriptedAnswer.of("{\"name\":\"Ada\"}")); ModelInstance model = Servers.load(server)) {
            model.generate(GenerationRequest.builder().user("Who?").responseFormat(ResponseFormat.jsonSchema(schema)).build());

            assertThat(server.lastRequest().json("/response_format/json_schema/strict")).contains("true");
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void jsonObjectIsAskedTheServersWay(Flavor flavor) {
        try (FakeOpenAi server = server(flavor, ScriptedAnswer.of("{\"ok\":true}")); ModelInstance model = Servers.load(server)) {
            GenerationResult r = model.generate(GenerationRequest.builder().user("JSON please").responseFormat(ResponseFormat.json()).build());

            assertThat(r.text()).isEqualTo("{\"ok\":true}");
            RecordedRequest sent = server.lastRequest();
            assertThat(sent.json("/response_format/type")).contains("\"json_object\"");
            // llama.cpp samples json_object freely unless a schema comes with it (capture 13).
            assertThat(sent.json("/response_format/schema")).isEqualTo(flavor == Flavor.LLAMA_CPP
                    ? java.util.Optional.of("{\"type\":\"object\"}") : java.util.Optional.empty());
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void aGrammarGoesToLlamaCppOnlyAndIsRefusedElsewhereBeforeSending(Flavor flavor) {
        GenerationRequest request = GenerationRequest.builder().user("Yes or no?")
                .responseFormat(ResponseFormat.grammar("root ::= \"yes\" | \"no\"")).build();
        try (FakeOpenAi server = server(flavor, ScriptedAnswer.of("yes")); ModelInstance model = Servers.load(server)) {
            server.clearRequests();
            if (flavor == Flavor.LLAMA_CPP) {
                assertThat(model.generate(request).text()).isEqualTo("yes");
                assertThat(server.lastRequest().json("/grammar")).contains("\"root ::= \\\"yes\\\" | \\\"no\\\"\"");
                assertThat(model.info().capabilities().grammarDialect()).startsWith("llama.cpp");
            } else {
                assertThatThrownBy(() -> model.generate(request)).isInstanceOf(InvalidRequestException.class)
                        .hasMessageContaining("grammar");
                assertThat(server.requests("/v1/chat/completions")).isEmpty();
            }
        }
    }

    @Test
    void thinkFalseReachesTheChatTemplateOfLocalServers() {
        try (FakeOpenAi server = server(Flavor.VLLM, ScriptedAnswer.of("4")); ModelInstance model = Servers.load(server)) {
            model.generate(GenerationRequest.builder().user("2+2?").think(false).build());

            assertThat(server.lastRequest().json("/chat_template_kwargs/enable_thinking")).contains("false");
        }
    }

    @Test
    void llamaCppTimingsGiveTheServersRates() {
        ScriptedAnswer answer = ScriptedAnswer.builder().pieces("a", "b", "c", "d", "e").promptTokens(20)
                .promptEvalDuration(Duration.ofMillis(40)).evalDuration(Duration.ofMillis(100)).build();
        try (FakeOpenAi server = server(Flavor.LLAMA_CPP, answer); ModelInstance model = Servers.load(server)) {
            GenerationResult r = model.generate("Go");

            // 4 tokens after the first in 100 ms, 20 prompt tokens in 40 ms, as the server computes them.
            assertThat(r.metrics().generationTokensPerSecond()).isCloseTo(40.0, org.assertj.core.data.Offset.offset(0.01));
            assertThat(r.metrics().promptTokensPerSecond()).isCloseTo(500.0, org.assertj.core.data.Offset.offset(0.01));
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void aModelAskedNotToStreamGetsWholeAnswersWithTheSameResult(Flavor flavor) {
        ScriptedAnswer answer = ScriptedAnswer.builder().pieces("Whole", " answer").promptTokens(9).build();
        try (FakeOpenAi server = server(flavor, answer, ScriptedAnswer.toolCalls(FakeToolCall.of("get_weather", "{\"city\":\"Oslo\"}")));
             ModelInstance model = Servers.load(Servers.builder(server)
                     .completeAnswers("/v1/chat/completions", AnswerMetrics.llamaCppTimings()).build(), MODEL)) {
            GenerationResult r = model.generate("Go");
            GenerationResult calls = model.generate(GenerationRequest.builder().user("Oslo?").tool(WEATHER).build());

            assertThat(r.text()).isEqualTo("Whole answer");
            assertThat(r.usage().promptTokens()).isEqualTo(9);
            assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(server.requests("/v1/chat/completions").get(0).json("/stream")).contains("false");
            assertThat(server.requests("/v1/chat/completions").get(0).json("/stream_options")).isEmpty();
            assertThat(calls.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
            assertThat(calls.toolCalls()).singleElement().satisfies(c -> {
                assertThat(c.name()).isEqualTo("get_weather");
                assertThat(c.arguments()).isEqualTo("{\"city\":\"Oslo\"}");
            });
            if (flavor == Flavor.LLAMA_CPP) {
                assertThat(r.metrics().generationTokensPerSecond()).isPositive();
            }
        }
    }
}
