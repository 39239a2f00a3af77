package io.github.localllm.testkit.contract;

/** The contract passes an engine that keeps it, pushed its answers like an HTTP engine. */
class ScriptedEngineContractTest extends ScriptedContract {

    ScriptedEngineContractTest() {
        super(new ScriptedEngine.Controls());
    }
}
