package io.github.localllm.backend.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreadDefaultsTest {
    @TempDir
    Path dir;

    @Test
    void generationUsesEveryPhysicalCoreAndBatchesOneFewer() {
        assertThat(ThreadDefaults.generationThreads(2)).isEqualTo(2);
        assertThat(ThreadDefaults.batchThreads(2)).isEqualTo(1);
        assertThat(ThreadDefaults.generationThreads(1)).isEqualTo(1);
        assertThat(ThreadDefaults.batchThreads(1)).isEqualTo(1);
        assertThat(ThreadDefaults.generationThreads(0)).isEqualTo(1);
    }

    @Test
    void hyperThreadsAreNotCounted() throws IOException {
        // Two cores with two hardware threads each, as /proc/cpuinfo lists them.
        StringBuilder cpuinfo = new StringBuilder();
        int processor = 0;
        for (int thread = 0; thread < 2; thread++) {
            for (int core = 0; core < 2; core++) {
                cpuinfo.append("processor\t: ").append(processor++).append("\nphysical id\t: 0\ncore id\t\t: ")
                        .append(core).append("\n\n");
            }
        }
        Path file = Files.writeString(dir.resolve("cpuinfo"), cpuinfo);
        assertThat(ThreadDefaults.linuxPhysicalCores(file)).isEqualTo(2);
        assertThat(ThreadDefaults.linuxPhysicalCores(dir.resolve("missing"))).isZero();
    }
}
