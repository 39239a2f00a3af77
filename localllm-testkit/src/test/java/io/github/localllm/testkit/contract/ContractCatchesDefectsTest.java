package io.github.localllm.testkit.contract;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.testkit.contract.ScriptedEngine.Defect;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Each check fails an engine that breaks the part of the contract it is about. */
class ContractCatchesDefectsTest {

    private static void assertCaught(Defect defect, Consumer<EngineContract> check, String why) {
        ScriptedContract contract = new ScriptedContract(new ScriptedEngine.Controls(defect)) { };
        try {
            assertThatThrownBy(() -> check.accept(contract)).isInstanceOf(AssertionError.class).hasMessageContaining(why);
        } finally {
            try {
                contract.closeEngine();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aStopSequenceLeftInTheText() {
        assertCaught(Defect.LEAKS_STOP_SEQUENCES, EngineContract::aStopSequenceEndsTheAnswerAndIsLeftOut,
                "with stop sequence");
    }

    @Test
    void toolsSentToAnEngineWithoutThem() {
        assertCaught(Defect.IGNORES_MISSING_CAPABILITIES, EngineContract::toolsAreRefusedWithoutTheCapability,
                "Expecting code to raise a throwable");
    }

    @Test
    void anAnswerNotCheckedAgainstItsSchema() {
        assertCaught(Defect.SKIPS_SCHEMA_CHECK, EngineContract::anAnswerThatBreaksItsSchemaThrows,
                "Expecting code to raise a throwable");
    }

    @Test
    void aTimeoutIgnored() {
        assertCaught(Defect.IGNORES_TIMEOUT, EngineContract::aTimeoutShorterThanTheAnswerThrows,
                "Expecting code to raise a throwable");
    }

    @Test
    void aThreadLeftBehind() {
        assertCaught(Defect.LEAVES_A_THREAD, EngineContract::closingLeavesNoThreadBehind, "scripted-engine-keeper");
    }
}
