package io.github.localllm.spi;

import io.github.localllm.ModelRef;
import io.github.localllm.config.LocalLlmConfig;
import io.github.localllm.event.LocalLlmEventListener;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns a model reference that engines do not open themselves (a Hugging Face file, an address)
 * into a file on this machine: found where it already is, or downloaded and verified. Found with
 * {@link java.util.ServiceLoader}, like engines; {@code io.github.localllm:localllm-store} provides one.
 *
 * <p>{@link io.github.localllm.LocalLlm} decides whether a download may happen (the user's
 * {@code models.download} permission); a resolver only finds, describes and fetches. Every method
 * but {@link #accepts}, {@link #find}, {@link #plan} and {@link #download} has a default, so
 * resolvers written today keep working when the interface grows.
 */
public interface ModelResolver {

    /** @return which resolver to ask first when several accept a reference (higher first); 0 by default */
    default int priority() {
        return 0;
    }

    /**
     * @param model a reference
     * @return whether this resolver finds or fetches such references
     */
    boolean accepts(ModelRef model);

    /**
     * Looks for the model on this machine, without any network.
     *
     * @param model a reference it accepts
     * @param config the configuration (where models are kept)
     * @return the file, if it is here
     */
    Optional<Path> find(ModelRef model, LocalLlmConfig config);

    /**
     * Says what a download would fetch, how big it is and where it would go, asking the remote
     * server at most for headers; nothing is written.
     *
     * @param model a reference it accepts, not found on this machine
     * @param config the configuration (endpoint, token, destination)
     * @return the plan
     * @throws io.github.localllm.ModelNotFoundException if the remote server says there is no such file,
     *     or that it is gated or private and no accepted token was given
     * @throws io.github.localllm.ModelDownloadException if the server cannot be reached
     */
    DownloadPlan plan(ModelRef model, LocalLlmConfig config);

    /**
     * Downloads, verifies and installs a planned file.
     *
     * @param plan what {@link #plan} returned, possibly with an expected SHA-256 added
     * @param config the configuration
     * @param listener receives {@link io.github.localllm.event.ModelDownloadProgress} events
     * @return the installed file
     * @throws io.github.localllm.ModelDownloadException if it cannot be fetched (what was fetched is kept to resume)
     * @throws io.github.localllm.StorageException if the disk lacks space or cannot be written
     */
    Path download(DownloadPlan plan, LocalLlmConfig config, LocalLlmEventListener listener);
}
