package io.github.localllm.store;

import io.github.localllm.gguf.QuantizationNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Models other tools keep, read in place and never changed.
 *
 * <ul>
 *   <li>Ollama ({@code server/modelpath.go}, {@code server/manifest.go}): {@code $OLLAMA_MODELS} (default
 *       {@code ~/.ollama/models}) holds {@code manifests/<host>/<namespace>/<model>/<tag>}, Docker-style
 *       JSON manifests whose layer of media type {@code application/vnd.ollama.image.model} is the GGUF
 *       file, stored as {@code blobs/sha256-<hex>}. {@code registry.ollama.ai/library/qwen2.5/7b} is
 *       the model {@code qwen2.5:7b}.</li>
 *   <li>LM Studio: {@code ~/.lmstudio/models/<publisher>/<repository>/<file>.gguf} (before 0.3,
 *       {@code ~/.cache/lm-studio/models}).</li>
 * </ul>
 */
final class OtherTools {
    private static final Logger LOG = LoggerFactory.getLogger(OtherTools.class);
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    static final String OLLAMA_MODEL_LAYER = "application/vnd.ollama.image.model";

    private OtherTools() {
    }

    static Path defaultOllama(Map<String, String> env) {
        String dir = env.get("OLLAMA_MODELS");
        return dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".ollama", "models");
    }

    static Path defaultLmStudio() {
        Path home = Path.of(System.getProperty("user.home"));
        Path current = home.resolve(".lmstudio").resolve("models");
        Path old = home.resolve(".cache").resolve("lm-studio").resolve("models");
        return Files.isDirectory(current) || !Files.isDirectory(old) ? current : old;
    }

    static List<StoredModel> ollama(Path models) {
        List<StoredModel> found = new ArrayList<>();
        Path manifests = models.resolve("manifests");
        if (!Files.isDirectory(manifests)) {
            return found;
        }
        try (Stream<Path> files = Files.walk(manifests, 4)) {
            for (Path manifest : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(manifest) && manifests.relativize(manifest).getNameCount() == 4) {
                    ollamaModel(models, manifests.relativize(manifest), manifest).ifPresent(found::add);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read Ollama's models in {}: {}", models, e.getMessage());
        }
        return found;
    }

    private static Optional<StoredModel> ollamaModel(Path models, Path relative, Path manifest) {
        String host = relative.getName(0).toString();
        String namespace = relative.getName(1).toString();
        String model = relative.getName(2).toString();
        String tag = relative.getName(3).toString();
        String name = (host.equals("registry.ollama.ai") ? (namespace.equals("library") ? "" : namespace + "/")
                : host + "/" + namespace + "/") + model + ":" + tag;
        try {
            JsonNode root = MAPPER.readTree(Files.readAllBytes(manifest));
            for (JsonNode layer : root.path("layers")) {
                if (!OLLAMA_MODEL_LAYER.equals(layer.path("mediaType").asString(""))) {
                    continue;
                }
                String digest = layer.path("digest").asString("");
                if (!digest.matches("sha256:[0-9a-f]{64}")) {
                    return Optional.empty();
                }
                Path blob = models.resolve("blobs").resolve(digest.replace(':', '-'));
                if (!Files.isRegularFile(blob)) {
                    LOG.debug("Ollama's {} names the missing blob {}", name, blob);
                    return Optional.empty();
                }
                return Optional.of(new StoredModel("ollama:" + name, ModelSource.OLLAMA, blob,
                        Optional.of(name.substring(0, name.lastIndexOf(':'))), Optional.of(tag), model + ":" + tag,
                        QuantizationNames.of(tag), Files.size(blob), Optional.of(digest.substring(7)), Optional.empty(),
                        Optional.empty()));
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("ignoring the unreadable Ollama manifest {}: {}", manifest, e.toString());
        }
        return Optional.empty();
    }

    static List<StoredModel> lmStudio(Path models) {
        List<StoredModel> found = new ArrayList<>();
        if (!Files.isDirectory(models)) {
            return found;
        }
        try (Stream<Path> files = Files.walk(models, 3)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path rel = models.relativize(f);
                if (rel.getNameCount() != 3 || !Files.isRegularFile(f)
                        || !f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf")) {
                    continue;
                }
                String repository = rel.getName(0) + "/" + rel.getName(1);
                String file = rel.getName(2).toString();
                found.add(new StoredModel("lmstudio:" + repository + "/" + file, ModelSource.LM_STUDIO, f,
                        Optional.of(repository), Optional.empty(), file, QuantizationNames.of(file), Files.size(f),
                        Optional.empty(), Optional.empty(), Optional.empty()));
            }
        } catch (IOException e) {
            LOG.warn("cannot read LM Studio's models in {}: {}", models, e.getMessage());
        }
        return found;
    }
}
