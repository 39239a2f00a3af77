package io.github.localllm.store.internal;

import io.github.localllm.InvalidRequestException;
import java.nio.file.Path;

/**
 * File names from remote listings, checked before they become paths: a relative path of plain
 * segments, without {@code ..}, {@code .}, empty segments, a leading {@code /}, backslashes, drive
 * letters or control characters, so no listing can make a download land outside its directory.
 */
public final class SafeNames {
    private SafeNames() {
    }

    /**
     * @param name a file's path inside a repository, e.g. {@code gguf/model-Q4_K_M.gguf}
     * @return the name, when it is safe
     * @throws InvalidRequestException if it is not
     */
    public static String check(String name) {
        String why = problem(name);
        if (why != null) {
            throw new InvalidRequestException("refusing the file name '" + printable(name) + "': " + why
                    + "; a model file is named by a relative path of plain names, like gguf/model-Q4_K_M.gguf");
        }
        return name;
    }

    /** @return {@code dir.resolve(name)} after {@link #check}, proven to stay inside {@code dir} */
    public static Path resolve(Path dir, String name) {
        Path resolved = dir.resolve(check(name)).normalize();
        if (!resolved.startsWith(dir.normalize())) {
            throw new InvalidRequestException("refusing the file name '" + printable(name) + "': it leads outside "
                    + dir);
        }
        return resolved;
    }

    private static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "it is empty";
        }
        if (name.length() > 1024) {
            return "it is longer than 1024 characters";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c) || c == (char) 0x2028 || c == (char) 0x2029) {
                return "it holds a control character";
            }
        }
        if (name.startsWith("/") || name.contains("\\") || name.matches("^[A-Za-z]:.*")) {
            return "it is an absolute path or uses backslashes";
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "it has an empty, '.' or '..' segment";
            }
        }
        return null;
    }

    private static String printable(String name) {
        if (name == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(name.length(), 200); i++) {
            char c = name.charAt(i);
            sb.append(Character.isISOControl(c) ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }
}
