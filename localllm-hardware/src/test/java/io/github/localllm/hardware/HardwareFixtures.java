package io.github.localllm.hardware;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/** Recorded outputs (see src/test/resources/hardware/SOURCES.md) and the fakes that replay them. */
final class HardwareFixtures {
    private HardwareFixtures() {
    }

    static String text(String resource) {
        return read(path(resource));
    }

    static Path path(String resource) {
        try {
            return Path.of(HardwareFixtures.class.getResource("/hardware/" + resource).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource hardware/" + resource, e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replays outputs by tool name; a tool with no recording is not installed. Counts every call. */
    static final class ScriptedRunner implements CommandRunner {
        private final Map<String, Function<List<String>, CommandResult>> tools = new HashMap<>();
        final List<List<String>> calls = new ArrayList<>();
        final AtomicInteger count = new AtomicInteger();

        ScriptedRunner prints(String tool, String stdout) {
            return answer(tool, cmd -> new CommandResult.Completed(cmd, 0, stdout, ""));
        }

        ScriptedRunner fails(String tool, int exitCode, String stdout) {
            return answer(tool, cmd -> new CommandResult.Completed(cmd, exitCode, stdout, ""));
        }

        ScriptedRunner answer(String tool, Function<List<String>, CommandResult> answer) {
            tools.put(tool, answer);
            return this;
        }

        @Override
        public synchronized CommandResult run(List<String> command, Duration timeout) {
            calls.add(command);
            count.incrementAndGet();
            Function<List<String>, CommandResult> answer = tools.get(command.get(0));
            return answer == null ? new CommandResult.NotFound(command, "Cannot run program \"" + command.get(0)
                    + "\": error=2, No such file or directory") : answer.apply(command);
        }
    }

    /** A recorded machine in place of OSHI. */
    record FakeProbe(String osVersion, String cpuName, int physicalCores, int logicalCores,
                     List<String> cpuFeatureFlags, long totalMemoryBytes, long availableMemoryBytes,
                     List<GraphicsCard> graphicsCards, int availableProcessors) implements SystemProbe {

        /** A machine whose every logical processor the JVM may use, whatever the machine running the test. */
        FakeProbe(String osVersion, String cpuName, int physicalCores, int logicalCores, List<String> cpuFeatureFlags,
                  long totalMemoryBytes, long availableMemoryBytes, List<GraphicsCard> graphicsCards) {
            this(osVersion, cpuName, physicalCores, logicalCores, cpuFeatureFlags, totalMemoryBytes,
                    availableMemoryBytes, graphicsCards, logicalCores);
        }

        static FakeProbe typical() {
            return new FakeProbe("test-os 1.0", "Test CPU", 8, 16, List.of(), 32L << 30, 20L << 30, List.of());
        }

        FakeProbe withCards(List<GraphicsCard> cards) {
            return new FakeProbe(osVersion, cpuName, physicalCores, logicalCores, cpuFeatureFlags, totalMemoryBytes,
                    availableMemoryBytes, cards, availableProcessors);
        }

        /** The machine in a container limited to {@code processors} CPUs. */
        FakeProbe withAvailableProcessors(int processors) {
            return new FakeProbe(osVersion, cpuName, physicalCores, logicalCores, cpuFeatureFlags, totalMemoryBytes,
                    availableMemoryBytes, graphicsCards, processors);
        }
    }

    /** A recorded machine whose free RAM changes whenever the test says, as other programs come and go. */
    static final class ShiftingMemoryProbe implements SystemProbe {
        private final SystemProbe machine;
        final AtomicLong availableMemory;
        final AtomicInteger availableMemoryReads = new AtomicInteger();

        ShiftingMemoryProbe(SystemProbe machine) {
            this.machine = machine;
            this.availableMemory = new AtomicLong(machine.availableMemoryBytes());
        }

        @Override
        public String osVersion() {
            return machine.osVersion();
        }

        @Override
        public String cpuName() {
            return machine.cpuName();
        }

        @Override
        public int physicalCores() {
            return machine.physicalCores();
        }

        @Override
        public int logicalCores() {
            return machine.logicalCores();
        }

        @Override
        public int availableProcessors() {
            return machine.availableProcessors();
        }

        @Override
        public List<String> cpuFeatureFlags() {
            return machine.cpuFeatureFlags();
        }

        @Override
        public long totalMemoryBytes() {
            return machine.totalMemoryBytes();
        }

        @Override
        public long availableMemoryBytes() {
            availableMemoryReads.incrementAndGet();
            return availableMemory.get();
        }

        @Override
        public List<GraphicsCard> graphicsCards() {
            return machine.graphicsCards();
        }
    }

    /** A probe whose every query fails, like OSHI without its native library. */
    static final class BrokenProbe implements SystemProbe {
        private static RuntimeException broken() {
            return new IllegalStateException("native access unavailable");
        }

        @Override
        public String osVersion() {
            throw broken();
        }

        @Override
        public String cpuName() {
            throw broken();
        }

        @Override
        public int physicalCores() {
            throw broken();
        }

        @Override
        public int logicalCores() {
            throw broken();
        }

        @Override
        public List<String> cpuFeatureFlags() {
            throw broken();
        }

        @Override
        public long totalMemoryBytes() {
            throw broken();
        }

        @Override
        public long availableMemoryBytes() {
            throw broken();
        }

        @Override
        public List<GraphicsCard> graphicsCards() {
            throw broken();
        }
    }
}
