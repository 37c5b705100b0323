package org.pgjava.tests.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.pgjava.tests.harness.PgJavaServer;

/**
 * Keeps the binding dependency directions (docs/architecture.md) from creeping back: which module may use
 * which, and inside backend the pipeline protocol → tcop → parser → optimizer → executor → access →
 * storage, with utils (types, session context) and nodes (syntax trees) usable by all of them and
 * using none of them, and main and aux (the backend's and the auxiliary processes' entry points,
 * composition roots) using everything. Checked on the sources: every {@code org.pgjava.<module>[.backend
 * layer]} reference in a file's code (comments aside) must be allowed for the file's own module/layer; a name inside a string
 * literal (a main class started as a separate process) is not a dependency.
 */
class LayeringTest {
    private static final Pattern COMMENT = Pattern.compile("(?s)/\\*.*?\\*/|//[^\n]*");
    private static final Pattern REF = Pattern.compile("org\\.pgjava\\.([a-z]+)(?:\\.([a-z]+))?");

    /** module → modules it may use (itself included). */
    private static final Map<String, Set<String>> MODULES = Map.of(
            "conf", Set.of("conf"),
            "shmem", Set.of("shmem", "conf"),
            "catalog", Set.of("catalog", "conf"),
            "auth", Set.of("auth", "catalog", "conf"),
            "postmaster", Set.of("postmaster", "shmem", "auth", "catalog", "conf"),
            "backend", Set.of("backend", "shmem", "auth", "catalog", "conf"));

    /** backend layer → layers it may use (itself included). */
    private static final List<String> PIPELINE =
            List.of("protocol", "tcop", "parser", "optimizer", "executor", "access", "storage");

    private static boolean layerMayUse(String from, String to) {
        if (from.equals(to) || to.equals("utils") || to.equals("nodes")) {
            return true;
        }
        if (from.equals("main") || from.equals("aux")) {
            return true;   // process entry points (backend, auxiliary processes) compose every layer
        }
        if (from.equals("utils") || from.equals("nodes")) {
            return false;
        }
        int a = PIPELINE.indexOf(from);
        int b = PIPELINE.indexOf(to);
        return a >= 0 && b >= 0 && a < b;
    }

    @Test
    void sourcesRespectTheLayering() throws IOException {
        Path root = PgJavaServer.repoRoot();
        List<String> violations = new ArrayList<>();
        int files = 0;
        for (String module : MODULES.keySet()) {
            Path src = root.resolve(module).resolve("src/main/java");
            if (!Files.isDirectory(src)) {
                continue;
            }
            List<Path> javaFiles;
            try (Stream<Path> s = Files.walk(src)) {
                javaFiles = s.filter(p -> p.toString().endsWith(".java")).toList();
            }
            for (Path f : javaFiles) {
                files++;
                String rel = src.relativize(f).toString();
                String ownLayer = null;
                if (module.equals("backend")) {
                    String[] parts = rel.split("/");
                    ownLayer = parts.length > 4 ? parts[3] : "";
                }
                String text = COMMENT.matcher(Files.readString(f)).replaceAll(" ");
                Matcher m = REF.matcher(text);
                while (m.find()) {
                    if (m.start() > 0 && text.charAt(m.start() - 1) == '"') {
                        continue; // a class name in a string (the postmaster starts backends by name only)
                    }
                    String target = m.group(1);
                    if (!MODULES.containsKey(target)) {
                        continue;
                    }
                    if (!MODULES.get(module).contains(target)) {
                        violations.add(module + "/" + rel + " uses module " + target);
                    } else if (ownLayer != null && target.equals("backend") && m.group(2) != null
                            && !layerMayUse(ownLayer, m.group(2))) {
                        violations.add("backend/" + rel + " (layer " + ownLayer + ") uses layer " + m.group(2));
                    }
                }
            }
        }
        assertTrue(files > 10, "found the sources");
        assertEquals(List.of(), violations.stream().distinct().toList());
    }
}
