package io.github.localllm.store;

import io.github.localllm.gguf.QuantizationNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Models other tools keep, read in place and never changed.
 *
 * <ul>
 *   <li>Ollama (its {@code envconfig/config.go} {@code Models()}, {@code manifest/paths.go},
 *       {@code manifest/manifest.go}, {@code types/model/name.go}): the models directory is
 *       {@code $OLLAMA_MODELS}, else {@code ~/.ollama/models}; the Linux service made by its
 *       {@code install.sh} runs as the user {@code ollama} whose home is {@code /usr/share/ollama}, so its
 *       models lie in {@code /usr/share/ollama/.ollama/models}. Manifests are exactly four levels deep,
 *       {@code manifests/<host>/<namespace>/<model>/<tag>} (Docker-style JSON, schema version 2), and each
 *       layer's blob is {@code blobs/sha256-<hex>}. The layer of media type
 *       {@code application/vnd.ollama.image.model} is the GGUF file (the last one wins, as in Ollama's
 *       {@code GetModel}), {@code application/vnd.ollama.image.projector} the vision projector, and the
 *       config blob's {@code file_type} the quantization. Names show as Ollama's {@code DisplayShortest}
 *       does: {@code qwen2.5:7b} for {@code registry.ollama.ai/library/qwen2.5/7b}, {@code user/m:tag} for
 *       another namespace, {@code hf.co/<owner>/<repo>:<tag>} for a model pulled from the Hub; they
 *       compare without regard to case.</li>
 *   <li>LM Studio ("Import Models" in its documentation, lmstudio.ai/docs/basics/import-model):
 *       {@code ~/.lmstudio/models/<publisher>/<model>/<file>.gguf}, keeping the Hub's {@code owner/repository};
 *       a repository's subfolders are kept too, and its {@code mmproj} projector lies beside the model. The
 *       home is where {@code ~/.lmstudio-home-pointer} says, else the legacy {@code ~/.cache/lm-studio}, else
 *       {@code ~/.lmstudio} (see {@link #defaultLmStudio}).</li>
 * </ul>
 */
final class OtherTools {
    private static final Logger LOG = LoggerFactory.getLogger(OtherTools.class);
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    static final String OLLAMA_MODEL_LAYER = "application/vnd.ollama.image.model";
    static final String OLLAMA_PROJECTOR_LAYER = "application/vnd.ollama.image.projector";
    static final String OLLAMA_DEFAULT_HOST = "registry.ollama.ai";
    static final String OLLAMA_DEFAULT_NAMESPACE = "library";
    /** Where the Linux service keeps its models: {@code install.sh} makes the user {@code ollama} with this home. */
    static final Path OLLAMA_SERVICE_MODELS = Path.of("/usr/share/ollama/.ollama/models");

    private OtherTools() {
    }

    /**
     * @return Ollama's models directories: {@code OLLAMA_MODELS} or {@code <home>/.ollama/models}, then the Linux
     *     service's, when it exists and differs
     */
    static List<Path> defaultOllama(Map<String, String> env, Path home, Path serviceModels) {
        Set<Path> dirs = new LinkedHashSet<>();
        String dir = env.get("OLLAMA_MODELS");
        dirs.add(dir != null && !dir.isBlank() ? Path.of(dir) : home.resolve(".ollama").resolve("models"));
        if (Files.isDirectory(serviceModels)) {
            dirs.add(serviceModels);
        }
        return List.copyOf(dirs);
    }

    /**
     * LM Studio's models directory, {@code <LM Studio home>/models}, the home found as LM Studio's own
     * {@code findLMStudioHome} finds it (lmstudio-js, {@code packages/lms-common-server/src/findLMStudioHome.ts}):
     * the path in {@code ~/.lmstudio-home-pointer}, else {@code ~/.cache/lm-studio} when it exists (before
     * 0.3), else {@code ~/.lmstudio}.
     */
    static Path defaultLmStudio(Path home) {
        Path pointer = home.resolve(".lmstudio-home-pointer");
        try {
            if (Files.isRegularFile(pointer)) {
                String target = Files.readString(pointer, StandardCharsets.UTF_8).strip();
                if (!target.isEmpty()) {
                    return Path.of(target).resolve("models");
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read {}: {}", pointer, e.toString());
        }
        Path old = home.resolve(".cache").resolve("lm-studio");
        return (Files.isDirectory(old) ? old : home.resolve(".lmstudio")).resolve("models");
    }

    /**
     * @param name a name as Ollama's users write it: {@code [host/][namespace/]model[:tag]}
     * @return the id {@link #ollama} gives that model (lower case): the default host, namespace and tag filled in
     */
    static String ollamaId(String name) {
        String n = name.strip();
        int colon = n.lastIndexOf(':');
        String tag = colon > n.lastIndexOf('/') ? n.substring(colon + 1) : "latest";
        String path = colon > n.lastIndexOf('/') ? n.substring(0, colon) : n;
        String[] parts = path.split("/", -1);
        String host = parts.length == 3 ? parts[0] : OLLAMA_DEFAULT_HOST;
        String namespace = parts.length >= 2 ? parts[parts.length - 2] : OLLAMA_DEFAULT_NAMESPACE;
        return "ollama:" + display(host, namespace, parts[parts.length - 1], tag).toLowerCase(Locale.ROOT);
    }

    static List<StoredModel> ollama(List<Path> dirs) {
        List<StoredModel> found = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (Path dir : dirs) {
            for (StoredModel m : ollama(dir)) {
                if (ids.add(m.id())) {
                    found.add(m);
                }
            }
        }
        return found;
    }

    static List<StoredModel> ollama(Path models) {
        List<StoredModel> found = new ArrayList<>();
        Path manifests = models.resolve("manifests");
        if (!Files.isDirectory(manifests)) {
            return found;
        }
        // As Ollama's Manifests(): every file matching manifests/*/*/*/*, named by its four parts.
        try (Stream<Path> files = Files.walk(manifests, 4)) {
            for (Path manifest : (Iterable<Path>) files::iterator) {
                Path rel = manifests.relativize(manifest);
                if (rel.getNameCount() == 4 && Files.isRegularFile(manifest)) {
                    ollamaModel(models, rel, manifest).ifPresent(found::add);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read Ollama's models in {}: {}", models, e.getMessage());
        }
        return found;
    }

    private static Optional<StoredModel> ollamaModel(Path models, Path rel, Path manifest) {
        String host = rel.getName(0).toString();
        String namespace = rel.getName(1).toString();
        String model = rel.getName(2).toString();
        String tag = rel.getName(3).toString();
        if (!validPart(host, true, true) || !validPart(namespace, false, false) || !validPart(model, true, false)
                || !validPart(tag, true, false)) {
            LOG.debug("ignoring {}: not a name Ollama makes", manifest);
            return Optional.empty();
        }
        String name = display(host, namespace, model, tag);
        try {
            JsonNode root = MAPPER.readTree(Files.readAllBytes(manifest));
            Optional<Path> blob = Optional.empty();
            Optional<Path> projector = Optional.empty();
            String digest = null;
            for (JsonNode layer : root.path("layers")) {
                String mediaType = layer.path("mediaType").asString("");
                if (OLLAMA_MODEL_LAYER.equals(mediaType)) {
                    digest = layer.path("digest").asString("");
                    blob = blob(models, digest);
                } else if (OLLAMA_PROJECTOR_LAYER.equals(mediaType) && projector.isEmpty()) {
                    projector = blob(models, layer.path("digest").asString(""));
                }
            }
            if (blob.isEmpty()) {
                LOG.debug("Ollama's {} has no model blob here", name);
                return Optional.empty();
            }
            if (!isGguf(blob.get())) {
                // Models Ollama made from safetensors for its own engine are not GGUF: llama.cpp cannot load them.
                LOG.debug("Ollama's {} is not a GGUF file", name);
                return Optional.empty();
            }
            Optional<String> quantization = blob(models, root.path("config").path("digest").asString(""))
                    .flatMap(OtherTools::fileType).or(() -> QuantizationNames.of(tag));
            return Optional.of(new StoredModel("ollama:" + name.toLowerCase(Locale.ROOT), ModelSource.OLLAMA,
                    blob.get(), Optional.of(name.substring(0, name.lastIndexOf(':'))), Optional.of(tag), name,
                    quantization, Files.size(blob.get()), Optional.of(digest.substring(7).toLowerCase(Locale.ROOT)),
                    Optional.of(Files.getLastModifiedTime(manifest).toInstant()), Optional.empty(), projector));
        } catch (IOException | RuntimeException e) {
            LOG.debug("ignoring the unreadable Ollama manifest {}: {}", manifest, e.toString());
        }
        return Optional.empty();
    }

    /** As {@code manifest.BlobsPath}: only a SHA-256 digest, {@code sha256:<hex>}, names a blob, {@code sha256-<hex>}. */
    private static Optional<Path> blob(Path models, String digest) {
        if (!digest.matches("sha256[:-][0-9a-fA-F]{64}")) {
            return Optional.empty();
        }
        Path blob = models.resolve("blobs").resolve(digest.replace(':', '-'));
        return Files.isRegularFile(blob) ? Optional.of(blob) : Optional.empty();
    }

    private static Optional<String> fileType(Path config) {
        try {
            if (Files.size(config) > 1 << 20) {
                return Optional.empty();
            }
            String type = MAPPER.readTree(Files.readAllBytes(config)).path("file_type").asString("");
            return QuantizationNames.of(type + ".gguf").or(() -> type.isBlank() ? Optional.empty()
                    : Optional.of(type.toUpperCase(Locale.ROOT)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean isGguf(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(4), StandardCharsets.US_ASCII).equals("GGUF");
        } catch (IOException e) {
            return false;
        }
    }

    /** Ollama's {@code DisplayShortest}: the default host and namespace are left out, the tag always kept. */
    private static String display(String host, String namespace, String model, String tag) {
        String prefix = !host.equalsIgnoreCase(OLLAMA_DEFAULT_HOST) ? host + "/" + namespace + "/"
                : !namespace.equalsIgnoreCase(OLLAMA_DEFAULT_NAMESPACE) ? namespace + "/" : "";
        return prefix + model + ":" + tag;
    }

    /**
     * Ollama's {@code isValidPart}: 1 to 80 characters (350 for a host), the first a letter, digit or
     * underscore, the rest also {@code -} or {@code .} ({@code .} not in a namespace), {@code :} in a host only.
     */
    private static boolean validPart(String s, boolean dots, boolean host) {
        if (s.isEmpty() || s.length() > (host ? 350 : 80)) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean word = c < 128 && (Character.isLetterOrDigit(c) || c == '_');
            if (i == 0 ? !word : !(word || c == '-' || c == '.' && dots || c == ':' && host)) {
                return false;
            }
        }
        return true;
    }

    static List<StoredModel> lmStudio(Path models) {
        List<StoredModel> found = new ArrayList<>();
        if (!Files.isDirectory(models)) {
            return found;
        }
        try (DirectoryStream<Path> publishers = Files.newDirectoryStream(models, Files::isDirectory)) {
            for (Path publisher : publishers) {
                try (DirectoryStream<Path> repos = Files.newDirectoryStream(publisher, Files::isDirectory)) {
                    for (Path repo : repos) {
                        lmStudioRepository(models, repo, found);
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read LM Studio's models in {}: {}", models, e.getMessage());
        }
        return found;
    }

    private static void lmStudioRepository(Path models, Path repo, List<StoredModel> found) throws IOException {
        String repository = models.relativize(repo).toString().replace('\\', '/');
        try (Stream<Path> files = Files.walk(repo, 3)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (!Projectors.isGguf(name) || Projectors.isProjector(name) || Shards.index(name) != 1
                        || !Files.isRegularFile(f)) {
                    continue;
                }
                long size = 0;
                boolean complete = true;
                for (int i = 1; i <= Shards.count(name) && complete; i++) {
                    Path shard = i == 1 ? f : f.resolveSibling(Shards.name(name, i));
                    complete = Files.isRegularFile(shard);
                    size += complete ? Files.size(shard) : 0;
                }
                if (!complete) {
                    continue;
                }
                String file = repo.relativize(f).toString().replace('\\', '/');
                Optional<String> quantization = QuantizationNames.of(name);
                found.add(new StoredModel("lmstudio:" + repository + "/" + file, ModelSource.LM_STUDIO, f,
                        Optional.of(repository), Optional.empty(), file, quantization, size, Optional.empty(),
                        Optional.of(Files.getLastModifiedTime(f).toInstant()), Optional.empty(),
                        Projectors.beside(f.getParent(), quantization)));
            }
        }
    }
}
