package io.github.localllm.hardware;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.HardwareAbstractionLayer;

/** {@link SystemProbe} over OSHI. */
final class OshiSystemProbe implements SystemProbe {
    /**
     * OSHI lists graphics cards by running lspci/lshw (Linux) or system_profiler (macOS) without a
     * time limit of its own, so the call is bounded here like every other external tool.
     */
    private static final long GRAPHICS_LIMIT_MILLIS = CommandRunner.DEFAULT_TIMEOUT.toMillis();

    private final SystemInfo systemInfo = new SystemInfo();
    private final HardwareAbstractionLayer hal = systemInfo.getHardware();

    @Override
    public String osVersion() {
        return String.valueOf(systemInfo.getOperatingSystem().getVersionInfo());
    }

    @Override
    public String cpuName() {
        return processor().getProcessorIdentifier().getName();
    }

    @Override
    public int physicalCores() {
        return processor().getPhysicalProcessorCount();
    }

    @Override
    public int logicalCores() {
        return processor().getLogicalProcessorCount();
    }

    @Override
    public List<String> cpuFeatureFlags() {
        return processor().getFeatureFlags();
    }

    @Override
    public long totalMemoryBytes() {
        return hal.getMemory().getTotal();
    }

    @Override
    public long availableMemoryBytes() {
        return hal.getMemory().getAvailable();
    }

    @Override
    public List<GraphicsCard> graphicsCards() {
        CompletableFuture<List<GraphicsCard>> cards = new CompletableFuture<>();
        Thread lister = new Thread(() -> {
            try {
                cards.complete(hal.getGraphicsCards().stream()
                        .map(c -> new GraphicsCard(c.getName(), c.getVendor(), c.getDeviceId(), c.getVRam(),
                                c.getVersionInfo()))
                        .toList());
            } catch (RuntimeException | LinkageError e) {
                cards.completeExceptionally(e);
            }
        }, "localllm-oshi-graphics");
        lister.setDaemon(true);
        lister.start();
        try {
            return cards.get(GRAPHICS_LIMIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while OSHI listed graphics cards", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("OSHI could not list graphics cards: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("OSHI did not list graphics cards within " + GRAPHICS_LIMIT_MILLIS
                    + " ms");
        }
    }

    private CentralProcessor processor() {
        return hal.getProcessor();
    }
}
