package io.github.localllm.router;

import io.github.localllm.LanguageModel;
import io.github.localllm.LocalLlm;
import io.github.localllm.ModelInstance;
import java.util.Optional;

/** The loaded model behind a target, where there is one to ask for its name or tokenizer. */
final class Instances {
    private Instances() {
    }

    static Optional<ModelInstance> of(LanguageModel model) {
        if (model instanceof ModelInstance m) {
            return Optional.of(m);
        }
        if (model instanceof LocalLlm l) {
            return Optional.of(l.model());
        }
        return Optional.empty();
    }
}
