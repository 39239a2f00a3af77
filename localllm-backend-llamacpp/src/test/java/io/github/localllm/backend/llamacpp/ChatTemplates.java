package io.github.localllm.backend.llamacpp;

import io.github.localllm.gguf.SyntheticModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Real chat templates kept as test resources (sources in {@code chat-templates/SOURCES.md}), the
 * reference renderer's output for them, and models generated at test time that carry them.
 */
final class ChatTemplates {
    /** The BOS text of generated models, which the reference renders and b4916 strips. */
    static final String BOS = "<|endoftext|>";
    /** The model name written into generated files; neutral, since b4916 special-cases some names. */
    static final String MODEL_NAME = "chat-template-test";
    /** Trained context of generated models: room for SmolLM3's default system prompt, one token per byte. */
    static final int CONTEXT = 2048;

    private ChatTemplates() {
    }

    /** @return the template kept as {@code chat-templates/<name>.jinja} */
    static String template(String name) {
        return resource("/chat-templates/" + name + ".jinja");
    }

    /**
     * @param name the template's name
     * @param conversation {@code load} (system, user, assistant, user) or {@code nosystem}
     * @return what transformers' {@code render_jinja_template} made of it, with today's date put back
     */
    static String reference(String name, String conversation) {
        String today = LocalDate.now().format(DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.ENGLISH));
        return resource("/chat-templates/reference/" + name + "." + conversation + ".txt").replace("{{today}}", today);
    }

    /** @return a generated model file carrying the template */
    static Path model(String name) {
        return TestModels.write(SyntheticModel.builder().name(MODEL_NAME).contextLength(CONTEXT)
                .chatTemplate(template(name)).build(),
                "template-" + name + ".gguf");
    }

    /** @return the text without the BOS text the reference renders first */
    static String withoutBos(String text) {
        return text.startsWith(BOS) ? text.substring(BOS.length()) : text;
    }

    private static String resource(String path) {
        try (InputStream in = ChatTemplates.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
