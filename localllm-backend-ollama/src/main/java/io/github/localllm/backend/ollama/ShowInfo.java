package io.github.localllm.backend.ollama;

import io.github.localllm.ResponseFormat;
import io.github.localllm.spi.EngineCapabilities;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * What Ollama's {@code /api/show} says about a model: its capabilities ({@code completion},
 * {@code tools}, {@code vision}, {@code thinking}, {@code embedding}, {@code insert}, ...), architecture,
 * trained context, embedding width, parameter count and quantization (shared/protocols/ollama/FIELDS.md
 * §8). {@code model_info} keys are prefixed by the architecture ({@code llama.context_length}).
 *
 * @param capabilities the capability names, lower case
 * @param architecture {@code general.architecture}, else {@code details.family}, else {@code unknown}
 * @param parameterCount {@code general.parameter_count}, else read from {@code details.parameter_size}, else -1
 * @param quantization {@code details.quantization_level}, else {@code unknown}
 * @param contextLength {@code <arch>.context_length}, else -1
 * @param embeddingLength {@code <arch>.embedding_length}, else -1
 */
record ShowInfo(List<String> capabilities, String architecture, long parameterCount, String quantization,
                int contextLength, int embeddingLength) {
    private static final Pattern PARAMETER_SIZE = Pattern.compile("(?i)(\\d{1,6}(?:\\.\\d{1,3})?)\\s*([KMBT])");

    ShowInfo {
        capabilities = List.copyOf(capabilities);
    }

    static ShowInfo of(JsonNode show) {
        List<String> caps = new ArrayList<>();
        for (JsonNode c : show.path("capabilities")) {
            if (c.isString()) {
                caps.add(c.stringValue().toLowerCase(Locale.ROOT));
            }
        }
        JsonNode details = show.path("details");
        JsonNode info = show.path("model_info");
        String arch = text(info.get("general.architecture"));
        if (arch.isEmpty()) {
            arch = text(details.get("family"));
        }
        long params = info.path("general.parameter_count").isIntegralNumber()
                ? info.path("general.parameter_count").longValue() : parameterCount(text(details.get("parameter_size")));
        String quant = text(details.get("quantization_level"));
        int context = arch.isEmpty() ? -1 : positiveInt(info.get(arch + ".context_length"));
        int embedding = arch.isEmpty() ? -1 : positiveInt(info.get(arch + ".embedding_length"));
        if (caps.isEmpty()) {
            // Servers before capabilities were reported (2025) serve completions.
            caps.add("completion");
        }
        return new ShowInfo(caps, arch.isEmpty() ? "unknown" : arch, params, quant.isEmpty() ? "unknown" : quant,
                context, embedding);
    }

    /** @return whether the model only embeds text (Ollama refuses to generate with it) */
    boolean embeddingOnly() {
        return capabilities.contains("embedding") && !capabilities.contains("completion");
    }

    /**
     * @return what a request to this model may ask for: JSON and JSON-schema answers (Ollama's
     *     {@code format}; no grammars), and embeddings, tools, images and thinking as the model says
     */
    EngineCapabilities engineCapabilities() {
        return EngineCapabilities.builder()
                .responseFormats(ResponseFormat.Kind.JSON, ResponseFormat.Kind.JSON_SCHEMA)
                // Current servers start chat models without llama-server's --embedding: only embedding models embed.
                .embeddings(capabilities.contains("embedding"))
                .tools(capabilities.contains("tools"))
                .images(capabilities.contains("vision"))
                .thinking(capabilities.contains("thinking"))
                .loadOptions(OllamaBackendProvider.LOAD_OPTIONS)
                .build();
    }

    private static String text(JsonNode node) {
        return node != null && node.isString() ? node.stringValue().strip() : "";
    }

    /** Reads Ollama's rounded parameter size ({@code 7.6B}, {@code 137M}) as a count, -1 if it is not one. */
    static long parameterCount(String size) {
        Matcher m = PARAMETER_SIZE.matcher(size);
        if (!m.matches()) {
            return -1;
        }
        double scale = switch (Character.toUpperCase(m.group(2).charAt(0))) {
            case 'K' -> 1e3;
            case 'M' -> 1e6;
            case 'B' -> 1e9;
            default -> 1e12;
        };
        return Math.round(Double.parseDouble(m.group(1)) * scale);
    }

    private static int positiveInt(JsonNode node) {
        if (node == null || !node.isNumber()) {
            return -1;
        }
        long v = node.asLong();
        return v > 0 && v <= Integer.MAX_VALUE ? (int) v : -1;
    }
}
