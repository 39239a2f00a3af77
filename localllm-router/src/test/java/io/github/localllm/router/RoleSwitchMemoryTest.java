package io.github.localllm.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.GenerationRequest;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelRef;
import io.github.localllm.ResponseFormat;
import io.github.localllm.SamplingParameters;
import io.github.localllm.backend.llamaserver.LlamaServerBackendProvider;
import io.github.localllm.config.ConfigEnvironment;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.gguf.GgmlType;
import io.github.localllm.gguf.SyntheticModel;
import io.github.localllm.spi.InferenceBackend;
import io.github.localllm.testkit.RealEngines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bar for roles: ten switches among three models, one resident at a time, on the real
 * llama-server, end within 100 MiB of the memory the first switch used, counting this JVM and every
 * server process it started.
 */
class RoleSwitchMemoryTest {
    private static final Logger LOG = LoggerFactory.getLogger(RoleSwitchMemoryTest.class);
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void tenSwitchesAmongThreeModelsReturnTheirMemory() throws IOException {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "resident memory is read from /proc");
        Path server = RealEngines.llamaServer();
        String[] roleNames = {"planner", "critic", "executor"};
        Roles.Builder builder;
        LocalLlmConfig config = LocalLlmConfig.load(Map.of("llamaserver.path", server.toString(),
                        "llamaserver.state.dir", dir.resolve("state").toString(),
                        "llamaserver.engines.dir", dir.resolve("engines").toString()), Map.of(),
                new ConfigEnvironment(Map.of(), Map.of(), dir, dir.resolve("config.json")));
        try (InferenceBackend engine = new LlamaServerBackendProvider().create(config)) {
            builder = Roles.builder(engine).maxResident(1);
            for (String role : roleNames) {
                Path file = dir.resolve(role + ".gguf");
                // About 36 MB each: big enough that a model left behind shows, small enough for CI.
                SyntheticModel.withParameterCount(30_000_000).tensorType(GgmlType.Q8_0).name(role).build()
                        .write(file);
                builder.role(role, ModelRef.file(file), LoadOptions.builder().contextSize(256).threads(2).build());
            }
            // Random weights make random bytes, which b10470 refuses as invalid UTF-8: a grammar keeps them text.
            GenerationRequest request = GenerationRequest.builder().prompt("Once upon a time").raw(true)
                    .maxTokens(8).sampling(SamplingParameters.greedy())
                    .responseFormat(ResponseFormat.grammar("root ::= [a-z ]+")).build();
            List<Long> mib = new ArrayList<>();
            List<Long> jvm = new ArrayList<>();
            try (Roles roles = builder.build()) {
                for (int use = 0; use <= 10; use++) {
                    String role = roleNames[use % 3];
                    assertThat(roles.model(role).generate(request).text()).isNotNull();
                    assertThat(roles.resident()).containsExactly(role);
                    if (use > 0) {
                        mib.add(residentWithChildren() / MIB);
                        jvm.add(rss(ProcessHandle.current().pid()) / MIB);
                    }
                }
                assertThat(roles.loads()).isEqualTo(11);
            }
            LOG.info("resident MiB after each of 10 role switches: JVM + servers {}, JVM alone {}", mib, jvm);
            assertThat(mib.get(9) - mib.get(0)).as("growth from the first switch to the tenth, MiB %s", mib)
                    .isLessThan(100);
            assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().orElse("").endsWith("llama-server")).count())
                    .as("no server outlives the roles").isZero();
        }
    }

    /** This JVM's resident set plus that of every process it started. */
    private static long residentWithChildren() {
        long total = rss(ProcessHandle.current().pid());
        for (ProcessHandle p : ProcessHandle.current().descendants().toList()) {
            total += Math.max(0, rss(p.pid()));
        }
        return total;
    }

    private static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"),
                    StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).strip().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended meanwhile
        }
        return 0;
    }
}
