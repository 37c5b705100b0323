package org.pgjava.postmaster.pool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JDK 25 AOT cache for backend JVMs (JEP 483/514: classes loaded and linked ahead of time), kept next to
 * the distribution's lib directory as {@code target/pgjava/backend.aot}. It roughly halves a backend's
 * start-up CPU. Entry points: {@link #locate}, {@link #jvmOptions}, {@link #refreshIfStale}.
 *
 * <p>Rules: the cache is used only when it exists and is newer than every jar of the class path (the JVM
 * would refuse a cache made for other jars anyway); it is (re)built by a training run of the backend
 * ({@code BackendMain --aot-training}: the warm-up session, then exit) with {@code -XX:AOTCacheOutput},
 * written to a temporary name and renamed into place, on the pool's launcher thread. When the postmaster
 * does not run from a distribution directory (tests), there is no cache.
 */
public final class BackendAotCache {
    private static final Logger LOG = LoggerFactory.getLogger(BackendAotCache.class);
    public static final String FILE_NAME = "backend.aot";

    private final Path cacheFile;
    private final List<Path> jars;

    private BackendAotCache(Path cacheFile, List<Path> jars) {
        this.cacheFile = cacheFile;
        this.jars = jars;
    }

    /**
     * Finds where the cache belongs for this class path: beside the lib directory that holds the jars.
     * @return null when the class path is not a distribution's lib directory of jars
     */
    public static BackendAotCache locate(String classPath) {
        List<Path> jars = new ArrayList<>();
        Path libDir = null;
        for (String e : classPath.split(File.pathSeparator)) {
            if (e.isEmpty()) {
                continue;
            }
            Path p = Path.of(e).toAbsolutePath();
            if (!e.endsWith(".jar")) {
                return null; // class directories (tests): nothing stable to cache against
            }
            jars.add(p);
            if (p.getFileName().toString().startsWith("pgjava-backend-")) {
                libDir = p.getParent();
            }
        }
        if (libDir == null || libDir.getParent() == null) {
            return null;
        }
        return new BackendAotCache(libDir.getParent().resolve(FILE_NAME), jars);
    }

    /** The cache file's path. */
    public Path file() {
        return cacheFile;
    }

    /** True when the cache exists and is newer than every jar. */
    public boolean usable() {
        try {
            if (!Files.isRegularFile(cacheFile)) {
                return false;
            }
            long cache = Files.getLastModifiedTime(cacheFile).toMillis();
            for (Path j : jars) {
                if (Files.getLastModifiedTime(j).toMillis() > cache) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Deletes backend.aot.tmpPID[.config] files of postmasters that died while building the cache. */
    private void removeAbandonedTrainingFiles() {
        try (var files = Files.list(cacheFile.getParent())) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (!n.startsWith(FILE_NAME + ".tmp")) {
                    continue;
                }
                String digits = n.substring((FILE_NAME + ".tmp").length()).replace(".config", "");
                try {
                    long pid = Long.parseLong(digits);
                    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        continue; // another postmaster is building it right now
                    }
                } catch (NumberFormatException ignored) {
                    // not ours to judge: remove
                }
                Files.deleteIfExists(f);
            }
        } catch (IOException ignored) {
            // leftovers are harmless
        }
    }

    /** Options that make a backend JVM use the cache, or none when it is not usable. */
    public List<String> jvmOptions() {
        return usable() ? List.of("-XX:AOTCache=" + cacheFile) : List.of();
    }

    /**
     * Builds the cache when it is missing or stale, by a training run of the backend. Blocks (up to two
     * minutes); call it from the launcher thread only.
     * @return true when a usable cache exists afterwards
     */
    public boolean refreshIfStale(BackendCommand command, List<String> jvmOptions) {
        if (usable()) {
            return true;
        }
        removeAbandonedTrainingFiles();
        Path tmp = cacheFile.resolveSibling(FILE_NAME + ".tmp" + ProcessHandle.current().pid());
        List<String> opts = new ArrayList<>();
        for (String o : jvmOptions) {
            if (!o.startsWith("-XX:AOTCache") && !o.startsWith("-XX:AOTMode") && !o.startsWith("-XX:SharedArchiveFile")
                    && !o.startsWith("-Xshare")) { // the JVM refuses -Xshare:* together with AOTCacheOutput
                opts.add(o);
            }
        }
        opts.add("-XX:AOTCacheOutput=" + tmp);
        List<String> cmd = new ArrayList<>(command.command(opts));
        cmd.add("--aot-training");
        long t0 = System.nanoTime();
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                LOG.warn("creating the AOT cache for backend processes timed out");
                return false;
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(tmp)) {
                LOG.warn("could not create the AOT cache for backend processes (exit code {})", p.exitValue());
                return false;
            }
            Files.move(tmp, cacheFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            LOG.info("created AOT cache for backend processes \"{}\" in {} ms", cacheFile,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return true;
        } catch (IOException e) {
            LOG.warn("could not create the AOT cache for backend processes: {}", e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            try {
                Files.deleteIfExists(tmp);
                Files.deleteIfExists(tmp.resolveSibling(tmp.getFileName() + ".config"));
            } catch (IOException ignored) {
                // leftovers are harmless
            }
        }
    }
}
