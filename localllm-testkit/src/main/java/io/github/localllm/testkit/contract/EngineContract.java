package io.github.localllm.testkit.contract;

import io.github.localllm.GenerationRequest;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelRef;
import io.github.localllm.SamplingParameters;
import io.github.localllm.spi.EngineCapabilities;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.spi.ModelLoadRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * What every engine does alike, as JUnit tests: extend this class once per engine, say how to make
 * the engine and which model to load, and every check here runs against it. The checks cover
 * generating and streaming, result fields, token limits and stop sequences, cancelling (closing a
 * stream, closing the model, cancelling a future), request timeouts, JSON and JSON-schema answers,
 * grammars, embeddings, requests the engine must refuse before it does any work, concurrent requests,
 * and threads left behind. Checks of a capability the loaded model does not report
 * ({@code ModelInfo.capabilities()}) are skipped with a JUnit assumption that says so, and the
 * refusal of that capability is checked instead.
 *
 * <p>The engine must be deterministic for the requests built from {@link #deterministic()}: the same
 * request gets the same answer, sequentially and concurrently. A fake server answers its script; a
 * real model decodes greedily. The checks do not need to know the answer: they compare answers with
 * each other (a stop sequence is picked from inside the answer, a token limit below its length).
 *
 * <p>An engine behind a fake server of this testkit:
 * <pre>{@code
 * class OllamaContractTest extends EngineContract {
 *     private final FakeOllama server = FakeOllama.builder().model("llama3.2").start();
 *
 *     protected InferenceBackend createBackend() {
 *         return new OllamaBackendProvider().create(
 *                 LocalLlmConfig.load(Map.of("ollama.url", server.uri().toString()), Map.of()));
 *     }
 *
 *     protected ModelRef modelRef() {
 *         return ModelRef.name("llama3.2");
 *     }
 *
 *     protected boolean stallNextGeneration(Duration pause) {
 *         server.injectNext(1, "/api/chat", Fault.stallAfter(1, pause));   // the first text piece, then the pause
 *         return true;
 *     }
 *
 *     protected boolean answerNextWith(String... pieces) {
 *         server.answerNext(ScriptedAnswer.of(pieces));
 *         return true;
 *     }
 *
 *     protected long requestsReceived() {
 *         return server.requests().size();
 *     }
 *
 *     protected void afterEngineClosed() {
 *         server.close();
 *     }
 * }
 * }</pre>
 *
 * <p>An engine that generates in process, from a tiny model:
 * <pre>{@code
 * class LlamaCppContractTest extends EngineContract {
 *     protected InferenceBackend createBackend() {
 *         return new LlamaCppBackend();
 *     }
 *
 *     protected ModelRef modelRef() {
 *         return ModelRef.file(tinyModelFile);
 *     }
 *
 *     protected LoadOptions loadOptions() {
 *         return LoadOptions.builder().contextSize(256).threads(1).build();
 *     }
 * }
 * }</pre>
 *
 * <p>The test instance lives for the whole class ({@link TestInstance.Lifecycle#PER_CLASS}): the backend
 * is made and the model loaded once, at the first check that needs them, and closed after the last.
 * To leave out a check the engine cannot meet, override its method with {@code @Disabled("why")}.
 * Each check has two minutes, so a hung engine fails instead of hanging the build.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
public abstract class EngineContract {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private InferenceBackend backend;
    private ModelInstance shared;

    /** For subclasses. */
    protected EngineContract() {
    }

    // ---------------------------------------------------------------- what the subclass provides

    /**
     * Makes the engine under test. Called once for the checks' shared model, and again by checks that
     * need an engine of their own (the thread check); the contract closes each engine it made.
     *
     * @return a new engine
     */
    protected abstract InferenceBackend createBackend();

    /** @return the model every check loads; keep it small, the checks load it a few times */
    protected abstract ModelRef modelRef();

    /** @return how to load the model; {@link LoadOptions#defaults()} unless overridden */
    protected LoadOptions loadOptions() {
        return LoadOptions.defaults();
    }

    /**
     * The start of every generation request the contract sends: it adds the prompt or messages, the
     * token limit, stop sequences and so on. Greedy sampling by default; override to add what the
     * engine needs to answer deterministically (a seed, say).
     *
     * @return a new builder without prompt or messages
     */
    protected GenerationRequest.Builder deterministic() {
        return GenerationRequest.builder().sampling(SamplingParameters.greedy());
    }

    /** @return whether the engine reports token counts ({@link io.github.localllm.Usage}); {@code true} by default */
    protected boolean reportsUsage() {
        return true;
    }

    /**
     * Makes the next generation request slow: its first piece of text comes as usual, the rest not
     * before {@code pause} has passed. The cancellation and timeout checks need it from engines that
     * are pushed their answer (a server streaming into a {@link io.github.localllm.spi.ChunkFeed}),
     * whose short answers could otherwise end before the check closes or cancels them. An engine
     * whose stream is read on the caller's thread (the in-process engine) need not; the timeout check
     * that needs a stall is then skipped.
     *
     * @param pause how long the answer stalls after its first piece
     * @return whether the next request will stall; {@code false} by default
     */
    protected boolean stallNextGeneration(Duration pause) {
        return false;
    }

    /**
     * Makes the engine's next answer exactly these pieces of text, one token each, when the engine
     * answers from a script (a fake server). The JSON, schema and grammar checks use it to script an
     * answer of the right shape, or of the wrong one; an engine that generates lets its grammar shape
     * the answer instead.
     *
     * @param pieces the answer's text, piece by piece
     * @return whether the next answer will be these pieces; {@code false} by default
     */
    protected boolean answerNextWith(String... pieces) {
        return false;
    }

    /**
     * Counts the requests the engine's server has received, so that the checks can tell a request was
     * refused before anything was sent, and when a generation started on another thread has reached
     * the server.
     *
     * @return requests received so far, or {@code -1} (the default) when the engine has no server to count at
     */
    protected long requestsReceived() {
        return -1;
    }

    /** Runs after the contract closed its models and engines: stop fake servers here. Does nothing by default. */
    protected void afterEngineClosed() {
    }

    // ---------------------------------------------------------------- what the checks share

    /** @return the engine the shared model was loaded with, made at the first call */
    protected final synchronized InferenceBackend backend() {
        if (backend == null) {
            backend = track(createBackend());
        }
        return backend;
    }

    /** @return the model most checks use, loaded at the first call and closed after the last check */
    protected final synchronized ModelInstance sharedModel() {
        if (shared == null) {
            shared = load();
        }
        return shared;
    }

    /** @return a model of its own for a check that closes it; closed after the last check if the check did not */
    final ModelInstance load() {
        return track(backend().load(new ModelLoadRequest(modelRef(), loadOptions())));
    }

    /** @return what the loaded model can do */
    final EngineCapabilities capabilities() {
        return sharedModel().info().capabilities();
    }

    private synchronized <T extends AutoCloseable> T track(T resource) {
        toClose.add(resource);
        return resource;
    }

    /**
     * Closes the models, then the engines the contract made, then calls {@link #afterEngineClosed()}.
     *
     * @throws Exception what closing threw first, the others suppressed
     */
    @AfterAll
    protected final void closeEngine() throws Exception {
        Exception first = null;
        List<AutoCloseable> all;
        synchronized (this) {
            all = new ArrayList<>(toClose);
            toClose.clear();
        }
        // Models before the engines that loaded them: the reverse of opening.
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                all.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        afterEngineClosed();
        if (first != null) {
            throw first;
        }
    }

    // ---------------------------------------------------------------- generation

    /** {@code generate} and {@code stream} give the same text, finish reason and token counts for one request. */
    @Test
    public void generateAndStreamAgree() {
        new GenerationChecks(this).generateAndStreamAgree();
    }

    /** Streamed chunks are numbered from 0 without gaps, each carries something, and they add up to the result. */
    @Test
    public void chunksAreNumberedAndAddUpToTheResult() {
        new GenerationChecks(this).chunksAddUp();
    }

    /**
     * Log probabilities, where the engine reports them: one per token of the answer, each at most 0,
     * with at most the alternatives asked for; the same from {@code stream} (on the chunks) and {@code generate}.
     */
    @Test
    public void logprobsDescribeTheAnswersTokens() {
        new GenerationChecks(this).logprobs();
    }

    /** The same deterministic request gets the same answer: the premise of every other check. */
    @Test
    public void theSameRequestGetsTheSameAnswer() {
        new GenerationChecks(this).sameRequestSameAnswer();
    }

    /** A result names the model, counts tokens within the limit, measures its times, and calls no tool it was not offered. */
    @Test
    public void aResultDescribesItsAnswer() {
        new GenerationChecks(this).resultDescribesAnswer();
    }

    /** A conversation (system and user messages) is answered like a prompt. */
    @Test
    public void aConversationIsAnswered() {
        new GenerationChecks(this).conversation();
    }

    /** A token limit below the answer's length cuts it: a prefix of the answer, {@code LENGTH}, no more tokens than allowed. */
    @Test
    public void maxTokensCutsTheAnswerWithLength() {
        new GenerationChecks(this).maxTokens();
    }

    /** A stop sequence ends the answer with {@code STOP} and is not part of its text, streamed or not. */
    @Test
    public void aStopSequenceEndsTheAnswerAndIsLeftOut() {
        new GenerationChecks(this).stopSequence();
    }

    // ---------------------------------------------------------------- cancelling and timeouts

    /** Closing a stream midway ends it with {@code CANCELLED} and the text so far, and the model serves the next request. */
    @Test
    public void closingAStreamCancelsIt() {
        new CancellationChecks(this).closeStream();
    }

    /** Cancelling the future of {@code generateAsync} cancels the generation, and the model serves the next request. */
    @Test
    public void cancellingTheFutureCancelsTheGeneration() {
        new CancellationChecks(this).cancelFuture();
    }

    /** Closing the model cancels its running streams ({@code CANCELLED}) and leaves other instances serving. */
    @Test
    public void closingTheModelCancelsItsStreams() {
        new CancellationChecks(this).closeModelWhileStreaming();
    }

    /** A timeout that passes before the answer is complete is a retryable {@code GenerationTimeoutException}, streamed or not. */
    @Test
    public void aTimeoutShorterThanTheAnswerThrows() {
        new CancellationChecks(this).timeoutBeforeAnswer();
    }

    /** An answer that stalls midway times out, and the model serves the next request (needs {@link #stallNextGeneration}). */
    @Test
    public void aStalledAnswerTimesOut() {
        new CancellationChecks(this).stalledAnswerTimesOut();
    }

    // ---------------------------------------------------------------- structured output

    /** {@code ResponseFormat.json()} gives a JSON object that parses. */
    @Test
    public void jsonFormatGivesAJsonObject() {
        new StructuredOutputChecks(this).jsonObject();
    }

    /** A JSON-schema answer matches its schema, streamed or not. */
    @Test
    public void aJsonSchemaAnswerMatchesItsSchema() {
        new StructuredOutputChecks(this).schemaAnswerMatches();
    }

    /**
     * An answer that breaks its schema is a {@code StructuredOutputException}, never a success: the engine
     * wrapped its models with {@code StructuredOutput.enforce}. The schema asks for five different integers
     * from 0 to 3, which no answer can be.
     */
    @Test
    public void anAnswerThatBreaksItsSchemaThrows() {
        new StructuredOutputChecks(this).schemaViolation();
    }

    /** A GBNF grammar shapes the answer. */
    @Test
    public void aGrammarShapesTheAnswer() {
        new StructuredOutputChecks(this).grammar();
    }

    /** A grammar that does not parse is an {@code InvalidRequestException} before the engine does any work. */
    @Test
    public void anInvalidGrammarIsRefused() {
        new StructuredOutputChecks(this).invalidGrammar();
    }

    // ---------------------------------------------------------------- embeddings

    /** Embeddings have one dimension (the model's, when it says), unit length when asked, and the same vector for the same text. */
    @Test
    public void embeddingsAreConsistent() {
        new EmbeddingChecks(this).consistent();
    }

    /** An engine that cannot embed refuses with an {@code InvalidRequestException} that says so. */
    @Test
    public void anEngineWithoutEmbeddingsRefusesToEmbed() {
        new EmbeddingChecks(this).refusedWithoutCapability();
    }

    // ---------------------------------------------------------------- refusals

    /** Tools on an engine without tools are an {@code InvalidRequestException} naming them, before anything is sent. */
    @Test
    public void toolsAreRefusedWithoutTheCapability() {
        new RefusalChecks(this).tools();
    }

    /** Images on an engine without images are an {@code InvalidRequestException} naming them, before anything is sent. */
    @Test
    public void imagesAreRefusedWithoutTheCapability() {
        new RefusalChecks(this).images();
    }

    /** Asking for thinking on an engine without it is an {@code InvalidRequestException} naming it, before anything is sent. */
    @Test
    public void thinkingIsRefusedWithoutTheCapability() {
        new RefusalChecks(this).thinking();
    }

    /** Log probabilities on an engine without them are an {@code InvalidRequestException} naming them, before anything is sent. */
    @Test
    public void logprobsAreRefusedWithoutTheCapability() {
        new RefusalChecks(this).logprobs();
    }

    /** A response format the engine does not enforce is an {@code InvalidRequestException} naming it, before anything is sent. */
    @Test
    public void responseFormatsAreRefusedWithoutTheCapability() {
        new RefusalChecks(this).responseFormats();
    }

    /** A prompt longer than the context is a {@code ContextOverflowException} before any work (engines with a tokenizer). */
    @Test
    public void aPromptLongerThanTheContextIsRefused() {
        new RefusalChecks(this).contextOverflow();
    }

    /** A closed model refuses every request with an error that says it is closed; closing twice is harmless. */
    @Test
    public void aClosedModelRefusesRequests() {
        new RefusalChecks(this).closedModel();
    }

    // ---------------------------------------------------------------- concurrency and threads

    /** Requests in parallel, streamed and not, each get their own answer: the one they get alone. */
    @Test
    public void parallelRequestsGetTheirOwnAnswers() {
        new ConcurrencyChecks(this).parallelRequests();
    }

    /**
     * Loading, using and closing a model and its engine leaves no thread that would keep the JVM alive.
     * The cycle runs once before the threads are counted, so engines may keep what they pool for reuse.
     */
    @Test
    public void closingLeavesNoThreadBehind() {
        new ConcurrencyChecks(this).noThreadLeftBehind();
    }
}
