/**
 * The router: one {@link io.github.localllm.LanguageModel} over many engines, local first, with
 * fallback that survives streaming. See {@link io.github.localllm.router.Router}.
 */
module io.github.localllm.router {
    requires transitive io.github.localllm;
    requires org.slf4j;
    // Prices and the spend file are JSON.
    requires tools.jackson.databind;

    exports io.github.localllm.router;

    // The automatic router starts its in-process target as autoDetect() does when an auto-configurator is installed.
    uses io.github.localllm.spi.AutoConfigurator;
}
