/**
 * Hardware detection and the fit planner: what the machine is, and how a model should be
 * loaded on it.
 */
module io.github.localllm.hardware {
    requires transitive io.github.localllm;
    requires transitive io.github.localllm.gguf;
    requires com.github.oshi;
    requires tools.jackson.databind;
    requires org.slf4j;
    requires java.management;

    exports io.github.localllm.hardware;

    provides io.github.localllm.spi.AutoConfigurator with io.github.localllm.hardware.HardwareAutoConfigurator;
}
