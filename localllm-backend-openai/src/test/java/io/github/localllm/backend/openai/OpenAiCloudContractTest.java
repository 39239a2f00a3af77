package io.github.localllm.backend.openai;

import io.github.localllm.testkit.FakeOpenAi;

/** The engine contract on the fake of the OpenAI API. */
class OpenAiCloudContractTest extends FakeServerContract {
    OpenAiCloudContractTest() {
        super(FakeOpenAi.Flavor.OPENAI);
    }
}
