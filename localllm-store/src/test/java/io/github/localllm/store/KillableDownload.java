package io.github.localllm.store;

import java.net.URI;
import java.nio.file.Path;

/**
 * A download in a JVM of its own, for {@link ResumeAfterKillTest} to kill: arguments are the address,
 * the target, the chunk size and the connections. Exits 0 when the file is in place.
 */
public final class KillableDownload {
    private KillableDownload() {
    }

    public static void main(String[] args) {
        try (Downloader downloader = Downloader.builder().chunkSize(Long.parseLong(args[2]))
                .connections(Integer.parseInt(args[3])).build()) {
            downloader.download(DownloadRequest.builder(URI.create(args[0]), Path.of(args[1])).build());
        }
    }
}
