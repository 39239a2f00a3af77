package io.github.localllm.backend.openai;

import io.github.localllm.testkit.FakeOpenAi;

/** The engine contract on the fake of llama.cpp's llama-server. */
class OpenAiLlamaCppContractTest extends FakeServerContract {
    OpenAiLlamaCppContractTest() {
        super(FakeOpenAi.Flavor.LLAMA_CPP);
    }
}
