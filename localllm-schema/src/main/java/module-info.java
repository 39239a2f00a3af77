/**
 * Structured output every engine can trust: JSON Schemas converted to GBNF grammars in Java
 * (so no schema reaches native code unconverted), and every structured answer checked
 * against its schema before it is returned.
 */
module io.github.localllm.schema {
    requires transitive io.github.localllm;
    requires tools.jackson.databind;
    requires com.networknt.schema;
    requires org.slf4j;

    exports io.github.localllm.schema;
}
