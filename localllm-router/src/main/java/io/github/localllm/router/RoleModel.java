package io.github.localllm.router;

import io.github.localllm.EmbeddingRequest;
import io.github.localllm.EmbeddingResult;
import io.github.localllm.GenerationRequest;
import io.github.localllm.GenerationResult;
import io.github.localllm.GenerationStream;
import io.github.localllm.LanguageModel;

/** One role of {@link Roles}: each request leases the role's model, loading it if needed. */
final class RoleModel implements LanguageModel {
    private final Roles roles;
    private final String role;

    RoleModel(Roles roles, String role) {
        this.roles = roles;
        this.role = role;
    }

    @Override
    public GenerationResult generate(GenerationRequest request) {
        Roles.Resident r = roles.acquire(role);
        try {
            return r.instance.generate(request);
        } finally {
            roles.release(r);
        }
    }

    /** The model stays leased until the stream ends or is closed. */
    @Override
    public GenerationStream stream(GenerationRequest request) {
        Roles.Resident r = roles.acquire(role);
        try {
            return WatchedStream.onEnd(r.instance.stream(request), () -> roles.release(r));
        } catch (RuntimeException | Error e) {
            roles.release(r);
            throw e;
        }
    }

    @Override
    public EmbeddingResult embed(EmbeddingRequest request) {
        Roles.Resident r = roles.acquire(role);
        try {
            return r.instance.embed(request);
        } finally {
            roles.release(r);
        }
    }

    /** @return whether the role's model is loaded now */
    boolean loaded() {
        return roles.isResident(role);
    }

    @Override
    public String toString() {
        return "role " + role;
    }
}
