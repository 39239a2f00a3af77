package io.github.localllm.router;

import io.github.localllm.ChatMessage;
import io.github.localllm.EmbeddingRequest;
import io.github.localllm.GenerationRequest;
import io.github.localllm.InvalidRequestException;
import java.util.List;
import java.util.stream.Collectors;

/** Which targets may serve a request, and the messages when none may. */
final class Eligibility {
    private Eligibility() {
    }

    /**
     * @return what the target lacks for the request, e.g. {@code tools}; empty when it serves it or
     *         does not say what it can do
     */
    static String missing(Target target, GenerationRequest request, EmbeddingRequest embedding) {
        if (target.capabilities().isEmpty()) {
            return "";
        }
        if (embedding != null) {
            return target.capabilities().get().embeddings() ? "" : "embeddings";
        }
        return target.capabilities().get().missingFor(request);
    }

    static InvalidRequestException noneEligible(String router, boolean localOnly, int privateExcluded,
                                                List<String> lacking) {
        StringBuilder b = new StringBuilder("no target of router '").append(router).append("' can serve this request");
        if (localOnly && privateExcluded > 0) {
            b.append(": it is local-only, so its ").append(privateExcluded).append(" cloud target")
                    .append(privateExcluded == 1 ? " was" : "s were").append(" not considered");
        }
        if (lacking != null) {
            b.append(localOnly && privateExcluded > 0 ? ", and " : ": ").append(String.join("; ", lacking));
            b.append(". Drop what the request needs that no target has, or add a target that serves it");
        } else {
            b.append(". Add a local target, or send the request without local-only routing if it may leave the machine");
        }
        return new InvalidRequestException(b.toString());
    }

    static InvalidRequestException strategyLeftNone(String router, RoutingStrategy strategy,
                                                    List<Candidate> eligible) {
        return new InvalidRequestException("the " + strategy.name() + " strategy of router '" + router
                + "' ranked none of the targets that could serve this request ("
                + eligible.stream().map(c -> c.target().toString()).collect(Collectors.joining(", "))
                + "); use another strategy for such requests");
    }

    /** @return why the targets were ranked as they were, for the decision */
    static String reason(RoutingStrategy strategy, List<TargetState> order, TaskType task, TaskRoute route,
                         boolean localOnly, int privateExcluded, List<String> lacking) {
        StringBuilder b = new StringBuilder(strategy.name()).append(" ranked [");
        for (int i = 0; i < order.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(order.get(i).name());
        }
        b.append(']');
        if (route != null) {
            b.append(" for task ").append(task.id());
            if (!route.preferred().isEmpty()) {
                b.append(", preferring ").append(route.preferred());
            }
        }
        if (localOnly && privateExcluded > 0) {
            b.append("; local-only: ").append(privateExcluded).append(" cloud target")
                    .append(privateExcluded == 1 ? "" : "s").append(" excluded");
        }
        if (lacking != null) {
            b.append("; excluded: ").append(String.join(", ", lacking));
        }
        return b.toString();
    }

    /** @return about four characters a token, with a few tokens per chat message for its framing */
    static int promptTokens(GenerationRequest request, EmbeddingRequest embedding) {
        long chars = 0;
        if (embedding != null) {
            for (String input : embedding.inputs()) {
                chars += input.length();
            }
            return (int) Math.min(Integer.MAX_VALUE, chars / 4);
        }
        if (request.prompt() != null) {
            return (int) Math.min(Integer.MAX_VALUE, request.prompt().length() / 4);
        }
        for (ChatMessage m : request.messages()) {
            chars += m.content().length() + 16;
        }
        return (int) Math.min(Integer.MAX_VALUE, chars / 4);
    }
}
