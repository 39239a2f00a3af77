package io.github.localllm.router;

import io.github.localllm.ConfigurationException;
import io.github.localllm.event.BudgetThresholdReached;
import io.github.localllm.event.BudgetThresholdReached.Level;
import io.github.localllm.event.BudgetThresholdReached.Period;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A router's cloud spend on the current UTC day and month, its budgets, and whether they are spent.
 * Adding spend takes a lock (cloud answers only, each of which took far longer); asking whether
 * the cloud is blocked, on every request, reads one volatile and, when a budget was spent, the clock.
 *
 * <p>Kept in memory, and in a small JSON file when one is given, written after every cloud answer
 * (to a temporary file, then moved into place) and read when the router is built, so that a
 * restarted application does not spend its budget twice. Events are published once per budget,
 * level and period; spend read from the file at start-up blocks the cloud without an event.
 */
final class Spend {
    private static final Logger LOG = LoggerFactory.getLogger(Spend.class);
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final double daily;
    private final double monthly;
    private final double warning;
    private final Clock clock;
    private final Path file;
    private final Events events;

    private LocalDate day;
    private YearMonth month;
    private double daySpent;
    private double monthSpent;
    private double total;
    private boolean dayWarned;
    private boolean dayExhausted;
    private boolean monthWarned;
    private boolean monthExhausted;
    private boolean persistFailed;
    /** Epoch millis until which cloud targets get no request; 0 when no budget is spent. */
    private volatile long blockedUntil;

    /**
     * @param daily the daily budget, NaN for none
     * @param monthly the monthly budget, NaN for none
     * @param warning the share of a budget that warns, NaN for none
     * @param file the spend file, or {@code null} to keep spend in memory only
     * @throws ConfigurationException when the spend file exists but cannot be read
     */
    Spend(double daily, double monthly, double warning, Clock clock, Path file, Events events) {
        this.daily = daily;
        this.monthly = monthly;
        this.warning = warning;
        this.clock = clock;
        this.file = file;
        this.events = events;
        LocalDate today = today();
        day = today;
        month = YearMonth.from(today);
        if (file != null && Files.exists(file)) {
            load(today);
        }
        // What the file says was spent already counts against the budgets, silently.
        check(false);
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    /** @return whether a budget of the current period is spent, so that cloud targets get no request */
    boolean cloudBlocked() {
        long until = blockedUntil;
        return until != 0 && clock.millis() < until;
    }

    /** @param cost what a cloud answer cost */
    void add(double cost) {
        List<BudgetThresholdReached> reached;
        synchronized (this) {
            roll();
            daySpent += cost;
            monthSpent += cost;
            total += cost;
            reached = check(true);
            persist();
        }
        if (reached != null && events.enabled()) {
            reached.forEach(events::publish);
        }
    }

    synchronized double spentToday() {
        roll();
        return daySpent;
    }

    synchronized double spentThisMonth() {
        roll();
        return monthSpent;
    }

    synchronized double spentTotal() {
        return total;
    }

    double dailyBudget() {
        return daily;
    }

    double monthlyBudget() {
        return monthly;
    }

    /** Starts a new day or month when the clock has moved into one. */
    private void roll() {
        LocalDate today = today();
        if (today.equals(day)) {
            return;
        }
        day = today;
        daySpent = 0;
        dayWarned = false;
        dayExhausted = false;
        YearMonth now = YearMonth.from(today);
        if (!now.equals(month)) {
            month = now;
            monthSpent = 0;
            monthWarned = false;
            monthExhausted = false;
        }
        check(false);
    }

    /** Marks the thresholds reached; @return their events when {@code announce}, else {@code null} */
    private List<BudgetThresholdReached> check(boolean announce) {
        List<BudgetThresholdReached> reached = null;
        if (!Double.isNaN(daily)) {
            if (!dayExhausted && daySpent >= daily) {
                dayExhausted = true;
                dayWarned = true;
                reached = announce ? add(reached, Period.DAY, Level.EXHAUSTED, daySpent, daily, day) : null;
            } else if (!dayWarned && !Double.isNaN(warning) && daySpent >= warning * daily) {
                dayWarned = true;
                reached = announce ? add(reached, Period.DAY, Level.WARNING, daySpent, daily, day) : null;
            }
        }
        if (!Double.isNaN(monthly)) {
            if (!monthExhausted && monthSpent >= monthly) {
                monthExhausted = true;
                monthWarned = true;
                reached = announce ? add(reached, Period.MONTH, Level.EXHAUSTED, monthSpent, monthly,
                        month.atDay(1)) : reached;
            } else if (!monthWarned && !Double.isNaN(warning) && monthSpent >= warning * monthly) {
                monthWarned = true;
                reached = announce ? add(reached, Period.MONTH, Level.WARNING, monthSpent, monthly, month.atDay(1))
                        : reached;
            }
        }
        long until = 0;
        if (dayExhausted) {
            until = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        }
        if (monthExhausted) {
            until = Math.max(until, month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()
                    .toEpochMilli());
        }
        blockedUntil = until;
        return reached;
    }

    private List<BudgetThresholdReached> add(List<BudgetThresholdReached> list, Period period, Level level,
                                             double spent, double budget, LocalDate start) {
        List<BudgetThresholdReached> l = list == null ? new ArrayList<>(2) : list;
        l.add(new BudgetThresholdReached(clock.instant(), events.router(), period, level, spent, budget, start));
        if (level == Level.EXHAUSTED) {
            LOG.warn("router {}: the {} cloud budget of {} is spent ({}); only local targets get requests until {}",
                    events.router(), period == Period.DAY ? "daily" : "monthly", budget, spent,
                    period == Period.DAY ? start.plusDays(1) : start.plusMonths(1));
        }
        return l;
    }

    private void load(LocalDate today) {
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ConfigurationException("cannot read the spend file " + file + ": " + e.getMessage()
                    + "; fix its permissions or give another path", e);
        } catch (JacksonException e) {
            throw new ConfigurationException("the spend file " + file + " is not valid JSON (" + e.getOriginalMessage()
                    + "); delete it to start counting from zero, or give another path", e);
        }
        try {
            LocalDate savedDay = LocalDate.parse(root.path("day").asString(""));
            YearMonth savedMonth = YearMonth.parse(root.path("month").asString(""));
            double d = amount(root, "daySpent");
            double m = amount(root, "monthSpent");
            if (savedDay.equals(today)) {
                daySpent = d;
            }
            if (savedMonth.equals(YearMonth.from(today))) {
                monthSpent = m;
            }
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new ConfigurationException("the spend file " + file + " is not a router's spend file ("
                    + e.getMessage() + "); delete it to start counting from zero, or give another path", e);
        }
    }

    private static double amount(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.isNumber() || !(n.doubleValue() >= 0) || Double.isInfinite(n.doubleValue())) {
            throw new IllegalArgumentException("\"" + field + "\" must be a number, 0 or more");
        }
        return n.doubleValue();
    }

    private void persist() {
        if (file == null) {
            return;
        }
        ObjectNode node = MAPPER.createObjectNode();
        node.put("day", day.toString());
        node.put("daySpent", daySpent);
        node.put("month", month.toString());
        node.put("monthSpent", monthSpent);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.write(tmp, MAPPER.writeValueAsBytes(node));
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            persistFailed = false;
        } catch (IOException | JacksonException e) {
            if (!persistFailed) {
                // Once per failure streak: spend still counts in memory, the request is not affected.
                LOG.warn("router {}: cannot write the spend file {}: {}; spend is kept in memory only until it can",
                        events.router(), file, e.toString());
                persistFailed = true;
            }
        }
    }

    /** @return time until the spent budget's period ends, for messages */
    Duration untilUnblocked() {
        long until = blockedUntil;
        return until == 0 ? Duration.ZERO : Duration.ofMillis(Math.max(0, until - clock.millis()));
    }
}
