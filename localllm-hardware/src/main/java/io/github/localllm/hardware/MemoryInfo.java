package io.github.localllm.hardware;

/**
 * System memory.
 *
 * @param totalBytes installed RAM usable by the OS
 * @param availableBytes RAM that can be allocated now without swapping
 */
public record MemoryInfo(Reading<Long> totalBytes, Reading<Long> availableBytes) {
}
