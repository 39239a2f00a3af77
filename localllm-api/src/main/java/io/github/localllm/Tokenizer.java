package io.github.localllm;

/** A model's own tokenizer. */
public interface Tokenizer {

    /**
     * @param text any text
     * @return its token ids, without the begin-of-sequence token
     */
    int[] tokenize(String text);

    /**
     * @param tokens token ids of this model
     * @return their text
     * @throws InvalidRequestException if an id is outside the vocabulary
     */
    String detokenize(int[] tokens);

    /** @param text any text @return how many tokens it takes */
    default int countTokens(String text) {
        return tokenize(text).length;
    }
}
