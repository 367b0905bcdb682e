// The reference side of bench/patterns/run.mjs: AWS's event-ruler 1.8.0 kept in one JVM for the whole
// run, driven over stdin so that the Node side and this one take turns (neither runs while the other is timed).
//   java -cp <event-ruler + jackson jars>:<classes> RulerDriver RULES EVENTS.json.gz [FIRST_N]
// Loads the events once, warms the JIT on COMBO, prints "ready <events>", then answers one line per command:
//   count <category>          every event once (untimed) -> "counts <category> <name>=<n> ..." (every rule named)
//   time <category> <events>  the first <events> events, timed -> "time <category> <events/s> <events per CPU-second>"
//   quit
// Mode: Machine.rulesForJSONEvent(String), parse + match from each event's text (what run.mjs times on our side).
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.event.ruler.Machine;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

public final class RulerDriver {
    private static final com.sun.management.OperatingSystemMXBean CPU =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final JsonNode rules;
    private final List<String> events;
    private final Map<String, Machine> machines = new HashMap<>();
    private final Map<String, List<String>> names = new HashMap<>();

    private RulerDriver(JsonNode rules, List<String> events) {
        this.rules = rules;
        this.events = events;
    }

    public static void main(String[] args) throws Exception {
        JsonNode rules = new ObjectMapper().readTree(new File(args[0]));
        List<String> events = readEvents(args[1]);
        if (args.length > 2) events = events.subList(0, Math.min(events.size(), Integer.parseInt(args[2])));
        RulerDriver driver = new RulerDriver(rules, events);
        Machine warm = driver.machine("COMBO");
        for (int i = 0; i < Math.min(30_000, driver.events.size()); i++) warm.rulesForJSONEvent(driver.events.get(i));
        System.out.println("ready " + driver.events.size());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.trim().split(" ");
            if (words[0].equals("quit")) break;
            if (words[0].equals("count")) System.out.println(driver.count(words[1]));
            else if (words[0].equals("time")) System.out.println(driver.time(words[1], Integer.parseInt(words[2])));
            else System.out.println("error unknown command " + line);
            System.out.flush();
        }
    }

    private String count(String category) throws Exception {
        Machine machine = machine(category);
        Map<String, Integer> counts = new HashMap<>();
        for (String event : events) for (String rule : machine.rulesForJSONEvent(event)) counts.merge(rule, 1, Integer::sum);
        StringBuilder out = new StringBuilder("counts ").append(category);
        for (String name : names.get(category)) out.append(' ').append(name).append('=').append(counts.getOrDefault(name, 0));
        if (counts.size() > names.get(category).size()) out.append(" unknown-rules-matched");
        return out.toString();
    }

    private String time(String category, int n) throws Exception {
        Machine machine = machine(category);
        List<String> slice = events.subList(0, Math.min(n, events.size()));
        int matched = 0;
        long cpu0 = CPU.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (String event : slice) matched += machine.rulesForJSONEvent(event).size();
        long wall = System.nanoTime() - t0;
        long cpu = CPU.getProcessCpuTime() - cpu0;
        // matched keeps the loop's result alive; printed so the caller can compare it with its own.
        return String.format("time %s %.0f %.0f %d", category, slice.size() / (wall / 1e9), slice.size() / (cpu / 1e9), matched);
    }

    private Machine machine(String category) throws Exception {
        Machine machine = machines.get(category);
        if (machine != null) return machine;
        LinkedHashMap<String, String> set = ruleTexts(category);
        machine = Machine.builder().build();
        for (Map.Entry<String, String> rule : set.entrySet()) machine.addRule(rule.getKey(), rule.getValue());
        machines.put(category, machine);
        names.put(category, new ArrayList<>(set.keySet()));
        return machine;
    }

    /** Rule name -> event-ruler's own rule text; names as run.mjs gives them (rI, or PART:rI in the combined categories). */
    private LinkedHashMap<String, String> ruleTexts(String category) {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        JsonNode texts = rules.get("raw_rule_strings");
        JsonNode spec = rules.get(category);
        List<String> parts = new ArrayList<>();
        if (spec.isArray()) parts.add(category);
        else for (JsonNode part : spec.get("consists_of")) parts.add(part.asText());
        for (String part : parts) {
            JsonNode list = texts.get(part);
            for (int i = 0; i < list.size(); i++) out.put((spec.isArray() ? "" : part + ":") + "r" + i, list.get(i).asText());
        }
        return out;
    }

    private static List<String> readEvents(String file) throws Exception {
        List<String> out = new ArrayList<>(220_000);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(new FileInputStream(file), 1 << 16), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) if (!line.isEmpty()) out.add(line);
        }
        return out;
    }
}
