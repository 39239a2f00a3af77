package io.github.localllm.hardware;

import java.nio.file.Path;

/**
 * Storage where models are kept.
 *
 * @param directory the model directory (or its nearest existing parent)
 * @param freeBytes space available to this user there
 */
public record DiskInfo(Path directory, Reading<Long> freeBytes) {
}
