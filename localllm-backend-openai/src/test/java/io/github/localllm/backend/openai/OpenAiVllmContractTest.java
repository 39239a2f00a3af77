package io.github.localllm.backend.openai;

import io.github.localllm.testkit.FakeOpenAi;

/** The engine contract on the fake of vLLM. */
class OpenAiVllmContractTest extends FakeServerContract {
    OpenAiVllmContractTest() {
        super(FakeOpenAi.Flavor.VLLM);
    }
}
