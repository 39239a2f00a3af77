package io.github.localllm.backend.llamacpp;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import io.github.localllm.InvalidRequestException;
import io.github.localllm.ModelLoadException;
import io.github.localllm.backend.llamacpp.TemplateSupport.Kind;
import io.github.localllm.gguf.GgufFile;
import io.github.localllm.gguf.SyntheticModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out how llama.cpp b4916 treats a model's chat template, from what b4916 itself renders.
 *
 * <p>b4916 gives no sign when it cannot use a template: it replaces one it cannot parse or render by
 * ChatML, and merges a system message into the user turn when its probe says the template takes
 * none, which also happens when its Jinja engine merely fails on the template's system part. Its log
 * says so, but to stderr only (common_log, which the binding's callback does not reach). And asking it
 * to render a conversation its Jinja engine fails on ends the process, since the binding does not catch
 * the exception. So only the conversation b4916 itself renders while loading is ever asked for; it
 * cannot fail, and usually tells enough. When it does not (a ChatML-like rendering, or a merged system
 * message), the template is rewritten to report, through its output, whether it was rendered and how
 * many messages reached it, and loaded into a tiny generated model ({@link ProbeTemplates}): loading
 * is where b4916 catches template failures. Results are kept per template and per file for the life of
 * the JVM.
 */
final class TemplateProbe {
    private static final Logger LOG = LoggerFactory.getLogger(TemplateProbe.class);
    /** By template text: another file with the same template needs no probe. */
    private static final Map<String, TemplateSupport> BY_TEMPLATE = new ConcurrentHashMap<>();
    /** By file, size and time: a reload reads nothing again (applications reload models often). */
    private static final Map<String, TemplateSupport> BY_FILE = new ConcurrentHashMap<>();
    /** Replacement templates known to pass b4916's command-line check. */
    private static final Set<String> REPLACEMENTS = ConcurrentHashMap.newKeySet();
    /** Longest leading BOS text b4916 may have stripped from its ChatML rendering. */
    private static final int MAX_BOS_TEXT = 32;

    private TemplateProbe() {
    }

    /**
     * @param file the model's file, already validated
     * @param name the model's name, for the log
     * @param replacement the template the model was loaded with instead of the file's, or {@code null}
     * @param engine the model loaded from that file
     * @return how b4916 treats the model's chat template
     */
    static TemplateSupport check(Path file, String name, String replacement, LlamaModel engine) {
        TemplateSupport support;
        if (replacement != null) {
            support = classified(replacement, engine);
        } else {
            support = BY_FILE.get(fileKey(file));
            if (support != null) {
                return support;
            }
            String template = GgufFile.read(file).model().chatTemplate().filter(t -> !t.isBlank()).orElse(null);
            support = template == null ? new TemplateSupport(Kind.MISSING) : classified(template, engine);
            BY_FILE.put(fileKey(file), support);
        }
        switch (support.kind()) {
            case CHATML_FALLBACK -> LOG.warn("{}: llama.cpp b4916 cannot parse or render this model's chat template"
                    + " and would prompt it in ChatML; chat requests are refused (raw prompts work): run it on the"
                    + " llama-server engine, or load it with LlamaCppOptions.chatTemplate, to chat with it", name);
            case SYSTEM_UNSUPPORTED -> LOG.warn("{}: llama.cpp b4916 fails on the system-message part of this"
                    + " model's chat template; requests with a system message are refused", name);
            default -> LOG.debug("{}: chat template {}", name, support.kind());
        }
        return support;
    }

    /** Classifies outside the map's lock: a probe loads a model, which takes a while. */
    private static TemplateSupport classified(String template, LlamaModel engine) {
        String key = sha256(template);
        TemplateSupport known = BY_TEMPLATE.get(key);
        if (known != null) {
            return known;
        }
        TemplateSupport support = classify(template, renderLoadConversation(engine), TemplateProbe::renderInProbe);
        TemplateSupport raced = BY_TEMPLATE.putIfAbsent(key, support);
        return raced != null ? raced : support;
    }

    /**
     * Checks a template meant to replace a model's own, before b4916 sees it on its command line, where
     * one that fails to render its check conversation ends the process.
     *
     * @param template the replacement
     * @throws InvalidRequestException if b4916 cannot parse it, or render one user message with it
     */
    static void checkReplacement(String template) {
        String key = sha256(template);
        if (REPLACEMENTS.contains(key)) {
            return;
        }
        if (ProbeTemplates.messageCount(renderInProbe(ProbeTemplates.commandLineChecked(template))).isEmpty()) {
            throw new InvalidRequestException("the chat template given as LlamaCppOptions.chatTemplate is one llama.cpp"
                    + " b4916 cannot parse, or cannot render one user message with; check its Jinja syntax and use"
                    + " only what b4916's Jinja engine supports (it lacks some string methods, such as replace), or"
                    + " run the model on the llama-server engine with its own template");
        }
        REPLACEMENTS.add(key);
    }

    /** Renders a template in a model that b4916 loaded, as it would render it for a request. */
    @FunctionalInterface
    interface Renderer {
        /**
         * @param template a chat template
         * @return b4916's rendering of {@link ProbeTemplates#LOAD_CONVERSATION_JSON} with it
         */
        String render(String template);
    }

    /**
     * @param template the model's chat template
     * @param rendered b4916's rendering of {@link ProbeTemplates#LOAD_CONVERSATION_JSON} in the model
     * @param probe renders rewritten templates in a model of their own
     * @return how b4916 treats the template
     */
    static TemplateSupport classify(String template, String rendered, Renderer probe) {
        boolean likeChatMl = isChatMlFallback(rendered);
        if (likeChatMl && !template.contains("<|im_start|>")) {
            // ChatML's markers cannot come from a template that has none.
            return new TemplateSupport(Kind.CHATML_FALLBACK);
        }
        if (!likeChatMl && !rendered.contains(ProbeTemplates.LOAD_CONVERSATION_MERGED)) {
            return new TemplateSupport(Kind.RENDERED);
        }
        OptionalInt count = ProbeTemplates.messageCount(probe.render(ProbeTemplates.counted(template)));
        if (count.isEmpty()) {
            return new TemplateSupport(Kind.CHATML_FALLBACK);
        }
        if (count.getAsInt() >= ProbeTemplates.LOAD_CONVERSATION_MESSAGES) {
            return new TemplateSupport(Kind.RENDERED);
        }
        // b4916 merged the system message: find out whether the template refuses one or b4916 fails on it.
        String forced = probe.render(ProbeTemplates.systemForced(template));
        OptionalInt forcedCount = ProbeTemplates.messageCount(forced);
        if (forcedCount.isEmpty() || forcedCount.getAsInt() < ProbeTemplates.LOAD_CONVERSATION_MESSAGES) {
            // Still merged, or no longer rendered: the template's system part fails in b4916's Jinja engine.
            return new TemplateSupport(Kind.SYSTEM_UNSUPPORTED);
        }
        if (forced.contains(ProbeTemplates.RAISED) || !forced.contains(ProbeTemplates.LOAD_SYSTEM)) {
            // The template refuses system messages, or drops them: merging is llama.cpp's documented choice.
            return new TemplateSupport(Kind.SYSTEM_MERGED);
        }
        // The template renders system messages itself, yet b4916 judged it would not and merges them.
        return new TemplateSupport(Kind.SYSTEM_UNSUPPORTED);
    }

    /**
     * @param rendered b4916's rendering of the load conversation
     * @return whether it is what b4916's ChatML fallback renders, allowing for a leading BOS text it strips
     */
    static boolean isChatMlFallback(String rendered) {
        String chatMl = ProbeTemplates.LOAD_CONVERSATION_AS_CHATML;
        return !rendered.isEmpty() && chatMl.endsWith(rendered)
                && rendered.length() >= chatMl.length() - MAX_BOS_TEXT;
    }

    private static String renderLoadConversation(LlamaModel engine) {
        try {
            return engine.applyTemplate(ProbeTemplates.LOAD_CONVERSATION_JSON);
        } catch (RuntimeException e) {
            throw new ModelLoadException("llama.cpp could not render the conversation it rendered while loading"
                    + " the model: " + NativeFailures.describe(e) + "; reload the model", e);
        }
    }

    /**
     * Loads a tiny generated model carrying the template in its metadata, where b4916 catches template
     * failures (given as a command-line template, a failing one ends the process), and renders the load
     * conversation with it. About 30 MB of native memory that the binding never frees, once per template.
     */
    private static String renderInProbe(String template) {
        Path file;
        try {
            file = Files.createTempFile("localllm-template-probe", ".gguf");
        } catch (IOException e) {
            throw new ModelLoadException("could not write the tiny model that checks the chat template to "
                    + System.getProperty("java.io.tmpdir") + ": " + e + "; check the temporary directory is writable"
                    + " and has room", e);
        }
        try {
            // The name matters: b4916 special-cases vocabularies of models named like some families.
            SyntheticModel.builder().name("localllm-template-probe").contextLength(64).chatTemplate(template)
                    .build().write(file);
            ModelParameters params = new ModelParameters().setModel(file.toAbsolutePath().toString())
                    .setCtxSize(64).setBatchSize(64).setUbatchSize(64).setThreads(1).setThreadsBatch(1)
                    .setParallel(1).enableJinja().disableLog().skipWarmup().disableMmap();
            LlamaModel probe = load(params);
            try {
                return probe.applyTemplate(ProbeTemplates.LOAD_CONVERSATION_JSON);
            } finally {
                probe.close();
            }
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new ModelLoadException("llama.cpp could not load the tiny model that checks the chat template: "
                    + NativeFailures.describe(e) + "; check the temporary directory has room", e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
        }
    }

    /**
     * Loads a probe model; like every native model, it keeps its memory until the JVM exits, and its
     * task thread is adopted by the exit watcher. Not through {@link NativeModels}: it is never reused,
     * and is no model the application chose to load.
     */
    private static LlamaModel load(ModelParameters params) {
        return JvmExitWatcher.track(() -> new LlamaModel(params));
    }

    private static String fileKey(Path file) {
        try {
            return file.toAbsolutePath() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            // The file was just loaded; if it cannot be read now, it is not worth a cache entry.
            return file.toAbsolutePath() + "|" + System.nanoTime();
        }
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
