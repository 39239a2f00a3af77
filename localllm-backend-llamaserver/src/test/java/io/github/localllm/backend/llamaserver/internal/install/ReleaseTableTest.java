package io.github.localllm.backend.llamaserver.internal.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.localllm.backend.llamaserver.Accelerator;
import io.github.localllm.backend.llamaserver.Platform;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ReleaseTableTest {
    private final ReleaseTable.Build b10470 = ReleaseTable.bundled().build(10470).orElseThrow();

    @Test
    void knowsTheOfficialArchiveOfEveryPlatformAndAccelerator() {
        Map<String, List<String>> assets = b10470.variants().stream().collect(Collectors.toMap(ReleaseTable.Variant::id,
                v -> v.assets().stream().map(ReleaseTable.Asset::name).toList()));
        assertThat(assets).containsOnly(
                Map.entry("linux-x64-cpu", List.of("llama-b10470-bin-ubuntu-x64.tar.gz")),
                Map.entry("linux-x64-vulkan", List.of("llama-b10470-bin-ubuntu-vulkan-x64.tar.gz")),
                Map.entry("macos-arm64-metal", List.of("llama-b10470-bin-macos-arm64.tar.gz")),
                Map.entry("macos-x64-cpu", List.of("llama-b10470-bin-macos-x64.tar.gz")),
                Map.entry("windows-x64-cpu", List.of("llama-b10470-bin-win-cpu-x64.zip")),
                Map.entry("windows-x64-vulkan", List.of("llama-b10470-bin-win-vulkan-x64.zip")),
                Map.entry("windows-x64-cuda12", List.of("llama-b10470-bin-win-cuda-12.4-x64.zip",
                        "cudart-llama-bin-win-cuda-12.4-x64.zip")));
        assertThat(b10470.commit()).isEqualTo("34af94cd9");
    }

    @Test
    void carriesTheDigestsVerifiedFromTwoSourcesAndNoneInvented() {
        Map<String, String> digests = b10470.variants().stream().flatMap(v -> v.assets().stream())
                .filter(a -> a.sha256().isPresent())
                .collect(Collectors.toMap(ReleaseTable.Asset::name, a -> a.sha256().get() + " " + a.size().getAsLong()));
        assertThat(digests).containsOnly(
                Map.entry("llama-b10470-bin-ubuntu-vulkan-x64.tar.gz",
                        "21f765c89d87c9a7822cde1af199face8b927b099d28a853c53fb01604fcff6b 33272659"),
                Map.entry("llama-b10470-bin-macos-arm64.tar.gz",
                        "75c29cd80a67a8388b8ed08ea4a87531269a737c18945bdf3c3db6d5858024a9 11079764"),
                Map.entry("llama-b10470-bin-win-cpu-x64.zip",
                        "a31f1f317813ae7e044be183e0a20b90e78a80c0e97ee11a8b32a014eccd5043 18470203"),
                Map.entry("llama-b10470-bin-win-vulkan-x64.zip",
                        "2e89637b30e0e2f90d4ed486118e8642f60625b1dbebb9ba3a30bc4100306fc9 34815594"),
                Map.entry("llama-b10470-bin-win-cuda-12.4-x64.zip",
                        "e6f3fa9790ab7684ded44ade774dc94742ddb99e4b0abaf1603dab4f3d0803d3 250799028"),
                Map.entry("cudart-llama-bin-win-cuda-12.4-x64.zip",
                        "8c79a9b226de4b3cacfd1f83d24f962d0773be79f1e7b75c6af4ded7e32ae1d6 391443627"));
        // Both or neither: a size without a digest (or the reverse) would be half a promise.
        b10470.variants().stream().flatMap(v -> v.assets().stream())
                .forEach(a -> assertThat(a.size().isPresent()).as(a.name()).isEqualTo(a.sha256().isPresent()));
    }

    @Test
    void choosesTheExactVariantOrTheNearestWithAReason() {
        assertThat(choose(Platform.LINUX_X64, Accelerator.VULKAN)).isEqualTo("linux-x64-vulkan");
        assertThat(choose(Platform.WINDOWS_X64, Accelerator.CUDA)).isEqualTo("windows-x64-cuda12");
        assertThat(choose(Platform.MACOS_ARM64, Accelerator.METAL)).isEqualTo("macos-arm64-metal");
        assertThat(choose(Platform.LINUX_X64, Accelerator.CPU)).isEqualTo("linux-x64-cpu");

        ReleaseTable.Choice linuxCuda = b10470.choose(Platform.LINUX_X64, Accelerator.CUDA).orElseThrow();
        assertThat(linuxCuda.variant().id()).isEqualTo("linux-x64-vulkan");
        assertThat(linuxCuda.notes().get(0)).contains("no cuda build of b10470 for linux-x64", "Vulkan", "llamaserver.path");
        assertThat(choose(Platform.LINUX_X64, Accelerator.METAL)).isEqualTo("linux-x64-cpu");
        assertThat(choose(Platform.MACOS_ARM64, Accelerator.CPU)).isEqualTo("macos-arm64-metal");
        assertThat(choose(Platform.MACOS_X64, Accelerator.METAL)).isEqualTo("macos-x64-cpu");
        assertThat(choose(Platform.MACOS_ARM64, Accelerator.CUDA)).isEqualTo("macos-arm64-metal");
    }

    @Test
    void refusesAMalformedTable() {
        assertThatThrownBy(() -> ReleaseTable.parse(bytes("{\"builds\":[{\"build\":1,\"tag\":\"b2\"}]}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tag b<number>");
        String wrongUrl = "{\"builds\":[{\"build\":1,\"tag\":\"b1\",\"variants\":[{\"id\":\"linux-x64-cpu\","
                + "\"platform\":\"linux-x64\",\"accelerator\":\"cpu\",\"assets\":[{\"name\":\"a.tar.gz\","
                + "\"url\":\"https://example.com/a.tar.gz\"}]}]}]}";
        assertThatThrownBy(() -> ReleaseTable.parse(bytes(wrongUrl))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be https://github.com/ggml-org/llama.cpp/releases/download/b1/a.tar.gz");
    }

    private String choose(Platform platform, Accelerator accelerator) {
        return b10470.choose(platform, accelerator).orElseThrow().variant().id();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
