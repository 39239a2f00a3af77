package io.github.localllm.registry.hf;

import io.github.localllm.gguf.QuantizationNames;
import io.github.localllm.registry.GgufVariant;
import io.github.localllm.registry.RepoFile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What GGUF file names say: the quantization ({@code Q4_K_M}, {@code IQ2_XXS}, {@code MXFP4}, ...), the shard
 * of a split model ({@code -00001-of-00003.gguf}, as {@code llama-gguf-split} names them) and whether a file
 * is a multimodal projector ({@code mmproj}). Names are free text, so this reads the conventions of
 * llama.cpp's {@code convert_hf_to_gguf.py} and {@code llama-quantize} and of the large GGUF publishers.
 */
public final class GgufNames {
    private static final Pattern SHARD = Pattern.compile("(?i)^(.*)-(\\d{5})-of-(\\d{5})\\.gguf$");

    private GgufNames() {
    }

    /**
     * @param fileName a file name or path, e.g. {@code qwen2.5-0.5b-instruct-q4_k_m.gguf}
     * @return its quantization in upper case ({@code Q4_K_M}; {@code FP16} reads as {@code F16}), when the name says it
     */
    public static Optional<String> quantization(String fileName) {
        return QuantizationNames.of(fileName);
    }

    /** @param path a file path @return whether it is a GGUF file */
    public static boolean isGguf(String path) {
        return path.toLowerCase(Locale.ROOT).endsWith(".gguf");
    }

    /** @param path a GGUF file path @return whether it is a multimodal projector, not a language model */
    public static boolean isProjector(String path) {
        return path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT).contains("mmproj");
    }

    /**
     * Groups a repository's files into GGUF variants: each single file, and each split model's shards
     * together (in order; a split model missing a shard is left out, as no engine can load it), each with
     * the projector that suits it.
     *
     * @param repository the repository
     * @param revision the commit the files were listed at
     * @param files the repository's files
     * @return the variants, smallest first
     */
    public static List<GgufVariant> variants(String repository, String revision, List<RepoFile> files) {
        List<RepoFile> projectors = projectors(files);
        Map<String, List<RepoFile>> groups = new LinkedHashMap<>();
        Map<String, Integer> shardCounts = new LinkedHashMap<>();
        for (RepoFile f : files) {
            if (!isGguf(f.path()) || isProjector(f.path())) {
                continue;
            }
            Matcher shard = SHARD.matcher(f.path());
            if (shard.matches()) {
                String key = shard.group(1) + "#" + shard.group(3);
                groups.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
                shardCounts.put(key, Integer.parseInt(shard.group(3)));
            } else {
                groups.computeIfAbsent(f.path(), k -> new ArrayList<>()).add(f);
            }
        }
        List<GgufVariant> variants = new ArrayList<>();
        groups.forEach((key, group) -> {
            Integer count = shardCounts.get(key);
            if (count != null) {
                group.sort(Comparator.comparing(RepoFile::path));
                if (group.size() != count || !complete(group)) {
                    return;
                }
            }
            Optional<String> quantization = quantization(group.get(0).path());
            String directory = directory(group.get(0).path());
            variants.add(new GgufVariant(repository, revision, quantization, group,
                    projectorFor(quantization, directory, projectors)));
        });
        variants.sort(Comparator.comparingLong(GgufVariant::size).thenComparing(v -> v.firstFile().path()));
        return variants;
    }

    /** @param files a repository's files @return its projector files */
    public static List<RepoFile> projectors(List<RepoFile> files) {
        return files.stream().filter(f -> isGguf(f.path()) && isProjector(f.path())).toList();
    }

    private static boolean complete(List<RepoFile> shards) {
        for (int i = 0; i < shards.size(); i++) {
            Matcher m = SHARD.matcher(shards.get(i).path());
            if (!m.matches() || Integer.parseInt(m.group(2)) != i + 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * The projector beside a model: in its folder if any is, else anywhere; the one at the model's own
     * quantization, else the full-precision one (F16, BF16, F32) llama.cpp publishes by default, else the first.
     */
    private static Optional<RepoFile> projectorFor(Optional<String> quantization, String directory,
                                                   List<RepoFile> projectors) {
        List<RepoFile> near = projectors.stream().filter(p -> directory(p.path()).equals(directory)).toList();
        List<RepoFile> pool = near.isEmpty() ? projectors : near;
        if (pool.isEmpty()) {
            return Optional.empty();
        }
        for (String wanted : new String[] {quantization.orElse(""), "F16", "BF16", "F32"}) {
            for (RepoFile p : pool) {
                if (!wanted.isEmpty() && quantization(p.path()).filter(wanted::equals).isPresent()) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.of(pool.get(0));
    }

    private static String directory(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }
}
