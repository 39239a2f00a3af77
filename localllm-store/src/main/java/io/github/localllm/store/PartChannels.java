package io.github.localllm.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/** Opens partial files for writing; tests give one whose writes fail as a full disk does. */
@FunctionalInterface
interface PartChannels {
    /** The JDK's own. */
    PartChannels DEFAULT = FileChannel::open;

    FileChannel open(Path file, OpenOption... options) throws IOException;
}
