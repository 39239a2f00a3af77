package io.github.localllm.backend.llamaserver;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What {@link LlamaServerInstaller#install(InstallPlan)} would do, known without downloading
 * anything: the build and variant chosen, the archives with their addresses, sizes and digests,
 * and where the engine goes.
 *
 * @param build the llama.cpp build number, e.g. {@code 10470}
 * @param platform the platform the build is for
 * @param accelerator the accelerator of the chosen variant, which may differ from the one asked
 *     for when this build publishes none for it (then {@link #notes()} says why)
 * @param variant the variant's name, e.g. {@code linux-x64-vulkan}: the directory below
 *     {@code b<build>/} in the engines directory
 * @param directory where the engine is unpacked
 * @param assets the archives to download and unpack there, in order
 * @param notes what the caller should know: a substituted accelerator, driver requirements
 * @param installed whether the variant is already installed there (then installing downloads nothing)
 */
public record InstallPlan(int build, Platform platform, Accelerator accelerator, String variant, Path directory,
                          List<ReleaseAsset> assets, List<String> notes, boolean installed) {

    /** Copies the lists and checks no part is missing. */
    public InstallPlan {
        if (build <= 0) {
            throw new IllegalArgumentException("a build number is positive, got " + build);
        }
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(accelerator, "accelerator");
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(directory, "directory");
        assets = List.copyOf(assets);
        notes = List.copyOf(notes);
        if (assets.isEmpty()) {
            throw new IllegalArgumentException("a plan downloads at least one archive");
        }
    }

    /** @return the release's tag, e.g. {@code b10470} */
    public String tag() {
        return "b" + build;
    }

    /** @return the server executable once installed: {@code llama-server} (or {@code .exe}) in {@link #directory()} */
    public Path server() {
        return directory.resolve(platform.serverFileName());
    }

    /** @return the bytes to download, if every asset's size is known without asking GitHub */
    public OptionalLong downloadBytes() {
        long total = 0;
        for (ReleaseAsset asset : assets) {
            if (asset.size().isEmpty()) {
                return OptionalLong.empty();
            }
            total += asset.size().getAsLong();
        }
        return OptionalLong.of(total);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("llama.cpp ").append(tag()).append(' ').append(variant)
                .append(installed ? ", installed in " : ", to install into ").append(directory);
        for (ReleaseAsset asset : assets) {
            s.append("\n  ").append(asset);
        }
        for (String note : notes) {
            s.append("\n  note: ").append(note);
        }
        return s.toString();
    }
}
