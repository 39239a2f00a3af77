package io.github.localllm.backend.llamacpp;

import io.github.localllm.LoadOptions;
import io.github.localllm.ModelRef;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.testkit.contract.EngineContract;

/**
 * The engine contract for the in-process engine, on the tiny synthetic model (random weights, so
 * greedy decoding gives garbled but repeatable text), one thread, a small context and two slots so
 * that parallel requests really run side by side. Its stream is read on the caller's thread, so it
 * needs no stall for the cancellation checks; the stalled-timeout check is skipped and the timeout
 * is checked with one that passes before the first token.
 *
 * <p>The binding attaches one thread per native model that is not a daemon and outlives
 * {@code close()} (see {@link LlamaCppBackend}). Closed models are parked and the next load of the
 * same file with the same settings takes them back ({@code NativeModels}), so the contract's thread
 * check, which counts threads after one load-and-close cycle, finds nothing new after the second.
 */
class LlamaCppContractTest extends EngineContract {

    @Override
    protected InferenceBackend createBackend() {
        return new LlamaCppBackend();
    }

    @Override
    protected ModelRef modelRef() {
        return ModelRef.file(TestModels.tiny());
    }

    @Override
    protected LoadOptions loadOptions() {
        return LoadOptions.builder().contextSize(256).threads(1)
                .engineOptions(LlamaCppOptions.builder().parallel(2).build()).build();
    }
}
