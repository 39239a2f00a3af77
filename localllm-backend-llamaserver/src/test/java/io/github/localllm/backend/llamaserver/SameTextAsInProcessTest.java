package io.github.localllm.backend.llamaserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.localllm.FinishReason;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.LoadOptions;
import io.github.localllm.ModelInstance;
import io.github.localllm.ModelRef;
import io.github.localllm.SamplingParameters;
import io.github.localllm.backend.llamacpp.LlamaCppBackend;
import io.github.localllm.spi.ModelLoadRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Greedy text from this engine (llama-server b10470) equals the in-process engine's (llama.cpp b4916)
 * on the same GGUF file: the real stories260K model at F16 and Q8_0, raw prompts, 64 tokens or up to
 * the end of the story, each prompt asked of both.
 *
 * <p>Both compute attention the same way: the server with flash attention off, as the in-process
 * engine runs it (it turns flash attention on only for a quantized cache). Left to itself, b10470
 * turns it on for the CPU ({@code --flash-attn auto}), which rounds the query to the cache's F16 and
 * sums the softmax online, so the logits differ in their last bits; where two tokens are nearly tied,
 * greedy decoding then picks the other. Measured: with flash attention on, the Q8_0 file continues "The
 * little dog was sad because he loved to play with his" with "toys", the in-process engine with
 * "friends" (the F16 file and the other prompts agree either way); with it off the server says
 * "friends" too. Sampling (temperature 0 is greedy in both builds), the beginning-of-sequence token
 * (both add it, as the file asks) and the prompt cache (both keep it) make no difference here.
 */
@ExtendWith(NoOrphans.class)
class SameTextAsInProcessTest {
    private static final List<String> PROMPTS = List.of("Once upon a time", "Lily and Tom went to the park.",
            "The little dog was sad because");
    private static final int TOKENS = 64;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"stories260K-f16.gguf", "stories260K-q8_0.gguf"})
    void greedyTextIsTheInProcessEngines(String fileName) {
        Path file = TestEngines.model().resolveSibling(fileName);
        if (!Files.isRegularFile(file)) {
            // The F16 file is the one TestEngines requires; its Q8_0 sibling comes with it in ../shared/models.
            file = TestEngines.model();
        }
        LoadOptions options = LoadOptions.builder().contextSize(512).threads(2)
                .engineOptions(LlamaServerOptions.builder().parallel(1).flashAttention(false).build()).build();
        List<String> server;
        try (LlamaServerBackend backend = TestEngines.backend(dir)) {
            server = answers(backend.load(ModelLoadRequest.ofFile(file, options)));
        }
        List<String> inProcess;
        try (LlamaCppBackend backend = new LlamaCppBackend()) {
            inProcess = answers(backend.load(ModelLoadRequest.ofFile(file, LoadOptions.builder().contextSize(512)
                    .threads(2).build())));
        }
        for (int i = 0; i < PROMPTS.size(); i++) {
            assertThat(server.get(i)).as("%s, prompt \"%s\": llama-server b10470 against llama.cpp b4916 in process",
                    file.getFileName(), PROMPTS.get(i)).isEqualTo(inProcess.get(i));
        }
    }

    private static List<String> answers(ModelInstance model) {
        List<String> out = new ArrayList<>();
        try (model) {
            for (String prompt : PROMPTS) {
                GenerationResult r = model.generate(GenerationRequest.builder().prompt(prompt).raw(true)
                        .sampling(SamplingParameters.greedy()).maxTokens(TOKENS).build());
                // A story that ends early ends on both; an empty answer would prove nothing.
                assertThat(r.text()).as("%s on \"%s\"", model.info().backend(), prompt).isNotBlank();
                assertThat(r.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
                out.add(r.text());
            }
        }
        return out;
    }
}
