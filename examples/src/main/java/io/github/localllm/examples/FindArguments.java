package io.github.localllm.examples;

import java.util.Locale;
import java.util.Optional;

/**
 * FindModel's command line.
 *
 * @param what words to search for, or a repository ({@code owner/name}) to plan directly
 * @param task {@code --task}: {@code chat}, {@code code} or {@code embedding}, if given
 * @param download {@code --download}: fetch the chosen file, verified
 * @param offline {@code --offline}: search the bundled catalog, never the network
 * @param limit {@code --limit}: how many search results to plan, 1 to 20
 */
record FindArguments(String what, Optional<String> task, boolean download, boolean offline, int limit) {
    static final String USAGE = "usage: FindModel <words | owner/repository> [--task chat|code|embedding]"
            + " [--download] [--offline] [--limit 1..20]";
    static final int DEFAULT_LIMIT = 5;

    static FindArguments parse(String[] args) {
        StringBuilder what = new StringBuilder();
        String task = null;
        boolean download = false;
        boolean offline = false;
        int limit = DEFAULT_LIMIT;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--download" -> download = true;
                case "--offline" -> offline = true;
                case "--task" -> task = task(value(args, i++, "chat, code or embedding"));
                case "--limit" -> limit = limit(value(args, i++, "a number of results, 1 to 20"));
                default -> {
                    if (a.startsWith("--task=")) {
                        task = task(a.substring("--task=".length()));
                    } else if (a.startsWith("--limit=")) {
                        limit = limit(a.substring("--limit=".length()));
                    } else if (a.startsWith("-")) {
                        throw new IllegalArgumentException("unknown option: " + a);
                    } else {
                        what.append(what.isEmpty() ? "" : " ").append(a.strip());
                    }
                }
            }
        }
        if (what.toString().isBlank()) {
            throw new IllegalArgumentException("say what to look for, e.g. FindModel coder --task code");
        }
        return new FindArguments(what.toString().strip(), Optional.ofNullable(task), download, offline, limit);
    }

    /** @return whether {@link #what} names one repository ({@code owner/name}) rather than words to search */
    boolean repository() {
        return what.matches("[A-Za-z0-9][\\w.-]*/[\\w.-]+");
    }

    /** @return the Hub's pipeline tag for the task: code models are text generators too */
    Optional<String> pipelineTag() {
        return task.map(t -> t.equals("embedding") ? "feature-extraction" : "text-generation");
    }

    private static String value(String[] args, int i, String what) {
        if (i + 1 >= args.length) {
            throw new IllegalArgumentException(args[i] + " needs " + what);
        }
        return args[i + 1];
    }

    private static String task(String value) {
        String t = value.strip().toLowerCase(Locale.ROOT);
        if (!t.equals("chat") && !t.equals("code") && !t.equals("embedding")) {
            throw new IllegalArgumentException("--task is chat, code or embedding, not '" + value + "'");
        }
        return t;
    }

    private static int limit(String value) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 1 && n <= 20) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the message
        }
        throw new IllegalArgumentException("--limit is a number of results from 1 to 20, not '" + value + "'");
    }
}
