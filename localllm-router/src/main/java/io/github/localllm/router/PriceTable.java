package io.github.localllm.router;

import io.github.localllm.ConfigurationException;
import io.github.localllm.config.LocalLlmConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Token prices of cloud models by model name, in one currency: what the router counts cloud spend
 * and savings with. {@link #bundled()} holds the providers' list prices at the date it names
 * ({@link #checked()}); a file of the same shape overrides or extends them:
 *
 * <pre>{@code
 * {
 *   "currency": "USD",
 *   "models": {
 *     "gpt-4o-mini": {"input": 0.15, "output": 0.60},
 *     "my-company-model": {"input": 1.0, "output": 2.0}
 *   }
 * }
 * }</pre>
 *
 * Prices are per million tokens. A file with {@code "replace": true} replaces the bundled table
 * instead of extending it; a file in another currency than the table it extends is refused, since
 * mixed currencies would make every sum wrong. Model names are matched exactly, then ignoring case.
 */
public final class PriceTable {
    /** The configuration key of a prices file read by {@link #fromConfig(LocalLlmConfig)}. */
    public static final String CONFIG_KEY = "router.prices.file";

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final String RESOURCE = "prices.json";
    private static volatile PriceTable bundled;

    private final String currency;
    private final String checked;
    private final Map<String, Price> prices;
    private final Map<String, Price> lowerCase;

    private PriceTable(String currency, String checked, Map<String, Price> prices) {
        this.currency = currency;
        this.checked = checked;
        this.prices = Collections.unmodifiableMap(new LinkedHashMap<>(prices));
        Map<String, Price> lower = new LinkedHashMap<>();
        prices.forEach((k, v) -> lower.putIfAbsent(k.toLowerCase(Locale.ROOT), v));
        this.lowerCase = lower;
    }

    /**
     * @return the prices shipped with the SDK (list prices of OpenAI, Anthropic and Google models
     *         at {@link #checked()}, in US dollars)
     */
    public static PriceTable bundled() {
        PriceTable t = bundled;
        if (t == null) {
            try (InputStream in = PriceTable.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the bundled " + RESOURCE + " is missing from the router's jar");
                }
                t = parse(MAPPER.readTree(in), "the bundled prices", null);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the bundled " + RESOURCE, e);
            }
            bundled = t;
        }
        return t;
    }

    /**
     * @param currency the currency of every price, e.g. {@code EUR}
     * @param prices prices by model name
     * @return a table of just these prices
     */
    public static PriceTable of(String currency, Map<String, Price> prices) {
        if (currency == null || currency.isBlank()) {
            throw new ConfigurationException("a price table needs its currency, e.g. \"USD\"");
        }
        Objects.requireNonNull(prices, "prices");
        prices.forEach((k, v) -> {
            if (k == null || k.isBlank() || v == null) {
                throw new ConfigurationException("a price table cannot hold a blank model name or a missing price");
            }
        });
        return new PriceTable(currency.trim(), "", prices);
    }

    /**
     * Reads a prices file over this table: its models are added, and its prices win.
     *
     * @param file a JSON file of the shape above
     * @return the table with the file's prices
     * @throws ConfigurationException when the file is missing, unreadable, not of that shape, in
     *         another currency than this table, or holds a negative price
     */
    public PriceTable withFile(Path file) {
        Objects.requireNonNull(file, "file");
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new ConfigurationException("the prices file " + file + " does not exist; give the path of a JSON"
                    + " file like {\"currency\": \"USD\", \"models\": {\"gpt-4o-mini\": {\"input\": 0.15,"
                    + " \"output\": 0.60}}}");
        } catch (IOException e) {
            throw new ConfigurationException("cannot read the prices file " + file + ": " + e.getMessage(), e);
        } catch (JacksonException e) {
            throw new ConfigurationException("the prices file " + file + " is not valid JSON: "
                    + e.getOriginalMessage(), e);
        }
        return parse(root, "the prices file " + file, this);
    }

    /**
     * @param config configuration; {@value #CONFIG_KEY} names a prices file
     * @return the bundled prices, with that file's over them when the key is set
     * @throws ConfigurationException as {@link #withFile} does, naming where the key was set
     */
    public static PriceTable fromConfig(LocalLlmConfig config) {
        Optional<String> file = config.get(CONFIG_KEY);
        if (file.isEmpty() || file.get().isBlank()) {
            return bundled();
        }
        try {
            return bundled().withFile(Path.of(file.get().trim()));
        } catch (ConfigurationException e) {
            throw new ConfigurationException(e.getMessage() + " (" + config.value(CONFIG_KEY).orElseThrow() + ")", e);
        }
    }

    private static PriceTable parse(JsonNode root, String what, PriceTable base) {
        if (root == null || !root.isObject()) {
            throw new ConfigurationException(what + " must be a JSON object with \"currency\" and \"models\"");
        }
        JsonNode currencyNode = root.get("currency");
        if (currencyNode == null || !currencyNode.isString() || currencyNode.stringValue().isBlank()) {
            throw new ConfigurationException(what + " does not say its currency; add \"currency\": \"USD\" (or"
                    + " the currency of its prices)");
        }
        String currency = currencyNode.stringValue().trim();
        boolean replace = root.path("replace").asBoolean(false);
        JsonNode models = root.get("models");
        if (models == null || !models.isObject()) {
            throw new ConfigurationException(what + " has no \"models\" object; give prices as \"models\":"
                    + " {\"name\": {\"input\": 0.15, \"output\": 0.60}}");
        }
        if (base != null && !replace && !base.currency.equalsIgnoreCase(currency)) {
            throw new ConfigurationException(what + " gives prices in " + currency + " but the table it extends is in "
                    + base.currency + "; give every price in one currency, or add \"replace\": true to use only"
                    + " this file's prices");
        }
        Map<String, Price> prices = new LinkedHashMap<>();
        if (base != null && !replace) {
            prices.putAll(base.prices);
        }
        for (Map.Entry<String, JsonNode> e : models.properties()) {
            String name = e.getKey().trim();
            JsonNode p = e.getValue();
            if (name.isEmpty()) {
                throw new ConfigurationException(what + " has a model with a blank name");
            }
            JsonNode in = p.get("input");
            JsonNode out = p.get("output");
            if (in == null || !in.isNumber() || out == null || !out.isNumber()) {
                throw new ConfigurationException(what + ": model '" + name + "' needs numbers \"input\" and"
                        + " \"output\", the prices of a million prompt and generated tokens");
            }
            try {
                prices.put(name, new Price(in.doubleValue(), out.doubleValue()));
            } catch (ConfigurationException bad) {
                throw new ConfigurationException(what + ": model '" + name + "': " + bad.getMessage(), bad);
            }
        }
        String checked = root.path("checked").isString() ? root.get("checked").stringValue() : "";
        return new PriceTable(replace || base == null ? currency : base.currency, checked, prices);
    }

    /**
     * @param model a model name, e.g. {@code gpt-4o-mini}
     * @return its price, matched exactly or else ignoring case
     */
    public Optional<Price> price(String model) {
        if (model == null) {
            return Optional.empty();
        }
        Price p = prices.get(model);
        if (p == null) {
            p = lowerCase.get(model.toLowerCase(Locale.ROOT));
        }
        return Optional.ofNullable(p);
    }

    /** @return every price by model name, in the order read */
    public Map<String, Price> prices() {
        return prices;
    }

    /** @return the currency of every price, e.g. {@code USD} */
    public String currency() {
        return currency;
    }

    /** @return when the prices were last checked against their sources, e.g. {@code 2025-09}; empty if not said */
    public String checked() {
        return checked;
    }

    /** @return some of the model names, for messages */
    String knownNames() {
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (String name : prices.keySet()) {
            if (n++ == 12) {
                b.append(", ... (").append(prices.size()).append(" in all)");
                break;
            }
            b.append(n == 1 ? "" : ", ").append(name);
        }
        return b.length() == 0 ? "none" : b.toString();
    }

    @Override
    public String toString() {
        return "PriceTable " + prices.size() + " models in " + currency;
    }
}
