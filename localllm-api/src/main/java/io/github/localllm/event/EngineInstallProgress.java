package io.github.localllm.event;

import java.time.Instant;

/**
 * Progress while the SDK installs an inference engine on request, such as a {@code llama-server}
 * build from llama.cpp's release archives: reading the published digests, downloading, verifying,
 * unpacking. Apart from {@link ModelPullProgress} so that a listener summing model downloads does not
 * count engine archives.
 *
 * @param time when
 * @param engine the engine being installed, by its id, e.g. {@code llamaserver}
 * @param version the engine's version being installed, e.g. {@code b10470}
 * @param variant the build variant, e.g. {@code linux-x64-vulkan}
 * @param status what the installer is doing, e.g. {@code downloading llama-b10470-bin-ubuntu-x64.tar.gz},
 *     {@code verifying sha256}, {@code unpacking}, {@code installed}
 * @param completedBytes bytes done in all of the installation's downloads, or {@code -1} when the step has no size
 * @param totalBytes bytes of all of the installation's downloads, or {@code -1} when unknown
 */
public record EngineInstallProgress(Instant time, String engine, String version, String variant, String status,
                                    long completedBytes, long totalBytes) implements LocalLlmEvent {

    /** @return the share done, 0 to 1, or {@code -1} when unknown */
    public double fraction() {
        return totalBytes <= 0 || completedBytes < 0 ? -1 : Math.min(1.0, (double) completedBytes / totalBytes);
    }
}
