package io.github.localllm.registry.hf;

import io.github.localllm.hardware.CpuInfo;
import io.github.localllm.hardware.DiskInfo;
import io.github.localllm.hardware.HardwareProfile;
import io.github.localllm.hardware.MemoryInfo;
import io.github.localllm.hardware.Reading;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Hand-built machines, so plans do not depend on the machine the tests run on. */
final class Machines {
    static final long GIB = 1024L * 1024 * 1024;

    private Machines() {
    }

    static HardwareProfile withRam(long total, long available) {
        return new HardwareProfile("Linux", "6.8", "amd64", new CpuInfo("Test CPU", 4, 8, Set.of()),
                new MemoryInfo(Reading.of(total, "test"), Reading.of(available, "test")),
                new DiskInfo(Path.of("/models"), Reading.unknown("not measured in this test")), List.of(), Instant.EPOCH);
    }

    static HardwareProfile laptop() {
        return withRam(16 * GIB, 12 * GIB);
    }
}
