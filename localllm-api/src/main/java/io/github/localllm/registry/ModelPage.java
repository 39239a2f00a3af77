package io.github.localllm.registry;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of search results.
 *
 * @param models the models, in the query's order
 * @param nextPage an opaque token for {@link ModelQuery.Builder#page(String)} that continues the search,
 *        empty on the last page
 */
public record ModelPage(List<ModelListing> models, Optional<String> nextPage) {

    /** Copies the list. */
    public ModelPage {
        models = List.copyOf(models);
        Objects.requireNonNull(nextPage, "nextPage");
    }

    /** @return whether more results follow */
    public boolean hasNext() {
        return nextPage.isPresent();
    }
}
