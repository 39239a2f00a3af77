package io.github.localllm.store;

/**
 * The configuration keys the store reads when {@link io.github.localllm.LocalLlm} resolves a Hugging Face
 * file or an address through it; like every key, each can be set in any configuration layer
 * ({@code -Dlocalllm.hf.endpoint=...}, {@code LOCALLLM_HF_ENDPOINT=...}, a builder's {@code set(...)}).
 */
public final class StoreKeys {
    /** The Hub or a mirror; else {@code HF_ENDPOINT}, else {@code https://huggingface.co}. */
    public static final String HF_ENDPOINT = "hf.endpoint";
    /** A Hub access token for gated and private repositories; else {@code HF_TOKEN}. Never logged. */
    public static final String HF_TOKEN = "hf.token";
    /** The Hugging Face cache to read and download into; else the Hugging Face tools' own. */
    public static final String HF_CACHE = "hf.cache";
    /** The library's own directory (records, imports, address downloads); else {@code ~/.cache/localllm}. */
    public static final String STORE_HOME = "store.home";

    private StoreKeys() {
    }
}
