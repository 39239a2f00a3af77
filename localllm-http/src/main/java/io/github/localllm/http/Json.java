package io.github.localllm.http;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The mapper the transport and the readers use unless given another. */
final class Json {
    /** Servers add fields between versions; a client that fails on them breaks on every upgrade. */
    static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {
    }
}
