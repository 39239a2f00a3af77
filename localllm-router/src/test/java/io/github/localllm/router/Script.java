package io.github.localllm.router;

import io.github.localllm.LocalLlmException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * What a {@link FakeTarget} does with one request.
 *
 * @param pieces the answer's chunks
 * @param openError thrown by {@code stream()}/{@code generate()} before anything, or {@code null}
 * @param failAfter chunks delivered before {@code failure} is raised, or -1 to answer in full
 * @param failure raised after {@code failAfter} chunks
 * @param firstDelay waited before the first chunk (cut short by close or timeout), or {@code null}
 * @param stall never send the first chunk: wait until closed or timed out
 * @param gate waited on before the first chunk, or {@code null}
 */
record Script(List<String> pieces, LocalLlmException openError, int failAfter, LocalLlmException failure,
              Duration firstDelay, boolean stall, CountDownLatch gate) {

    static Script answer(String... pieces) {
        return new Script(List.of(pieces), null, -1, null, null, false, null);
    }

    static Script refuse(LocalLlmException e) {
        return new Script(List.of(), e, -1, null, null, false, null);
    }

    /** Opens, then fails after {@code chunks} of {@code pieces}. */
    static Script failAfter(int chunks, LocalLlmException e, String... pieces) {
        return new Script(List.of(pieces), null, chunks, e, null, false, null);
    }

    static Script stalling() {
        return new Script(List.of(), null, -1, null, null, true, null);
    }

    Script delayed(Duration d) {
        return new Script(pieces, openError, failAfter, failure, d, stall, gate);
    }

    Script gated(CountDownLatch latch) {
        return new Script(pieces, openError, failAfter, failure, firstDelay, stall, latch);
    }
}
