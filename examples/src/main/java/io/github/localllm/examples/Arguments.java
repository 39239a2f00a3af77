package io.github.localllm.examples;

/**
 * The quick start's command line.
 *
 * @param model {@code --model}: a file, {@code hf://owner/repo/file.gguf} or an address; null when not given
 * @param synthetic {@code --synthetic}: run on a synthetic model with random weights, without any download
 */
record Arguments(String model, boolean synthetic) {

    static Arguments parse(String[] args) {
        String model = null;
        boolean synthetic = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--model") || a.equals("-m")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a .gguf file path or an hf:// reference");
                }
                model = args[++i];
            } else if (a.startsWith("--model=")) {
                model = a.substring("--model=".length());
            } else if (a.equals("--synthetic")) {
                synthetic = true;
            } else {
                throw new IllegalArgumentException("unknown argument: " + a);
            }
        }
        if (synthetic && model != null) {
            throw new IllegalArgumentException("--synthetic and --model exclude each other");
        }
        return new Arguments(model, synthetic);
    }
}
