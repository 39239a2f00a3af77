package io.github.localllm.hardware;

/** What a catalog model is for. */
public enum ModelTask {
    /** Conversation and general instruction following. */
    CHAT,
    /** Writing, completing and explaining source code. */
    CODE,
    /** Turning text into vectors for search and retrieval. */
    EMBEDDING
}
