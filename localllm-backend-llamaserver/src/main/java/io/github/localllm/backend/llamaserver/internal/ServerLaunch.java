package io.github.localllm.backend.llamaserver.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to start one model's server; the same for every restart. The command line is
 * {@code <binary> -m <model> --host 127.0.0.1 --port <port> --alias <alias> --no-webui} followed by
 * {@link #arguments()}, each its own argument, never through a shell. The API key goes in the
 * server's environment ({@code LLAMA_API_KEY}), where other users' {@code ps} cannot read it.
 *
 * @param binary the executable
 * @param model the GGUF file
 * @param alias the model's name in the server's API
 * @param arguments the arguments from the load options
 * @param loadTimeout how long loading may take, from spawning to {@code /health} answering 200
 * @param stopGrace how long a server gets to stop before it is killed
 * @param stateDir where started servers are recorded
 * @param ports picks each start's port
 */
public record ServerLaunch(ServerBinary binary, Path model, String alias, List<String> arguments, Duration loadTimeout,
                           Duration stopGrace, Path stateDir, PortChooser ports) {

    /** Checks no part is missing and copies the arguments. */
    public ServerLaunch {
        Objects.requireNonNull(binary, "binary");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(alias, "alias");
        arguments = List.copyOf(arguments);
        Objects.requireNonNull(loadTimeout, "loadTimeout");
        Objects.requireNonNull(stopGrace, "stopGrace");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(ports, "ports");
    }
}
