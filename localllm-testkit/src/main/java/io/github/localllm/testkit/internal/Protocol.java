package io.github.localllm.testkit.internal;

import java.util.List;

/** One server's routes and error shapes; {@link ServerCore} does the HTTP, recording and faults. */
public interface Protocol {

    /** The answer to a request with no fault that replaces it. */
    Reply handle(Call call);

    /** The server's error answer with this status, for {@link io.github.localllm.testkit.Fault#httpStatus(int)}. */
    Reply errorStatus(Call call, int status);

    /** The server's 404 for the requested model, for {@link io.github.localllm.testkit.Fault#modelNotFound()}. */
    Reply modelNotFound(Call call);

    /** The chunks the server sends when generation fails after its stream started (status already 200). */
    List<Chunk> midStreamError(Call call);
}
