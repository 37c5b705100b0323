package org.pgjava.tests.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The failure diff of the golden tests: equal texts give "", changes show as -/+ lines in hunks. */
class LineDiffTest {

    @Test
    void equalTextsGiveNoDiff() {
        assertEquals("", LineDiff.unified("a\nb\n", "a\nb\n", "e", "a", 3, 100));
    }

    @Test
    void changedLineShowsAsMinusAndPlusWithContext() {
        String d = LineDiff.unified("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nX\n6\n7\n8\n", "exp", "act", 1, 100);
        assertEquals("--- exp\n+++ act\n@@ -4,3 +4,3 @@\n 4\n-5\n+X\n 6\n", d);
    }

    @Test
    void missingFinalNewlineIsADifference() {
        String d = LineDiff.unified("a\n", "a", "e", "a", 0, 100);
        assertTrue(d.contains("-a\n") && d.contains("+a\\ (no newline at end)\n"), d);
    }

    @Test
    void longDiffIsCut() {
        String d = LineDiff.unified("a\n".repeat(50), "b\n".repeat(50), "e", "a", 0, 10);
        assertTrue(d.endsWith("... (diff cut after 10 lines)\n"), d);
    }
}
