package io.github.localllm;

import java.nio.file.Path;

/**
 * A model file is missing, unreadable, truncated, corrupted or hostile. Raised by
 * validation before any byte of it reaches native code.
 */
public class InvalidModelFileException extends LocalLlmException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String field;
    private final long offset;

    /**
     * @param file the file, or {@code null} when reading from a stream or remote range
     * @param field the structure being read when the problem was found, e.g. {@code tensor_info[3].offset}
     * @param offset the byte offset of that field, or {@code -1} when not applicable
     * @param problem what is wrong, and what to do
     */
    public InvalidModelFileException(Path file, String field, long offset, String problem) {
        super(format(file, field, offset, problem));
        this.file = file;
        this.field = field;
        this.offset = offset;
    }

    /**
     * For model data that is not a local file, such as a remote file read over HTTP ranges.
     *
     * @param source what the bytes are, e.g. the URL without its query string
     * @param field the structure being read when the problem was found
     * @param offset the byte offset of that field, or {@code -1} when not applicable
     * @param problem what is wrong, and what to do
     */
    public InvalidModelFileException(String source, String field, long offset, String problem) {
        super(format(source, field, offset, problem));
        this.file = null;
        this.field = field;
        this.offset = offset;
    }

    /**
     * @param file the file
     * @param problem what is wrong, and what to do
     * @param cause the underlying failure
     */
    public InvalidModelFileException(Path file, String problem, Throwable cause) {
        super(format(file, null, -1, problem), cause);
        this.file = file;
        this.field = null;
        this.offset = -1;
    }

    private static String format(Path file, String field, long offset, String problem) {
        return format(file == null ? "model data" : file.toString(), field, offset, problem);
    }

    private static String format(String source, String field, long offset, String problem) {
        StringBuilder sb = new StringBuilder();
        sb.append(source);
        if (field != null) {
            sb.append(": ").append(field);
        }
        if (offset >= 0) {
            sb.append(" at byte ").append(offset);
        }
        return sb.append(": ").append(problem).toString();
    }

    /** @return the file, or {@code null} when unknown */
    public Path file() {
        return file;
    }

    /** @return the structure being read when the problem was found, or {@code null} */
    public String field() {
        return field;
    }

    /** @return the byte offset of {@link #field()}, or {@code -1} */
    public long offset() {
        return offset;
    }
}
