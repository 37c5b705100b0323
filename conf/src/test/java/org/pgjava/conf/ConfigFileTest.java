package org.pgjava.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

class ConfigFileTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void parsesValuesCommentsAndQuotes() throws IOException {
        Path f = write("postgresql.conf", """
                # a comment
                listen_addresses = 'localhost'   # trailing comment
                port 5433
                shared_buffers=16MB
                log_line_prefix = '%m [%p] it''s \\'x\\'\\n'
                seq_page_cost = 1.5
                timezone = Europe/Paris
                myapp.key = abc

                search_path = '"$user", public'
                """);
        List<ConfigEntry> es = ConfigFile.parse(f);
        assertEquals(8, es.size());
        assertEquals(new ConfigEntry("listen_addresses", "localhost", f.toAbsolutePath(), 2), es.get(0));
        assertEquals("5433", es.get(1).value());
        assertEquals("16MB", es.get(2).value());
        assertEquals("%m [%p] it's 'x'\n", es.get(3).value());
        assertEquals("1.5", es.get(4).value());
        assertEquals("Europe/Paris", es.get(5).value());
        assertEquals("myapp.key", es.get(6).name());
        assertEquals(10, es.get(7).line());
        Settings s = Settings.defaults();
        assertEquals(List.of(), s.applyFile(es, false));
        assertEquals("128MB".equals(s.show("shared_buffers")), false);
        assertEquals("16MB", s.show("shared_buffers"));
        assertEquals(5433, s.getInt("port"));
        assertEquals("configuration file", s.sourceOf("port"));
        assertEquals(3, s.sourceLine("port"));
    }

    @Test
    void syntaxErrors() throws IOException {
        Path f = write("bad.conf", "port = 5432\nwork_mem = 4MB extra\n");
        PgException e = assertThrows(PgException.class, () -> ConfigFile.parse(f));
        assertEquals(SqlState.CONFIG_FILE_ERROR, e.sqlState());
        assertEquals("syntax error in file \"" + f.toAbsolutePath() + "\" line 2, near token \"extra\"", e.getMessage());
        Path g = write("bad2.conf", "port =\n");
        e = assertThrows(PgException.class, () -> ConfigFile.parse(g));
        assertEquals("syntax error in file \"" + g.toAbsolutePath() + "\" line 1, near end of line", e.getMessage());
        Path k = write("bad4.conf", "statement_timeout = 1.5s\n");
        e = assertThrows(PgException.class, () -> ConfigFile.parse(k));
        assertEquals("syntax error in file \"" + k.toAbsolutePath() + "\" line 1, near token \"s\"", e.getMessage());
        Path h = write("bad3.conf", "x = 'unterminated\n");
        assertThrows(PgException.class, () -> ConfigFile.parse(h));
    }

    @Test
    void includes() throws IOException {
        write("conf.d/b.conf", "work_mem = 8MB\n");
        write("conf.d/a.conf", "work_mem = 2MB\nport = 7000\n");
        write("conf.d/.hidden.conf", "port = 1\n");
        write("other.conf", "max_connections = 20\n");
        Path f = write("postgresql.conf", "include 'other.conf'\ninclude_if_exists 'missing.conf'\ninclude_dir 'conf.d'\n");
        List<ConfigEntry> es = ConfigFile.parse(f);
        assertEquals(List.of("max_connections", "work_mem", "port", "work_mem"), es.stream().map(ConfigEntry::name).toList());
        Settings s = Settings.defaults();
        assertEquals(List.of(), s.applyFile(es, false));
        assertEquals("8MB", s.show("work_mem"));
        assertEquals(20, s.getInt("max_connections"));
        Path g = write("x.conf", "include 'nope.conf'\n");
        PgException e = assertThrows(PgException.class, () -> ConfigFile.parse(g));
        assertTrue(e.getMessage().startsWith("could not open configuration file"), e.getMessage());
        Path loop = write("loop.conf", "include 'loop.conf'\n");
        e = assertThrows(PgException.class, () -> ConfigFile.parse(loop));
        assertTrue(e.getMessage().endsWith("maximum nesting depth exceeded"), e.getMessage());
    }

    @Test
    void commandLineOptions() {
        Settings s = Settings.defaults();
        s.applyCommandLine(List.of("port=6000", "work-mem = 8MB".replace(" = ", "="), "application_name=a=b"));
        assertEquals(6000, s.getInt("port"));
        assertEquals("8MB", s.show("work_mem"), "--work-mem reads as work_mem");
        assertEquals("a=b", s.show("application_name"), "only the first '=' separates");
        assertEquals("command line", s.source("port").pgName());
        PgException e = assertThrows(PgException.class, () -> s.applyCommandLine(List.of("port")));
        assertEquals("-c port requires a value", e.getMessage());
        assertThrows(PgException.class, () -> s.applyCommandLine(List.of("bogus=1")));
    }

    @Test
    void reloadDoesNotReportPostmasterSettingsTheCommandLineSet() throws IOException {
        Path f = write("postgresql.conf", "port = 5432\n");
        Settings s = Settings.defaults();
        assertEquals(List.of(), s.applyFile(ConfigFile.parse(f), false));
        s.set("port", "6543", SettingSource.COMMAND_LINE, true);
        assertEquals(List.of(), s.applyFile(ConfigFile.parse(f), true), "-c port outranks the file's port");
        assertEquals(6543, s.getInt("port"));
        Path g = write("postgresql.conf", "max_connections = 7\n");
        assertEquals(List.of("parameter \"max_connections\" cannot be changed without restarting the server"),
                s.applyFile(ConfigFile.parse(g), true), "a file-set POSTMASTER setting still needs a restart");
    }

    @Test
    void applyProblemsAndReload() throws IOException {
        Path bad = write("bad.conf", "port = 5432\nbogus = 1\nwork_mem = 8MB\n");
        Settings s = Settings.defaults();
        List<String> problems = s.applyFile(ConfigFile.parse(bad), false);
        assertEquals(List.of("unrecognized configuration parameter \"bogus\" in file \"" + bad.toAbsolutePath() + "\" line 2"), problems);
        assertEquals("4MB", s.show("work_mem"), "an unrecognized name means no changes are applied");

        Path f = write("postgresql.conf", "port = 5432\nwork_mem = 8MB\nstatement_timeout = 'x'\n");
        problems = s.applyFile(ConfigFile.parse(f), false);
        assertEquals(List.of("invalid value for parameter \"statement_timeout\": \"x\""), problems);
        assertEquals("8MB", s.show("work_mem"), "invalid values do not stop the other entries");

        Path f2 = write("postgresql.conf", "port = 6000\n");
        problems = s.applyFile(ConfigFile.parse(f2), true);
        assertEquals(List.of("parameter \"port\" cannot be changed without restarting the server"), problems);
        assertEquals(5432, s.getInt("port"));
        assertEquals("4MB", s.show("work_mem"), "removed from the file: back to the default");
    }
}
