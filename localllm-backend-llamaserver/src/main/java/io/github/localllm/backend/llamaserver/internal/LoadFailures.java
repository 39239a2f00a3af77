package io.github.localllm.backend.llamaserver.internal;

import io.github.localllm.InsufficientResourcesException;
import io.github.localllm.LocalLlmException;
import io.github.localllm.ModelLoadException;
import io.github.localllm.UnsupportedModelException;
import java.time.Duration;

/**
 * What a server that failed to load a model said, as the exception that fits it; each quotes the
 * server's last lines, which say more than any summary.
 */
final class LoadFailures {
    /** Lines quoted: enough for llama.cpp's error and its context. */
    static final int QUOTED = 20;

    private LoadFailures() {
    }

    /** The server exited before it was ready. */
    static LocalLlmException exited(ServerLaunch launch, OutputTail tail, int code) {
        String who = "llama-server " + launch.binary().buildName();
        String model = launch.model().toString();
        String lines = tail.quote(QUOTED);
        String exit = " (it exited with " + ExitCodes.describe(code) + ")";
        if (tail.contains("unknown model architecture")) {
            return new UnsupportedModelException(who + " cannot run " + model + ": the model's architecture is unknown"
                    + " to this build" + exit + ". Install a newer llama.cpp build, or use a model of an architecture"
                    + " it runs." + lines);
        }
        if (tail.contains("out of memory") || tail.contains("failed to allocate") || tail.contains("unable to allocate")
                || tail.contains("cannot allocate memory")) {
            return new InsufficientResourcesException(who + " ran out of memory loading " + model + exit + ". Ask for"
                    + " a smaller context, offload fewer layers to the GPU, use a smaller quantization, or free memory."
                    + lines);
        }
        if (tail.contains("invalid argument") || tail.contains("error while handling argument")
                || tail.contains("unknown argument")) {
            return new ModelLoadException(who + " refused the arguments it was started with" + exit + ": check the"
                    + " load options (LlamaServerOptions) against what this build takes, or install a newer build."
                    + lines);
        }
        if (tail.contains("error loading model") || tail.contains("failed to load model")) {
            return new ModelLoadException(who + " could not load " + model + exit + ": the file may be damaged,"
                    + " incomplete or of a kind this build does not read. Check it against its source's checksum, or"
                    + " download it again." + lines);
        }
        return new ModelLoadException(who + " exited while loading " + model + exit + "." + lines);
    }

    /** The server was not ready when its time was up; it has been stopped. */
    static LocalLlmException timedOut(ServerLaunch launch, OutputTail tail, Duration waited) {
        return new ModelLoadException("llama-server " + launch.binary().buildName() + " did not finish loading "
                + launch.model() + " within " + waited.toMillis() + " ms and was stopped. A large model on a slow disk"
                + " may need longer: raise llamaserver.load.timeout." + tail.quote(QUOTED));
    }
}
