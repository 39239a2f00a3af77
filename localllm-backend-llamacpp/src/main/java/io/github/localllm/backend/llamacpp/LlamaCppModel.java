package io.github.localllm.backend.llamacpp;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import io.github.localllm.ChatMessage;
import io.github.localllm.ContextOverflowException;
import io.github.localllm.Embedding;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelInfo;
import io.github.localllm.ModelInstance;
import io.github.localllm.ResponseFormat;
import io.github.localllm.SamplingParameters;
import io.github.localllm.Tokenizer;
import io.github.localllm.schema.CompiledSchema;
import io.github.localllm.schema.GbnfValidator;
import io.github.localllm.schema.StructuredOutput;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A GGUF model loaded in llama.cpp. Generation runs in the binding's server loop,
 * which interleaves up to {@code parallel} requests; more wait for a free slot.
 */
final class LlamaCppModel implements ModelInstance, Tokenizer {
    private static final Logger LOG = LoggerFactory.getLogger(LlamaCppModel.class);
    private static final long CLOSE_WAIT_MILLIS = 10_000;
    /**
     * Schemas whose grammar passed the b4916 parser check, so the check runs once per schema, not per
     * request. Weak keys: a schema that drops out of CompiledSchema's cache drops out of here too.
     */
    private static final Map<CompiledSchema, Boolean> CHECKED_GRAMMARS =
            Collections.synchronizedMap(new WeakHashMap<>());

    private final ModelFacts facts;
    private final ModelInfo info;
    private final NativeModels.NativeModel handle;
    private final LlamaModel engine;
    private final int slotContext;
    private final Set<LlamaCppStream> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    /** How b4916 treats this model's chat template; set once by the backend right after loading. */
    private volatile TemplateSupport templateSupport = TemplateSupport.UNCHECKED;

    LlamaCppModel(ModelFacts facts, ModelInfo info, NativeModels.NativeModel handle) {
        this.facts = facts;
        this.info = info;
        this.handle = handle;
        this.engine = handle.engine();
        this.slotContext = info.options().contextSize();
    }

    void templateSupport(TemplateSupport support) {
        this.templateSupport = support;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public Optional<Tokenizer> tokenizer() {
        return Optional.of(this);
    }

    @Override
    public GenerationResult generate(GenerationRequest request) {
        try (GenerationStream stream = stream(request)) {
            return stream.result();
        }
    }

    @Override
    public GenerationStream stream(GenerationRequest request) {
        long start = System.nanoTime();
        ensureOpen();
        EngineLimits.checkRequest(request, info.name());
        String prompt = prompt(request);
        int promptTokens = countPromptTokens(prompt);
        if (promptTokens >= slotContext) {
            throw new ContextOverflowException(promptTokens, slotContext);
        }
        int room = slotContext - promptTokens;
        int limit = request.maxTokens() == null ? room : Math.min(request.maxTokens(), room);
        InferenceParameters params = new InferenceParameters(prompt).setNPredict(limit).setCachePrompt(true);
        applySampling(params, request.sampling());
        Optional<CompiledSchema> schema = StructuredOutput.schemaOf(request);
        grammar(request.responseFormat(), schema).ifPresent(params::setGrammar);
        LlamaIterator natives;
        try {
            natives = engine.generate(params).iterator();
        } catch (RuntimeException e) {
            throw NativeFailures.duringGeneration(e);
        }
        LlamaCppStream stream = new LlamaCppStream(this, natives, new StopSequenceFilter(request.stop()),
                schema.isPresent(), promptTokens, limit, start, request.timeout());
        running.add(stream);
        if (closed) {
            stream.close();
        }
        return stream;
    }

    void streamEnded(LlamaCppStream stream) {
        running.remove(stream);
        synchronized (running) {
            running.notifyAll();
        }
    }

    private boolean awaitStreamsEnded() {
        long deadline = System.nanoTime() + CLOSE_WAIT_MILLIS * 1_000_000L;
        synchronized (running) {
            while (!running.isEmpty()) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return false;
                }
                try {
                    running.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private String prompt(GenerationRequest request) {
        if (request.prompt() != null) {
            if (request.raw() || !facts.hasChatTemplate()) {
                return request.prompt();
            }
            return applyTemplate(List.of(ChatMessage.user(request.prompt())));
        }
        return applyTemplate(request.messages());
    }

    private String applyTemplate(List<ChatMessage> messages) {
        templateSupport.checkConversation(messages, info.name());
        StringBuilder json = new StringBuilder("{\"messages\":[");
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            json.append(i == 0 ? "" : ",").append("{\"role\":").append(JsonText.quote(m.role().wireName()))
                    .append(",\"content\":").append(JsonText.quote(m.content())).append('}');
        }
        json.append("]}");
        try {
            return engine.applyTemplate(json.toString());
        } catch (RuntimeException e) {
            throw new InvalidRequestException("the model's chat template rejected the conversation: "
                    + NativeFailures.describe(e) + "; check the order of roles the model expects", e);
        }
    }

    private int countPromptTokens(String prompt) {
        return tokenize(prompt).length + (facts.addBos() ? 1 : 0);
    }

    private static void applySampling(InferenceParameters p, SamplingParameters s) {
        if (s.temperature() != null) {
            p.setTemperature(s.temperature().floatValue());
        }
        if (s.topK() != null) {
            p.setTopK(s.topK());
        }
        if (s.topP() != null) {
            p.setTopP(s.topP().floatValue());
        }
        if (s.minP() != null) {
            p.setMinP(s.minP().floatValue());
        }
        if (s.repeatPenalty() != null) {
            p.setRepeatPenalty(s.repeatPenalty().floatValue());
        }
        if (s.repeatLastN() != null) {
            p.setRepeatLastN(s.repeatLastN());
        }
        if (s.frequencyPenalty() != null) {
            p.setFrequencyPenalty(s.frequencyPenalty().floatValue());
        }
        if (s.presencePenalty() != null) {
            p.setPresencePenalty(s.presencePenalty().floatValue());
        }
        if (s.seed() != null) {
            // llama.cpp takes a 32-bit seed; keep the low bits so distinct seeds stay distinct.
            p.setSeed((int) (s.seed() & 0x7fffffffL));
        }
    }

    private static Optional<String> grammar(ResponseFormat format, Optional<CompiledSchema> schema) {
        if (format instanceof ResponseFormat.Grammar) {
            String gbnf = ((ResponseFormat.Grammar) format).gbnf();
            GbnfValidator.checkRequest(gbnf);
            return Optional.of(gbnf);
        }
        if (schema.isEmpty()) {
            return Optional.empty();
        }
        CompiledSchema compiled = schema.get();
        if (!CHECKED_GRAMMARS.containsKey(compiled)) {
            // b4916 does not fail on a grammar it cannot parse: it samples unconstrained text. The
            // converter targets b4916's dialect, so a rejection here is a converter bug, not the caller's.
            try {
                GbnfValidator.validate(compiled.gbnf());
            } catch (GbnfValidator.GbnfException e) {
                throw new InvalidRequestException("the grammar made from this JSON schema is one llama.cpp b4916"
                        + " cannot parse (line " + e.line() + ", column " + e.column() + ": " + e.problem() + ");"
                        + " this is a localllm bug: please report it with the schema, and meanwhile simplify the"
                        + " schema", e);
            }
            CHECKED_GRAMMARS.put(compiled, Boolean.TRUE);
        }
        return Optional.of(compiled.gbnf());
    }

    @Override
    public EmbeddingResult embed(EmbeddingRequest request) {
        ensureOpen();
        List<Embedding> vectors = new ArrayList<>();
        int tokens = 0;
        int batch = info.options().engineOptions(LlamaCppOptions.class).orElseThrow().batchSize();
        for (String input : request.inputs()) {
            int count = countPromptTokens(input);
            if (count > slotContext) {
                throw new ContextOverflowException(count, slotContext);
            }
            if (count > batch) {
                throw new InvalidRequestException("a text of " + count + " tokens is longer than the " + batch
                        + " tokens llama.cpp embeds in one batch; split the text or load the model with a larger"
                        + " batch size (batchSize / localllm.batch.size)");
            }
            tokens += count;
            float[] v;
            try {
                v = engine.embed(input);
            } catch (RuntimeException e) {
                throw NativeFailures.duringGeneration(e);
            }
            vectors.add(new Embedding(request.normalize() ? normalize(v) : v));
        }
        return new EmbeddingResult(vectors, tokens, info.name());
    }

    private static float[] normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum == 0) {
            return v;
        }
        double scale = 1 / Math.sqrt(sum);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] * scale);
        }
        return out;
    }

    @Override
    public int[] tokenize(String text) {
        ensureOpen();
        try {
            return engine.encode(text);
        } catch (RuntimeException e) {
            throw NativeFailures.duringGeneration(e);
        }
    }

    @Override
    public String detokenize(int[] tokens) {
        ensureOpen();
        for (int t : tokens) {
            if (t < 0 || t >= facts.vocabularySize()) {
                throw new InvalidRequestException("token id " + t + " is outside this model's vocabulary of "
                        + facts.vocabularySize() + "; detokenize only ids this model produced");
            }
        }
        try {
            return engine.decode(tokens);
        } catch (RuntimeException e) {
            throw NativeFailures.duringGeneration(e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new LocalLlmException("model " + info.name() + " is closed; load it again");
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (LlamaCppStream stream : List.copyOf(running)) {
            stream.close();
        }
        if (!awaitStreamsEnded()) {
            // Freeing the context under a thread still inside the binding would crash the JVM;
            // leaking one context is the lesser harm.
            LOG.warn("{}: a generation did not stop within {} ms of close(); its native memory stays allocated",
                    info.name(), CLOSE_WAIT_MILLIS);
            NativeModels.abandon(handle);
            return;
        }
        NativeModels.release(handle);
        LOG.debug("closed {}", info.name());
    }
}
