package org.pgjava.tests.isolation;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line entry to the isolation runner, used by scripts/isolation/generate.sh (through the JDK's
 * source launcher, so it needs only pgjdbc on the class path) and for running a spec by hand:
 *
 * <pre>
 * IsolationMain HOST:PORT SPECDIR OUTDIR NAME...    writes OUTDIR/NAME.out for each SPECDIR/NAME.spec
 * IsolationMain HOST:PORT SPECDIR - NAME...         prints the transcripts on stdout
 * </pre>
 *
 * Exit status 0 when every transcript was produced (whatever it holds), 1 when a spec could not be parsed
 * or the server could not be reached (no file is written for that spec). Timing comes from the system
 * properties of {@link IsolationRunner.Timing#fromSystemProperties()}.
 */
public final class IsolationMain {
    private IsolationMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: IsolationMain HOST:PORT SPECDIR OUTDIR|- NAME...");
            System.exit(2);
        }
        IsolationRunner runner = new IsolationRunner(IsolationRunner.Target.parse(args[0]),
                IsolationRunner.Timing.fromSystemProperties());
        Path specDir = Paths.get(args[1]);
        String outDir = args[2];
        List<String> failed = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            String name = args[i];
            try {
                String transcript = runner.run(IsolationSpec.load(specDir.resolve(name + ".spec")));
                if (outDir.equals("-")) {
                    System.out.print(transcript);
                } else {
                    Path out = Paths.get(outDir).resolve(name + ".out");
                    Path tmp = Paths.get(outDir).resolve(name + ".out.tmp");
                    Files.writeString(tmp, transcript, StandardCharsets.UTF_8);
                    Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    System.err.println("isolation: " + name + " -> " + out + " ("
                            + transcript.lines().count() + " lines)");
                }
            } catch (Exception e) {
                System.err.println("isolation: " + name + " failed: " + e);
                failed.add(name);
            }
        }
        System.exit(failed.isEmpty() ? 0 : 1);
    }
}
