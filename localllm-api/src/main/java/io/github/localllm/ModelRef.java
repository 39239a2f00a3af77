package io.github.localllm;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Which model to load: a file on this machine, a name an engine knows, a file in a Hugging Face
 * repository, or an address to download from. Engines say which kinds they accept
 * ({@link io.github.localllm.spi.InferenceBackendProvider#accepts}), so a name such as
 * {@code qwen2.5:7b} goes to a server that knows it, never to an engine that only opens files.
 *
 * <pre>{@code
 * ModelRef.file(Path.of("model.gguf"));
 * ModelRef.name("qwen2.5:7b");
 * ModelRef.hub("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q4_k_m.gguf");
 * ModelRef.parse("hf://Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf");
 * }</pre>
 */
public sealed interface ModelRef permits ModelRef.File, ModelRef.Name, ModelRef.Hub, ModelRef.Url {

    /** @return the reference as a user would write it; {@link #parse} reads it back to an equal reference */
    String text();

    /**
     * A model file on this machine.
     *
     * @param path the file
     */
    record File(Path path) implements ModelRef {
        /** Checks the path is present. */
        public File {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String text() {
            return path.toString();
        }
    }

    /**
     * A name that an engine resolves itself, such as Ollama's {@code qwen2.5:7b} or the model id
     * of an OpenAI-compatible server.
     *
     * @param name the name, as the engine spells it
     */
    record Name(String name) implements ModelRef {
        /** Checks the name is usable. */
        public Name {
            if (name == null || name.isBlank()) {
                throw new InvalidRequestException("a model name is empty; give one such as qwen2.5:7b");
            }
            if (name.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidRequestException("the model name '" + name.replaceAll("\\p{Cntrl}", "?")
                        + "' contains control characters; check where it was read from");
            }
        }

        @Override
        public String text() {
            return name;
        }
    }

    /**
     * A file in a Hugging Face repository.
     *
     * @param repository {@code owner/name}
     * @param file the path of the file in the repository
     * @param revision a branch, tag or commit; {@code main} when not given
     */
    record Hub(String repository, String file, String revision) implements ModelRef {
        /** Checks the parts are well formed. */
        public Hub {
            if (repository == null || !repository.matches("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new InvalidRequestException("'" + repository + "' is not a Hugging Face repository;"
                        + " write it as owner/name, e.g. Qwen/Qwen2.5-0.5B-Instruct-GGUF");
            }
            if (file == null || file.isBlank() || file.startsWith("/") || file.contains("..")
                    || file.contains("\\") || file.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidRequestException("'" + file + "' is not a file path inside a repository;"
                        + " give it relative to the repository root, e.g. model-q4_k_m.gguf");
            }
            revision = revision == null || revision.isBlank() ? "main" : revision;
            if (revision.contains("..") || revision.chars().anyMatch(c -> Character.isISOControl(c) || c == ' ')) {
                throw new InvalidRequestException("'" + revision + "' is not a revision; give a branch, tag or"
                        + " commit hash");
            }
        }

        @Override
        public String text() {
            return "hf://" + repository + ("main".equals(revision) ? "" : "@" + revision) + "/" + file;
        }
    }

    /**
     * A model file to download from an address.
     *
     * @param uri an {@code http} or {@code https} address
     */
    record Url(URI uri) implements ModelRef {
        /** Checks the address is one the SDK can fetch. */
        public Url {
            Objects.requireNonNull(uri, "uri");
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new InvalidRequestException("'" + uri + "' is not an http or https address of a model file");
            }
        }

        @Override
        public String text() {
            return uri.toString();
        }
    }

    /** @param path a model file @return the reference */
    static ModelRef file(Path path) {
        return new File(path);
    }

    /** @param name a name an engine knows, e.g. {@code qwen2.5:7b} @return the reference */
    static ModelRef name(String name) {
        return new Name(name);
    }

    /**
     * @param repository {@code owner/name}
     * @param file the file's path in the repository
     * @return a reference to the file on the {@code main} revision
     */
    static ModelRef hub(String repository, String file) {
        return new Hub(repository, file, "main");
    }

    /**
     * @param repository {@code owner/name}
     * @param file the file's path in the repository
     * @param revision a branch, tag or commit
     * @return the reference
     */
    static ModelRef hub(String repository, String file, String revision) {
        return new Hub(repository, file, revision);
    }

    /** @param uri an http or https address of a model file @return the reference */
    static ModelRef url(URI uri) {
        return new Url(uri);
    }

    /**
     * Reads a reference as users write it in configuration:
     * <ul>
     * <li>{@code hf://owner/name/file.gguf}, or {@code hf://owner/name@revision/file.gguf}: a Hub file;</li>
     * <li>{@code https://huggingface.co/owner/name/resolve/revision/file.gguf}: the same Hub file;</li>
     * <li>any other {@code http(s)://} address: a URL;</li>
     * <li>a path ending in {@code .gguf}, an absolute or {@code ./}, {@code ../}, {@code ~/} path,
     *     or a file that exists: a file ({@code ~} is the user's home);</li>
     * <li>anything else, e.g. {@code qwen2.5:7b} or {@code hf.co/owner/name:Q4_K_M}: a name.</li>
     * </ul>
     *
     * @param text the reference
     * @return what it refers to
     * @throws InvalidRequestException if it is empty or malformed
     */
    static ModelRef parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidRequestException("no model given; pass a .gguf file path, a model name such as"
                    + " qwen2.5:7b, or hf://owner/name/file.gguf");
        }
        String t = text.strip();
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith("hf://")) {
            return ModelRefText.hub(t.substring(5), t);
        }
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            URI uri;
            try {
                uri = URI.create(t);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("'" + t + "' is not a valid address: " + e.getMessage());
            }
            ModelRef hub = ModelRefText.hubResolveUrl(uri);
            return hub != null ? hub : new Url(uri);
        }
        if (ModelRefText.looksLikePath(t)) {
            try {
                return new File(ModelRefText.expandHome(t));
            } catch (InvalidPathException e) {
                throw new InvalidRequestException("'" + t + "' is not a valid file path on this system: "
                        + e.getReason());
            }
        }
        try {
            if (Files.isRegularFile(Path.of(t))) {
                return new File(Path.of(t));
            }
        } catch (InvalidPathException e) {
            // not a path at all: a name such as hf.co/owner/name:Q4_K_M on Windows
        }
        return new Name(t);
    }
}
