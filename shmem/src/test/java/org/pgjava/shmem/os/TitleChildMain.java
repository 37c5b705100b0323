package org.pgjava.shmem.os;

/** Run by {@link ProcessControlTest} as a separate JVM: sets the title given as args[0], says so, waits. */
public final class TitleChildMain {
    public static void main(String[] args) throws Exception {
        boolean ok = new ProcessControl().setTitle(args[0]);
        System.out.println(ok ? "titled" : "untitled");
        System.out.flush();
        System.in.read(); // until the test closes our stdin
    }
}
