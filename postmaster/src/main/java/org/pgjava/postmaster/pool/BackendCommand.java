package org.pgjava.postmaster.pool;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How a backend JVM is started: {@code java <backend_jvm_options> --enable-native-access=ALL-UNNAMED
 * -cp <the postmaster's class path> <backend main class> -D DIR [-c name=value]...}, with the
 * hand-off socket path, the postmaster's pid, the child's random token and the shared segment's identity in
 * its environment. The
 * postmaster names the backend's main class as a string only: it never links against backend code.
 *
 * @param javaBinary    the java launcher (the postmaster's own java.home/bin/java)
 * @param classPath     the postmaster's java.class.path
 * @param dataDir       the data directory
 * @param settingArgs   -c name=value options given to the postmaster, passed on so backends read the same settings
 * @param handoffSocket the hand-off socket path
 * @param postmasterPid this postmaster's pid (the child checks its parent is still this process)
 * @param sharedMemory  the shared segment's variables for a child started now (PGJAVA_SHMEM,
 *                      PGJAVA_SHMEM_LAYOUT: they change with each segment generation), read at each launch
 */
public record BackendCommand(Path javaBinary, String classPath, Path dataDir, List<String> settingArgs,
                             Path handoffSocket, int postmasterPid, Supplier<Map<String, String>> sharedMemory) {
    /**
     * The backend's composition root, named by string only (layering: postmaster never uses backend; the
     * layering test does not count a class name inside a string literal as a dependency).
     */
    public static final String BACKEND_MAIN = "org.pgjava.backend.main.BackendMain";
    public static final String ENV_HANDOFF_SOCKET = "PGJAVA_HANDOFF_SOCKET";
    public static final String ENV_TOKEN = "PGJAVA_BACKEND_TOKEN";
    public static final String ENV_POSTMASTER_PID = "PGJAVA_POSTMASTER_PID";

    /** The full command line for one backend. */
    public List<String> command(List<String> jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary.toString());
        cmd.addAll(jvmOptions);
        if (jvmOptions.stream().noneMatch(o -> o.startsWith("--enable-native-access"))) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(BACKEND_MAIN);
        cmd.add("-D");
        cmd.add(dataDir.toAbsolutePath().toString());
        for (String s : settingArgs) {
            cmd.add("-c");
            cmd.add(s);
        }
        return cmd;
    }

    /** Puts the hand-off and shared-memory variables into a backend's environment. */
    public void fillEnvironment(Map<String, String> env, String token) {
        env.put(ENV_HANDOFF_SOCKET, handoffSocket.toString());
        env.put(ENV_TOKEN, token);
        env.put(ENV_POSTMASTER_PID, Integer.toString(postmasterPid));
        fillSharedMemoryEnvironment(env);
    }

    /** Puts the current shared segment's variables into a child's environment (every child kind). */
    public void fillSharedMemoryEnvironment(Map<String, String> env) {
        env.putAll(sharedMemory.get());
    }
}
