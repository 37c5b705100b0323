package org.pgjava.shmem.handoff;

import org.pgjava.shmem.os.DescriptorStream;
import org.pgjava.shmem.os.ProcessControl;
import org.pgjava.shmem.os.UnixSockets;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A tiny backend stand-in run as a separate JVM by {@link HandoffProcessTest}: connects to the hand-off
 * socket given as args[0], announces itself with token args[1], receives one client descriptor, echoes what
 * the client sends with a prefix naming its pid and database, reports done and exits.
 */
public final class HandoffChildMain {
    public static void main(String[] args) throws Exception {
        try (HandoffClient client = HandoffClient.connect(Path.of(args[0]))) {
            client.announceReady(ProcessControl.pid(), args[1]);
            HandoffClient.Incoming in = client.awaitNext();
            if (!(in instanceof HandoffClient.Client c)) {
                System.exit(2);
                return;
            }
            UnixSockets.setBlocking(c.descriptor());
            DescriptorStream s = new DescriptorStream(c.descriptor());
            byte[] buf = new byte[100];
            int n = s.read(buf, 0, buf.length);
            String reply = "pid " + ProcessControl.pid() + " db " + c.payload().database() + " pipelined "
                    + c.payload().pipelined().length + " got " + new String(buf, 0, n, StandardCharsets.UTF_8);
            byte[] r = reply.getBytes(StandardCharsets.UTF_8);
            s.write(r, 0, r.length);
            s.close();
            client.reportDone(false);
            if (client.awaitNext() instanceof HandoffClient.Quit) {
                System.exit(0);
            }
            System.exit(3);
        }
    }
}
