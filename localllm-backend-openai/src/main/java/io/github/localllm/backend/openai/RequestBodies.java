package io.github.localllm.backend.openai;

import io.github.localllm.ChatMessage;
import io.github.localllm.GenerationRequest;
import io.github.localllm.Image;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.ResponseFormat;
import io.github.localllm.Role;
import io.github.localllm.SamplingParameters;
import io.github.localllm.ToolCall;
import io.github.localllm.ToolDefinition;
import io.github.localllm.schema.GbnfValidator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a {@link GenerationRequest} as the body of {@code POST /v1/chat/completions}, or of
 * {@code POST /v1/completions} for a raw prompt, in the fields the server takes: the OpenAI API
 * refuses fields it does not know, vLLM names the repeat penalty {@code repetition_penalty}, only
 * llama.cpp takes a GBNF {@code grammar}. What a server cannot take is refused here, naming it,
 * before anything is sent.
 */
final class RequestBodies {
    /** The name the OpenAI API requires for a {@code json_schema} response format. */
    private static final String SCHEMA_NAME = "response";
    private static final String ANY_OBJECT = "{\"type\":\"object\"}";
    /** The legacy {@code /v1/completions} of the OpenAI API reports at most this many alternatives per token. */
    private static final int LEGACY_MAX_ALTERNATIVES = 5;
    /** The llama.cpp build whose grammar parser {@link GbnfValidator#validate(String)} follows. */
    static final String GRAMMAR_DIALECT = "llama.cpp b4916";
    /**
     * The newest dialect: b4916's with token terminals ({@code <[id]>}, {@code !<[id]>}, {@code <text>}),
     * as llama-server b10470 parses it (checked against that server). Older builds since b4916 may take
     * token terminals too; they are allowed from the build they were verified on.
     */
    static final String TOKEN_GRAMMAR_DIALECT = "llama.cpp b10470";
    /** The build of {@link #TOKEN_GRAMMAR_DIALECT}. */
    static final int TOKEN_GRAMMAR_BUILD = 10470;

    private final ObjectMapper mapper;
    private final ServerDialect dialect;
    private final String grammarDialect;

    RequestBodies(ObjectMapper mapper, ServerDialect dialect) {
        this(mapper, dialect, GRAMMAR_DIALECT);
    }

    /** @param grammarDialect {@link #GRAMMAR_DIALECT} or {@link #TOKEN_GRAMMAR_DIALECT}: what grammars are checked against */
    RequestBodies(ObjectMapper mapper, ServerDialect dialect, String grammarDialect) {
        this.mapper = mapper;
        this.dialect = dialect;
        this.grammarDialect = grammarDialect;
    }

    /**
     * @param build a llama.cpp build number such as 10470, or a non-positive number when not known
     * @return the grammar dialect of that build
     */
    static String grammarDialect(int build) {
        return build >= TOKEN_GRAMMAR_BUILD ? TOKEN_GRAMMAR_DIALECT : GRAMMAR_DIALECT;
    }

    /** @return whether the request goes to {@code /v1/completions}: a raw prompt, outside any chat template */
    static boolean isCompletion(GenerationRequest request) {
        return request.prompt() != null && request.raw();
    }

    /**
     * @param request what to generate
     * @param model the model's id on the server
     * @param stream whether the answer is to be streamed
     * @return the body
     * @throws InvalidRequestException if the server cannot take part of the request
     */
    ObjectNode body(GenerationRequest request, String model, boolean stream) {
        ObjectNode body = mapper.createObjectNode();
        body.put("model", model);
        boolean completion = isCompletion(request);
        if (completion) {
            if (!request.tools().isEmpty()) {
                throw new InvalidRequestException("tools need a conversation, but a raw prompt goes to /v1/completions,"
                        + " which has none; send the prompt as a user message (raw(false)) to offer tools");
            }
            body.put("prompt", request.prompt());
        } else {
            ArrayNode messages = body.putArray("messages");
            if (request.prompt() != null) {
                messages.add(message(ChatMessage.user(request.prompt())));
            }
            request.messages().forEach(m -> messages.add(message(m)));
        }
        body.put("stream", stream);
        if (stream) {
            body.putObject("stream_options").put("include_usage", true);
        }
        sampling(request.sampling(), body);
        if (!request.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            request.stop().forEach(stop::add);
        }
        if (request.maxTokens() != null) {
            body.put(completion ? "max_tokens" : dialect.maxTokensField(), request.maxTokens());
        }
        format(request.responseFormat(), completion, body);
        if (request.logprobs() != null) {
            logprobs(request.logprobs(), completion, body);
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            request.tools().forEach(t -> tools.add(tool(t)));
        }
        if (Boolean.FALSE.equals(request.think()) && dialect.takesTemplateArguments() && !completion) {
            // Qwen3-style templates read enable_thinking; the others ignore it.
            body.putObject("chat_template_kwargs").put("enable_thinking", false);
        }
        return body;
    }

    /**
     * Chat takes {@code logprobs: true} and {@code top_logprobs}; completions the legacy {@code logprobs:
     * N}, at most 5 on the OpenAI API. llama.cpp reports nothing for 0 alternatives, so it is asked for one
     * and the reader drops it.
     */
    private void logprobs(int alternatives, boolean completion, ObjectNode body) {
        int asked = dialect == ServerDialect.LLAMA_CPP ? Math.max(1, alternatives) : alternatives;
        if (!completion) {
            body.put("logprobs", true);
            body.put("top_logprobs", asked);
            return;
        }
        if (dialect == ServerDialect.OPENAI && alternatives > LEGACY_MAX_ALTERNATIVES) {
            throw new InvalidRequestException("the OpenAI API gives at most " + LEGACY_MAX_ALTERNATIVES
                    + " alternatives per token for a raw prompt (/v1/completions), but " + alternatives
                    + " were asked for; ask for fewer, or send the prompt as a chat message (raw(false)) for up to 20");
        }
        body.put("logprobs", asked);
    }

    private ObjectNode message(ChatMessage m) {
        ObjectNode out = mapper.createObjectNode();
        out.put("role", m.role().wireName());
        if (!m.images().isEmpty()) {
            ArrayNode parts = out.putArray("content");
            if (!m.content().isEmpty()) {
                parts.addObject().put("type", "text").put("text", m.content());
            }
            for (Image image : m.images()) {
                parts.addObject().put("type", "image_url").putObject("image_url").put("url", image.dataUrl());
            }
            return out;
        }
        if (m.role() == Role.ASSISTANT && !m.toolCalls().isEmpty()) {
            // The OpenAI API takes null, not "", beside tool calls.
            if (m.content().isEmpty()) {
                out.putNull("content");
            } else {
                out.put("content", m.content());
            }
            ArrayNode calls = out.putArray("tool_calls");
            for (ToolCall call : m.toolCalls()) {
                ObjectNode c = calls.addObject().put("id", call.id()).put("type", "function");
                c.putObject("function").put("name", call.name()).put("arguments", call.arguments());
            }
        } else {
            out.put("content", m.content());
        }
        if (m.role() == Role.ASSISTANT && !m.thinking().isEmpty() && dialect.takesReasoningInHistory()) {
            out.put("reasoning_content", m.thinking());
        }
        if (m.role() == Role.TOOL) {
            if (m.toolCallId() == null) {
                throw new InvalidRequestException("a tool message needs the id of the call it answers, which "
                        + dialect.displayName() + " requires; build it with ChatMessage.toolResult(call.id(), output)");
            }
            out.put("tool_call_id", m.toolCallId());
        }
        return out;
    }

    private void sampling(SamplingParameters s, ObjectNode body) {
        if (s.temperature() != null) {
            body.put("temperature", s.temperature());
        }
        if (s.topP() != null) {
            body.put("top_p", s.topP());
        }
        if (s.seed() != null) {
            body.put("seed", s.seed());
        }
        if (s.frequencyPenalty() != null) {
            body.put("frequency_penalty", s.frequencyPenalty());
        }
        if (s.presencePenalty() != null) {
            body.put("presence_penalty", s.presencePenalty());
        }
        if (s.topK() != null) {
            body.put(local("topK", "top_k"), s.topK());
        }
        if (s.minP() != null) {
            body.put(local("minP", "min_p"), s.minP());
        }
        if (s.repeatPenalty() != null) {
            body.put(dialect == ServerDialect.VLLM ? "repetition_penalty" : local("repeatPenalty", "repeat_penalty"),
                    s.repeatPenalty());
        }
        if (s.repeatLastN() != null) {
            if (dialect == ServerDialect.VLLM) {
                throw new InvalidRequestException("vLLM has no window for its repetition penalty (repeat_last_n);"
                        + " remove repeatLastN from the sampling parameters");
            }
            body.put(local("repeatLastN", "repeat_last_n"), s.repeatLastN());
        }
    }

    /** @return {@code field}, which local servers take and the OpenAI API refuses */
    private String local(String parameter, String field) {
        if (dialect == ServerDialect.OPENAI) {
            throw new InvalidRequestException("the OpenAI API has no " + field + "; remove " + parameter
                    + " from the sampling parameters, or send the request to a local server, which takes it");
        }
        return field;
    }

    private void format(ResponseFormat format, boolean completion, ObjectNode body) {
        if (format instanceof ResponseFormat.Grammar grammar) {
            if (dialect != ServerDialect.LLAMA_CPP) {
                throw new InvalidRequestException(dialect.displayName() + " takes no GBNF grammar; use a JSON schema"
                        + " (ResponseFormat.jsonSchema) or a llama.cpp server");
            }
            try {
                // llama.cpp reads the grammar only once the request has reached it; say what is wrong first.
                GbnfValidator.validate(grammar.gbnf(), grammarDialect.equals(TOKEN_GRAMMAR_DIALECT));
            } catch (GbnfValidator.GbnfException e) {
                throw new InvalidRequestException("invalid GBNF grammar at line " + e.line() + ", column " + e.column()
                        + ": " + e.problem() + " (checked against llama.cpp's grammar parser as of " + grammarDialect
                        + ", whose grammars every newer llama-server reads)", e);
            }
            body.put("grammar", grammar.gbnf());
            return;
        }
        String schema = format instanceof ResponseFormat.JsonSchema s ? s.schema()
                : format instanceof ResponseFormat.JsonObject ? ANY_OBJECT : null;
        if (schema == null) {
            return;
        }
        if (completion) {
            // /v1/completions has no response_format; llama.cpp alone samples it under its own json_schema field.
            if (dialect != ServerDialect.LLAMA_CPP) {
                throw new InvalidRequestException(dialect.displayName() + " cannot shape the answer to a raw prompt as"
                        + " JSON; send the prompt as a user message (raw(false)) to ask for JSON");
            }
            body.set("json_schema", parse(schema));
            return;
        }
        ObjectNode out = body.putObject("response_format");
        if (format instanceof ResponseFormat.JsonObject && dialect != ServerDialect.LM_STUDIO) {
            out.put("type", "json_object");
            if (dialect == ServerDialect.LLAMA_CPP) {
                // llama.cpp samples json_object freely (capture 13) unless a schema comes with it.
                out.set("schema", parse(ANY_OBJECT));
            }
            return;
        }
        // LM Studio refuses json_object: it gets the schema of any object instead.
        JsonNode parsed = parse(schema);
        out.put("type", "json_schema");
        ObjectNode wrapper = out.putObject("json_schema");
        wrapper.put("name", SCHEMA_NAME);
        wrapper.set("schema", parsed);
        // The OpenAI API refuses a strict schema outside its subset: ask for strictness only where it holds.
        wrapper.put("strict", dialect != ServerDialect.OPENAI || StrictSchemas.qualifies(parsed));
    }

    private ObjectNode tool(ToolDefinition t) {
        ObjectNode tool = mapper.createObjectNode().put("type", "function");
        ObjectNode function = tool.putObject("function").put("name", t.name());
        if (!t.description().isEmpty()) {
            function.put("description", t.description());
        }
        function.set("parameters", parse(t.parameters()));
        return tool;
    }

    /** Parses JSON the API already checked when the request was built. */
    private JsonNode parse(String json) {
        return mapper.readTree(json);
    }
}
