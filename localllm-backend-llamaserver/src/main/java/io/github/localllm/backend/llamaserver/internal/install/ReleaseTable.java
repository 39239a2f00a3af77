package io.github.localllm.backend.llamaserver.internal.install;

import io.github.localllm.backend.llamaserver.Accelerator;
import io.github.localllm.backend.llamaserver.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the SDK knows of llama.cpp's official release archives, per pinned build, platform and
 * accelerator: the bundled {@code llama-cpp-releases.json}. Sizes and digests are GitHub's
 * published figures where they could be verified, absent otherwise (then the installer asks
 * GitHub's release API). Immutable.
 */
public final class ReleaseTable {
    /** Where llama.cpp's release assets are downloaded from: {@code <this>/<tag>/<asset name>}. */
    public static final URI OFFICIAL_DOWNLOADS = URI.create("https://github.com/ggml-org/llama.cpp/releases/download");
    /** Where GitHub's REST API answers for llama.cpp's releases: {@code <this>/tags/<tag>}. */
    public static final URI OFFICIAL_API = URI.create("https://api.github.com/repos/ggml-org/llama.cpp/releases");
    static final String RESOURCE = "llama-cpp-releases.json";
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final Map<Integer, Build> builds;

    private ReleaseTable(Map<Integer, Build> builds) {
        this.builds = Map.copyOf(builds);
    }

    /** @return the table bundled with the SDK */
    public static ReleaseTable bundled() {
        try (InputStream in = ReleaseTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the llama-server engine's jar; "
                        + "the jar is damaged, replace it");
            }
            return parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled " + RESOURCE, e);
        }
    }

    /**
     * @param json a table in the bundled file's shape
     * @return the table
     * @throws IllegalArgumentException if it is malformed
     */
    public static ReleaseTable parse(byte[] json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("a release table is not JSON: " + e.getOriginalMessage(), e);
        }
        Map<Integer, Build> builds = new LinkedHashMap<>();
        for (JsonNode b : root.path("builds")) {
            Build build = build(b);
            if (builds.put(build.number(), build) != null) {
                throw new IllegalArgumentException("build " + build.number() + " is listed twice");
            }
        }
        return new ReleaseTable(builds);
    }

    /** @return the build's entry, if the table has it */
    public Optional<Build> build(int number) {
        return Optional.ofNullable(builds.get(number));
    }

    private static Build build(JsonNode b) {
        int number = b.path("build").asInt(-1);
        String tag = text(b, "tag");
        if (number <= 0 || !tag.equals("b" + number)) {
            throw new IllegalArgumentException("a build needs a positive number and the tag b<number>, got "
                    + number + " and '" + tag + "'");
        }
        List<Variant> variants = new ArrayList<>();
        for (JsonNode v : b.path("variants")) {
            Platform platform = Arrays.stream(Platform.values()).filter(p -> p.id().equals(text(v, "platform")))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("unknown platform in " + v));
            Accelerator accelerator = Arrays.stream(Accelerator.values())
                    .filter(a -> a.id().equals(text(v, "accelerator"))).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown accelerator in " + v));
            List<Asset> assets = new ArrayList<>();
            for (JsonNode a : v.path("assets")) {
                assets.add(asset(tag, a));
            }
            List<String> notes = new ArrayList<>();
            v.path("notes").forEach(n -> notes.add(n.asString()));
            variants.add(new Variant(text(v, "id"), platform, accelerator, assets, notes));
        }
        return new Build(number, tag, b.path("commit").asString(""), variants);
    }

    private static Asset asset(String tag, JsonNode a) {
        String name = text(a, "name");
        URI url = URI.create(text(a, "url"));
        URI expected = URI.create(OFFICIAL_DOWNLOADS + "/" + tag + "/" + name);
        if (!url.equals(expected)) {
            throw new IllegalArgumentException("the address of " + name + " must be " + expected + ", got " + url);
        }
        JsonNode size = a.path("size");
        JsonNode sha256 = a.path("sha256");
        return new Asset(name, url, size.isNumber() ? OptionalLong.of(size.asLong()) : OptionalLong.empty(),
                sha256.isString() ? Optional.of(sha256.asString()) : Optional.empty(), a.path("source").asString(""));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isString() || value.asString().isBlank()) {
            throw new IllegalArgumentException("'" + field + "' is missing in " + node);
        }
        return value.asString();
    }

    /**
     * One pinned build.
     *
     * @param number the build number, e.g. {@code 10470}
     * @param tag its release tag, {@code b<number>}
     * @param commit the commit it was built from, abbreviated
     * @param variants the archives published for it, by platform and accelerator
     */
    public record Build(int number, String tag, String commit, List<Variant> variants) {
        /** Copies the list. */
        public Build {
            variants = List.copyOf(variants);
        }

        /**
         * Picks the variant for a platform and an accelerator: the exact one if published, else the
         * nearest: CUDA falls back to Vulkan (which runs NVIDIA GPUs), a GPU to the CPU, and a
         * platform with a single build (macOS on Apple Silicon: Metal and CPU in one) to that build.
         *
         * @return the variant and notes on any substitution, if anything is published for the platform
         */
        public Optional<Choice> choose(Platform platform, Accelerator accelerator) {
            List<Accelerator> order = new ArrayList<>(List.of(accelerator));
            if (accelerator == Accelerator.CUDA) {
                order.add(Accelerator.VULKAN);
            }
            order.add(Accelerator.CPU);
            order.addAll(List.of(Accelerator.values()));
            for (Accelerator candidate : order) {
                Optional<Variant> found = variants.stream()
                        .filter(v -> v.platform() == platform && v.accelerator() == candidate).findFirst();
                if (found.isPresent()) {
                    List<String> notes = new ArrayList<>();
                    if (candidate != accelerator) {
                        notes.add("llama.cpp publishes no " + accelerator.id() + " build of " + tag + " for "
                                + platform.id() + "; " + substitute(accelerator, candidate));
                    }
                    notes.addAll(found.get().notes());
                    return Optional.of(new Choice(found.get(), notes));
                }
            }
            return Optional.empty();
        }

        private static String substitute(Accelerator asked, Accelerator chosen) {
            if (asked == Accelerator.CUDA && chosen == Accelerator.VULKAN) {
                return "the Vulkan build runs NVIDIA GPUs through their Vulkan driver; for CUDA, build llama-server "
                        + "yourself and set llamaserver.path";
            }
            if (chosen == Accelerator.METAL) {
                return "its Metal build also runs on the CPU";
            }
            return "using the " + chosen.id() + " build";
        }
    }

    /**
     * One published build variant.
     *
     * @param id its name, e.g. {@code linux-x64-vulkan}
     * @param platform the platform it runs on
     * @param accelerator its compute backend
     * @param assets the archives to unpack together, in order
     * @param notes requirements worth telling the user
     */
    public record Variant(String id, Platform platform, Accelerator accelerator, List<Asset> assets, List<String> notes) {
        /** Copies the lists and checks there is an archive. */
        public Variant {
            Objects.requireNonNull(id, "id");
            assets = List.copyOf(assets);
            notes = List.copyOf(notes);
            if (assets.isEmpty()) {
                throw new IllegalArgumentException("variant " + id + " has no archive");
            }
        }
    }

    /**
     * One archive as the table records it.
     *
     * @param name its file name in the release
     * @param officialUri its address on GitHub
     * @param size its published size, if verified
     * @param sha256 its published SHA-256, if verified
     * @param source where the figures were verified
     */
    public record Asset(String name, URI officialUri, OptionalLong size, Optional<String> sha256, String source) {
    }

    /**
     * A variant chosen for a platform and an accelerator.
     *
     * @param variant the variant
     * @param notes why it differs from what was asked, and its requirements
     */
    public record Choice(Variant variant, List<String> notes) {
        /** Copies the list. */
        public Choice {
            notes = List.copyOf(notes);
        }
    }
}
