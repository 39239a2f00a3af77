package io.github.localllm.registry.hf;

/**
 * What a Hub request is about, for the messages of its errors.
 *
 * @param repository the repository, or null for a search
 * @param revision the revision asked for, or null
 * @param file the file asked for, or null
 */
record HubTarget(String repository, String revision, String file) {
    static final HubTarget SEARCH = new HubTarget(null, null, null);

    static HubTarget repository(String repository, String revision) {
        return new HubTarget(repository, revision, null);
    }
}
