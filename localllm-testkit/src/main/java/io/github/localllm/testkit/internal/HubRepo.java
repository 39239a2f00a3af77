package io.github.localllm.testkit.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One repository of the fake Hub API, as {@link HubApiProtocol} answers it.
 *
 * @param id {@code owner/name}
 * @param objectId the 24-hex {@code _id}
 * @param sha the commit it is at
 * @param author the owner
 * @param downloads downloads in 30 days
 * @param likes likes
 * @param trendingScore trending score
 * @param tags tags in order
 * @param pipelineTag the task, or null
 * @param library {@code library_name}, or null
 * @param createdAt ISO time
 * @param lastModified ISO time
 * @param gated {@code "auto"}, {@code "manual"} or null when open
 * @param tokens tokens with access when gated, else null
 * @param cardData {@code cardData} members in order ({@code license}, {@code base_model}, ...)
 * @param gguf {@code gguf} members in order, or null when it has none
 * @param files the files by path, in order
 */
public record HubRepo(String id, String objectId, String sha, String author, long downloads, long likes,
                      long trendingScore, List<String> tags, String pipelineTag, String library, String createdAt,
                      String lastModified, String gated, Set<String> tokens, Map<String, Object> cardData,
                      Map<String, Object> gguf, Map<String, Entry> files) {

    /**
     * A file.
     *
     * @param size its length
     * @param oid its git blob SHA-1 (of the LFS pointer for an LFS file)
     * @param sha256 the SHA-256 of its content for an LFS file, else null
     * @param pointerSize the LFS pointer's length, for an LFS file
     * @param content its bytes when the fake serves it, else null (listed only)
     */
    public record Entry(long size, String oid, String sha256, int pointerSize, byte[] content) {
        /** @return whether it is stored with LFS */
        public boolean lfs() {
            return sha256 != null;
        }
    }
}
