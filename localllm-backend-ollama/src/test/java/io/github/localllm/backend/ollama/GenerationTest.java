package io.github.localllm.backend.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.ChatMessage;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.FinishReason;
import io.github.localllm.GenerationChunk;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.Image;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ResponseFormat;
import io.github.localllm.SamplingParameters;
import io.github.localllm.ToolCall;
import io.github.localllm.ToolDefinition;
import io.github.localllm.testkit.FakeModel;
import io.github.localllm.testkit.FakeOllama;
import io.github.localllm.testkit.FakeToolCall;
import io.github.localllm.testkit.RecordedRequest;
import io.github.localllm.testkit.ScriptedAnswer;
import io.github.localllm.testkit.StopReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GenerationTest {
    private static final Image PNG = Image.of(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13});
    private static final ToolDefinition WEATHER = ToolDefinition.of("get_weather", "The weather in a city",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

    @AfterEach
    void noReaderLeftBehind() {
        Threads.assertNoneLeftBehind();
    }

    @Test
    void aPromptStreamsItsTextAndTheFinalCountersBecomeUsageAndMetrics() {
        ScriptedAnswer answer = ScriptedAnswer.builder().pieces("The", " sky", " is", " blue").promptTokens(26)
                .totalDuration(Duration.ofMillis(900)).loadDuration(Duration.ofMillis(100))
                .promptEvalDuration(Duration.ofMillis(200)).evalDuration(Duration.ofMillis(400)).build();
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(answer).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            List<String> texts = new ArrayList<>();
            GenerationResult result;
            try (GenerationStream stream = model.stream(GenerationRequest.of("Why is the sky blue?"))) {
                stream.forEach(c -> texts.add(c.text()));
                result = stream.result();
            }

            assertThat(texts).containsExactly("The", " sky", " is", " blue");
            assertThat(result.text()).isEqualTo("The sky is blue");
            assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(result.usage().promptTokens()).isEqualTo(26);
            assertThat(result.usage().completionTokens()).isEqualTo(4);
            assertThat(result.metrics().totalTime()).isEqualTo(Duration.ofMillis(900));
            // Before generation began: everything but the 400 ms of evaluation.
            assertThat(result.metrics().timeToFirstToken()).isEqualTo(Duration.ofMillis(500));
            assertThat(result.metrics().promptTokensPerSecond()).isCloseTo(130.0, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(result.metrics().generationTokensPerSecond()).isCloseTo(10.0, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(result.metrics().loadTime()).isEqualTo(model.info().loadTime());
            assertThat(result.model()).isEqualTo("llama3.2");

            RecordedRequest sent = ollama.requests("/api/generate").get(1);
            assertThat(sent.json("/prompt")).contains("\"Why is the sky blue?\"");
            assertThat(sent.json("/stream")).contains("true");
            assertThat(sent.json("/truncate")).contains("false");
            assertThat(sent.json("/raw")).isEmpty();
            assertThat(sent.json("/think")).isEmpty();
            assertThat(sent.json("/format")).isEmpty();
        }
    }

    @Test
    void generateGivesTheSameResultAsTheJoinedStream() throws Exception {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer("Hello", ",", " world").start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            GenerationResult whole = model.generate(GenerationRequest.of("Hi"));
            GenerationResult async = model.generateAsync(GenerationRequest.of("Hi")).get();

            assertThat(whole.text()).isEqualTo("Hello, world");
            assertThat(async.text()).isEqualTo("Hello, world");
            assertThat(whole.usage()).isEqualTo(async.usage());
            assertThat(whole.finishReason()).isEqualTo(FinishReason.STOP);
        }
    }

    @Test
    void aRawPromptIsSentRawAndTheLengthLimitIsLength() {
        ScriptedAnswer cut = ScriptedAnswer.builder().pieces("one", " two").stopReason(StopReason.LENGTH).build();
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(cut).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            GenerationResult r = model.generate(GenerationRequest.builder().prompt("[INST] count [/INST]").raw(true)
                    .maxTokens(2).build());

            assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
            RecordedRequest sent = ollama.lastRequest();
            assertThat(sent.path()).isEqualTo("/api/generate");
            assertThat(sent.json("/raw")).contains("true");
            assertThat(sent.json("/options/num_predict")).contains("2");
        }
    }

    @Test
    void everySamplingSettingAndLoadOptionTravelsUnderOllamasNames() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").start();
             OllamaBackend engine = Engines.engine(ollama)) {
            OllamaOptions ollamaOptions = OllamaOptions.builder().numKeep(8).numBatch(256).mainGpu(0).useMmap(false)
                    .typicalP(0.9).draftNumPredict(4).extraOption("numa", true).build();
            LoadOptions load = LoadOptions.builder().contextSize(2048).gpuLayers(-1).threads(4)
                    .keepAlive(Duration.ofMinutes(10)).engineOptions(ollamaOptions).build();
            try (ModelInstance model = Engines.load(engine, "llama3.2", load)) {
                model.generate(GenerationRequest.builder().user("Hi").sampling(SamplingParameters.builder()
                        .temperature(0.2).topK(30).topP(0.8).minP(0.05).repeatPenalty(1.1).repeatLastN(32)
                        .frequencyPenalty(0.5).presencePenalty(0.25).seed(42L).build()).stop("\n\n", "User:")
                        .maxTokens(64).build());
            }

            RecordedRequest loadCall = ollama.requests("/api/generate").get(0);
            assertThat(loadCall.json("/prompt")).contains("\"\"");
            assertThat(loadCall.json("/keep_alive")).contains("600");
            assertThat(loadCall.json("/options")).contains("{\"num_ctx\":2048,\"num_gpu\":999,"
                    + "\"num_thread\":4,\"numa\":true,\"num_keep\":8,\"num_batch\":256,\"main_gpu\":0,\"use_mmap\":false,"
                    + "\"typical_p\":0.9,\"draft_num_predict\":4}");
            RecordedRequest chat = ollama.requests("/api/chat").get(0);
            assertThat(chat.json("/keep_alive")).contains("600");
            assertThat(chat.json("/options")).contains("{\"num_ctx\":2048,\"num_gpu\":999,"
                    + "\"num_thread\":4,\"numa\":true,\"num_keep\":8,\"num_batch\":256,\"main_gpu\":0,\"use_mmap\":false,"
                    + "\"typical_p\":0.9,\"draft_num_predict\":4,\"temperature\":0.2,\"top_k\":30,\"top_p\":0.8,"
                    + "\"min_p\":0.05,\"repeat_penalty\":1.1,\"repeat_last_n\":32,\"frequency_penalty\":0.5,"
                    + "\"presence_penalty\":0.25,\"seed\":42,\"num_predict\":64,\"stop\":[\"\\n\\n\",\"User:\"]}");
        }
    }

    @Test
    void aChatCarriesImagesToolCallsAndToolResultsAsTheCurrentApiDocumentsThem() {
        FakeModel vision = FakeModel.builder("llava").capabilities("completion", "tools", "vision").build();
        ToolCall call = new ToolCall("call_0", "get_weather", "{\"city\":\"Tokyo\"}");
        try (FakeOllama ollama = FakeOllama.builder().model(vision).answer("Sunny in Tokyo.").start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llava")) {
            GenerationResult r = model.generate(GenerationRequest.builder()
                    .system("Be brief.")
                    .message(ChatMessage.user("What is in this picture, and the weather?", PNG))
                    .message(ChatMessage.assistant("", List.of(call)))
                    .message(ChatMessage.toolResult("call_0", "{\"sky\":\"sunny\"}"))
                    .tool(WEATHER).build());

            assertThat(r.text()).isEqualTo("Sunny in Tokyo.");
            RecordedRequest sent = ollama.lastRequest();
            assertThat(sent.path()).isEqualTo("/api/chat");
            assertThat(sent.json("/messages/0")).contains("{\"role\":\"system\",\"content\":\"Be brief.\"}");
            assertThat(sent.json("/messages/1/images/0")).contains("\"" + PNG.base64() + "\"");
            assertThat(sent.json("/messages/2")).contains("{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":"
                    + "[{\"id\":\"call_0\",\"function\":{\"index\":0,\"name\":\"get_weather\",\"arguments\":"
                    + "{\"city\":\"Tokyo\"}}}]}");
            assertThat(sent.json("/messages/3")).contains("{\"role\":\"tool\",\"content\":\"{\\\"sky\\\":\\\"sunny\\\"}\","
                    + "\"tool_name\":\"get_weather\",\"tool_call_id\":\"call_0\"}");
            assertThat(sent.json("/tools/0")).contains("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                    + "\"description\":\"The weather in a city\",\"parameters\":{\"type\":\"object\",\"properties\":"
                    + "{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}");
        }
    }

    @Test
    void toolCallsArriveWholeWithTheServersIds() {
        ScriptedAnswer calls = ScriptedAnswer.builder()
                .toolCall(FakeToolCall.of("get_weather", "{\"city\":\"Tokyo\"}").withId("call_k3x9q2ab"))
                .toolCall(FakeToolCall.of("get_weather", "{\"city\":\"Paris\"}").withId("call_p4r1s000")).build();
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(calls).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            List<GenerationChunk> chunks = new ArrayList<>();
            GenerationResult r;
            try (GenerationStream s = model.stream(GenerationRequest.builder().user("Weather?").tool(WEATHER).build())) {
                s.forEach(chunks::add);
                r = s.result();
            }

            assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
            assertThat(r.toolCalls()).containsExactly(new ToolCall("call_k3x9q2ab", "get_weather", "{\"city\":\"Tokyo\"}"),
                    new ToolCall("call_p4r1s000", "get_weather", "{\"city\":\"Paris\"}"));
            assertThat(chunks).extracting(c -> c.toolCall().position()).containsExactly(0, 1);
        }
    }

    @Test
    void aPromptWithToolsGoesToChatAsOneUserMessage() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer("ok").start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            model.generate(GenerationRequest.builder().prompt("Weather in Oslo?").tool(WEATHER).build());

            RecordedRequest sent = ollama.lastRequest();
            assertThat(sent.path()).isEqualTo("/api/chat");
            assertThat(sent.json("/messages")).contains("[{\"role\":\"user\",\"content\":\"Weather in Oslo?\"}]");
        }
    }

    @Test
    void aThinkingModelsReasoningComesAsThinkingChunksBeforeTheAnswer() {
        FakeModel qwen3 = FakeModel.builder("qwen3").capabilities("completion", "tools", "thinking").build();
        ScriptedAnswer answer = ScriptedAnswer.builder().thinking("Let me", " count.").pieces("There are", " 3.").build();
        try (FakeOllama ollama = FakeOllama.builder().model(qwen3).answer(answer).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "qwen3")) {
            List<GenerationChunk> chunks = new ArrayList<>();
            GenerationResult r;
            try (GenerationStream s = model.stream(GenerationRequest.builder().user("How many r in strawberry?")
                    .think(true).build())) {
                s.forEach(chunks::add);
                r = s.result();
            }
            GenerationResult quiet = model.generate(GenerationRequest.builder().user("Again").think(false).build());
            GenerationResult prompt = model.generate(GenerationRequest.of("And as a prompt?"));

            assertThat(chunks).extracting(GenerationChunk::thinking).containsExactly("Let me", " count.", "", "");
            assertThat(chunks).extracting(GenerationChunk::text).containsExactly("", "", "There are", " 3.");
            assertThat(r.thinking()).isEqualTo("Let me count.");
            assertThat(r.text()).isEqualTo("There are 3.");
            assertThat(quiet.thinking()).isEmpty();
            assertThat(quiet.text()).isEqualTo("There are 3.");
            assertThat(prompt.thinking()).isEqualTo("Let me count.");
            List<RecordedRequest> chats = ollama.requests("/api/chat");
            assertThat(chats.get(0).json("/think")).contains("true");
            assertThat(chats.get(1).json("/think")).contains("false");
            assertThat(model.info().capabilities().thinking()).isTrue();
        }
    }

    @Test
    void whatTheModelCannotDoIsRefusedBeforeAnythingIsSent() {
        FakeModel plain = FakeModel.builder("gemma:2b").capabilities("completion").build();
        try (FakeOllama ollama = FakeOllama.builder().model(plain).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "gemma:2b")) {
            ollama.clearRequests();

            assertThatThrownBy(() -> model.generate(GenerationRequest.builder().user("Hi").think(true).build()))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("thinking");
            assertThatThrownBy(() -> model.generate(GenerationRequest.builder().user("Hi").tool(WEATHER).build()))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("tools");
            assertThatThrownBy(() -> model.generate(GenerationRequest.builder().message(ChatMessage.user("See", PNG))
                    .build())).isInstanceOf(InvalidRequestException.class).hasMessageContaining("images");
            assertThatThrownBy(() -> model.generate(GenerationRequest.builder().user("Hi")
                    .responseFormat(ResponseFormat.grammar("root ::= \"a\"")).build()))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("grammar")
                    .hasMessageContaining("JSON schema");
            assertThat(ollama.requests()).isEmpty();
        }
    }

    @Test
    void jsonAndJsonSchemaAnswersAreAskedForWithFormat() {
        String schema = "{\"type\":\"object\",\"properties\":{\"age\":{\"type\":\"integer\"}},\"required\":[\"age\"]}";
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer("{\"age\":22}").start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            model.generate(GenerationRequest.builder().user("Age?").responseFormat(ResponseFormat.json()).build());
            model.generate(GenerationRequest.builder().prompt("Age?").responseFormat(ResponseFormat.jsonSchema(schema))
                    .build());

            assertThat(ollama.requests("/api/chat").get(0).json("/format")).contains("\"json\"");
            assertThat(ollama.requests("/api/generate").get(1).json("/format")).contains(schema);
        }
    }

    @Test
    void closingAStreamMidwayStopsTheAnswerAndItsReader() {
        String[] pieces = new String[200];
        java.util.Arrays.fill(pieces, "x");
        ScriptedAnswer slow = ScriptedAnswer.builder().pieces(pieces).pieceInterval(Duration.ofMillis(20)).build();
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(slow).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            GenerationStream stream = model.stream(GenerationRequest.of("Count"));
            Iterator<GenerationChunk> it = stream.iterator();
            it.next();
            it.next();
            stream.close();

            assertThat(stream.result().finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(stream.result().text()).startsWith("xx");
            Threads.assertNoneLeftBehind();
            // The engine stays usable after a cancelled answer.
            ollama.clearRequests();
        }
    }

    @Test
    void closingTheModelCancelsItsRunningAnswersAndLeavesOtherInstancesServing() {
        String[] pieces = new String[100];
        java.util.Arrays.fill(pieces, "y");
        ScriptedAnswer slow = ScriptedAnswer.builder().pieces(pieces).pieceInterval(Duration.ofMillis(20)).build();
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").answer(slow).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance other = Engines.load(engine, "llama3.2")) {
            ModelInstance model = Engines.load(engine, "llama3.2");
            GenerationStream first = model.stream(GenerationRequest.of("Count"));
            GenerationStream second = model.stream(GenerationRequest.of("Count again"));
            first.iterator().next();

            model.close();

            assertThat(first.result().finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(second.result().finishReason()).isEqualTo(FinishReason.CANCELLED);
            Threads.assertNoneLeftBehind();
            ollama.clearFaults();
            assertThat(other.generate(GenerationRequest.builder().prompt("Hi").maxTokens(5).build()).text())
                    .startsWith("yyy");
        }
    }

    @Test
    void embeddingsComeFromEmbedAndUnscaledOnesFromTheLegacyRoute() {
        try (FakeOllama ollama = FakeOllama.builder().model(FakeModel.embedding("all-minilm"))
                .embedding(0.6f, 0.8f).embedding(3f, 4f).start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "all-minilm")) {
            EmbeddingResult unit = model.embed(EmbeddingRequest.of("one two", "three"));
            EmbeddingResult raw = model.embed(new EmbeddingRequest(List.of("four"), false));

            assertThat(unit.embeddings()).hasSize(2);
            assertThat(unit.first().vector()).containsExactly(0.6f, 0.8f);
            assertThat(unit.promptTokens()).isEqualTo(3);
            assertThat(raw.first().vector()).containsExactly(0.6f, 0.8f);
            assertThat(ollama.requests("/api/embed").get(0).json("/input")).contains("[]");
            RecordedRequest embed = ollama.requests("/api/embed").get(1);
            assertThat(embed.json("/input")).contains("[\"one two\",\"three\"]");
            assertThat(embed.json("/truncate")).contains("false");
            assertThat(ollama.requests("/api/embeddings").get(0).json("/prompt")).contains("\"four\"");
            assertThat(ollama.requests("/api/generate")).isEmpty();
            assertThat(model.info().capabilities().embeddings()).isTrue();
            assertThatThrownBy(() -> model.generate(GenerationRequest.of("Hi")))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("embedding model");
        }
    }

    @Test
    void aModelThatDoesNotEmbedIsRefusedBeforeAnythingIsSent() {
        try (FakeOllama ollama = FakeOllama.builder().model("llama3.2").start();
             OllamaBackend engine = Engines.engine(ollama);
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            ollama.clearRequests();

            assertThat(model.info().capabilities().embeddings()).isFalse();
            assertThatThrownBy(() -> model.embed(EmbeddingRequest.of("text"))).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("does not embed").hasMessageContaining("[completion, tools]");
            assertThat(ollama.requests()).isEmpty();
        }
    }

    @Test
    void toolCallsWithoutIdsFromOlderServersAreNumberedFromZero() throws Exception {
        // docs/api.md "Chat request (Streaming with tools)": the documented lines have no id and no index.
        String chat = "{\"model\":\"llama3.2\",\"created_at\":\"2025-07-07T20:22:19.184789Z\",\"message\":{\"role\":"
                + "\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"get_weather\",\"arguments\":"
                + "{\"city\":\"Tokyo\"}}},{\"function\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}}]},"
                + "\"done\":false}\n{\"model\":\"llama3.2\",\"created_at\":\"2025-07-07T20:22:19.19314Z\",\"message\":"
                + "{\"role\":\"assistant\",\"content\":\"\"},\"done_reason\":\"stop\",\"done\":true,\"total_duration\":"
                + "182242375,\"eval_count\":15,\"eval_duration\":115959084}\n";
        try (StubServer old = new StubServer(line -> line.startsWith("POST /api/chat")
                ? StubServer.http(200, "application/x-ndjson", chat) : OldOllama.answer(line));
             OllamaBackend engine = new OllamaBackendProvider(n -> null).create(Engines.config("ollama.url",
                     old.uri().toString(), "ollama.retries", "1"));
             ModelInstance model = Engines.load(engine, "llama3.2")) {
            GenerationResult r = model.generate(GenerationRequest.builder().user("Weather?").tool(WEATHER).build());

            assertThat(r.toolCalls()).extracting(ToolCall::id).containsExactly("call_0", "call_1");
            assertThat(r.toolCalls()).extracting(ToolCall::arguments)
                    .containsExactly("{\"city\":\"Tokyo\"}", "{\"city\":\"Paris\"}");
            assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
            assertThat(r.usage().completionTokens()).isEqualTo(15);
        }
    }
}
