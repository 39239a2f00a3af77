package io.github.localllm.backend.ollama;

import io.github.localllm.ChatMessage;
import io.github.localllm.GenerationRequest;
import io.github.localllm.Image;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.ResponseFormat;
import io.github.localllm.Role;
import io.github.localllm.SamplingParameters;
import io.github.localllm.ToolCall;
import io.github.localllm.ToolDefinition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The bodies of {@code /api/generate}, {@code /api/chat} and {@code /api/embed} for one loaded model
 * (api.GenerateRequest, api.ChatRequest, api.EmbedRequest of ollama/ollama v0.33). Every body
 * carries the model's load options and keep-alive, because Ollama reloads a model whose
 * {@code num_ctx}, {@code num_gpu}... differ from the loaded ones, and resets its keep-alive to the
 * server default on a request without one. Every generation sends {@code truncate: false}: servers
 * since v0.12.6 then refuse a prompt longer than the context instead of silently dropping its
 * start or its oldest messages; older servers ignore the key (see {@link AnswerPump}).
 */
final class RequestBodies {
    private final String model;
    private final Map<String, Object> loadOptions;
    private final Object keepAlive;
    private final ObjectMapper mapper;

    /**
     * @param model the name the server knows the model by
     * @param loadOptions the {@code options} keys of the load, sent with every request
     * @param keepAlive the {@code keep_alive} value, or {@code null} to leave the server's default
     */
    RequestBodies(String model, Map<String, Object> loadOptions, Object keepAlive, ObjectMapper mapper) {
        this.model = model;
        this.loadOptions = Collections.unmodifiableMap(new LinkedHashMap<>(loadOptions));
        this.keepAlive = keepAlive;
        this.mapper = mapper;
    }

    /** @return whether the request goes to {@code /api/chat} (a prompt with tools is a one-message chat) */
    static boolean isChat(GenerationRequest request) {
        return request.prompt() == null || !request.tools().isEmpty();
    }

    /** The body that makes the model resident: no input, the load options and keep-alive. */
    Map<String, Object> load(boolean embeddingModel) {
        Map<String, Object> body = start();
        if (embeddingModel) {
            // An embedding model cannot generate; an embed request without input loads it.
            body.put("input", List.of());
        } else {
            body.put("prompt", "");
            body.put("stream", false);
        }
        body.put("options", loadOptions);
        putIf(body, "keep_alive", keepAlive);
        return body;
    }

    /** @return the body that unloads a model: no input, {@code keep_alive: 0} */
    static Map<String, Object> unload(String model) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", model);
        body.put("keep_alive", KeepAlive.UNLOAD);
        return body;
    }

    /**
     * @param request a generation request, already checked against the model's capabilities
     * @return the body for {@code /api/chat} or {@code /api/generate}, as {@link #isChat} says
     */
    Map<String, Object> generation(GenerationRequest request) {
        Map<String, Object> body = start();
        if (isChat(request)) {
            if (request.raw()) {
                throw new InvalidRequestException("tools need the model's chat template, but the request is raw;"
                        + " drop raw(true) or the tools");
            }
            List<ChatMessage> messages = request.prompt() != null ? List.of(ChatMessage.user(request.prompt()))
                    : request.messages();
            body.put("messages", messages(messages));
            if (!request.tools().isEmpty()) {
                body.put("tools", tools(request.tools()));
            }
        } else {
            body.put("prompt", request.prompt());
            if (request.raw()) {
                body.put("raw", true);
            }
        }
        body.put("stream", true);
        putIf(body, "format", format(request.responseFormat()));
        body.put("options", options(request));
        putIf(body, "keep_alive", keepAlive);
        putIf(body, "think", request.think());
        if (request.logprobs() != null) {
            body.put("logprobs", true);
            body.put("top_logprobs", request.logprobs());
        }
        body.put("truncate", false);
        return body;
    }

    /** The body for {@code /api/embed}: unit-length vectors, input never cut short. */
    Map<String, Object> embed(List<String> inputs) {
        Map<String, Object> body = start();
        body.put("input", inputs);
        body.put("truncate", false);
        body.put("options", loadOptions);
        putIf(body, "keep_alive", keepAlive);
        return body;
    }

    /** The body for the legacy {@code /api/embeddings}: one input, the model's vector as it is. */
    Map<String, Object> legacyEmbedding(String input) {
        Map<String, Object> body = start();
        body.put("prompt", input);
        body.put("options", loadOptions);
        putIf(body, "keep_alive", keepAlive);
        return body;
    }

    private Map<String, Object> start() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", model);
        return body;
    }

    /** The load options, then the request's sampling settings under Ollama's names. */
    private Map<String, Object> options(GenerationRequest request) {
        Map<String, Object> o = new LinkedHashMap<>(loadOptions);
        SamplingParameters s = request.sampling();
        putIf(o, "temperature", s.temperature());
        putIf(o, "top_k", s.topK());
        putIf(o, "top_p", s.topP());
        putIf(o, "min_p", s.minP());
        putIf(o, "repeat_penalty", s.repeatPenalty());
        putIf(o, "repeat_last_n", s.repeatLastN());
        putIf(o, "frequency_penalty", s.frequencyPenalty());
        putIf(o, "presence_penalty", s.presencePenalty());
        putIf(o, "seed", s.seed());
        putIf(o, "num_predict", request.maxTokens());
        if (!request.stop().isEmpty()) {
            o.put("stop", request.stop());
        }
        return o;
    }

    private Object format(ResponseFormat format) {
        if (format instanceof ResponseFormat.JsonObject) {
            return "json";
        }
        if (format instanceof ResponseFormat.JsonSchema schema) {
            return json(schema.schema(), "the JSON schema");
        }
        return null;
    }

    private List<Object> messages(List<ChatMessage> messages) {
        // Ollama names the tool a result answers (tool_name); current servers also take the call's id.
        Map<String, String> toolOfCall = new HashMap<>();
        List<Object> out = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("role", m.role().wireName());
            w.put("content", m.content());
            if (!m.thinking().isEmpty()) {
                w.put("thinking", m.thinking());
            }
            if (!m.images().isEmpty()) {
                List<String> images = new ArrayList<>(m.images().size());
                for (Image image : m.images()) {
                    images.add(image.base64());
                }
                w.put("images", images);
            }
            if (!m.toolCalls().isEmpty()) {
                List<Object> calls = new ArrayList<>();
                for (int i = 0; i < m.toolCalls().size(); i++) {
                    ToolCall c = m.toolCalls().get(i);
                    toolOfCall.put(c.id(), c.name());
                    Map<String, Object> function = new LinkedHashMap<>();
                    function.put("index", i);
                    function.put("name", c.name());
                    function.put("arguments", arguments(c));
                    Map<String, Object> call = new LinkedHashMap<>();
                    call.put("id", c.id());
                    call.put("function", function);
                    calls.add(call);
                }
                w.put("tool_calls", calls);
            }
            if (m.role() == Role.TOOL && m.toolCallId() != null) {
                putIf(w, "tool_name", toolOfCall.get(m.toolCallId()));
                w.put("tool_call_id", m.toolCallId());
            }
            out.add(w);
        }
        return out;
    }

    private JsonNode arguments(ToolCall call) {
        JsonNode args = json(call.arguments(), "the arguments of the tool call " + call.id() + " (" + call.name() + ")");
        if (!args.isObject()) {
            throw new InvalidRequestException("the arguments of the tool call " + call.id() + " (" + call.name()
                    + ") are not a JSON object, which Ollama requires: " + call.arguments());
        }
        return args;
    }

    private List<Object> tools(List<ToolDefinition> tools) {
        List<Object> out = new ArrayList<>(tools.size());
        for (ToolDefinition t : tools) {
            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", t.name());
            function.put("description", t.description());
            function.put("parameters", json(t.parameters(), "the parameters of tool " + t.name()));
            Map<String, Object> tool = new LinkedHashMap<>();
            tool.put("type", "function");
            tool.put("function", function);
            out.add(tool);
        }
        return out;
    }

    private JsonNode json(String text, String what) {
        try {
            return mapper.readTree(text);
        } catch (JacksonException e) {
            throw new InvalidRequestException(what + " is not valid JSON (" + e.getOriginalMessage() + "); fix it", e);
        }
    }

    private static void putIf(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
