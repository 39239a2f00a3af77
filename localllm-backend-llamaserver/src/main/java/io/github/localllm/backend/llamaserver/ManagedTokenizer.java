package io.github.localllm.backend.llamaserver;

import io.github.localllm.Tokenizer;

/**
 * The tokenizer of a {@link ManagedModel}: each call goes to the server serving now (after a crash,
 * the restarted one), through the OpenAI-compatible engine's {@code /tokenize} and {@code /detokenize};
 * a server that died is reported as the crash it is.
 */
final class ManagedTokenizer implements Tokenizer {
    private final ManagedModel model;

    ManagedTokenizer(ManagedModel model) {
        this.model = model;
    }

    @Override
    public int[] tokenize(String text) {
        return model.onServer(m -> tokenizer(m).tokenize(text));
    }

    @Override
    public String detokenize(int[] tokens) {
        return model.onServer(m -> tokenizer(m).detokenize(tokens));
    }

    private static Tokenizer tokenizer(io.github.localllm.ModelInstance served) {
        // The connector always reaches llama-server at its root, so its models always have the tokenizer.
        return served.tokenizer().orElseThrow(() -> new IllegalStateException("llama-server model without tokenizer"));
    }

    @Override
    public String toString() {
        return "ManagedTokenizer[" + model.info().name() + "]";
    }
}
