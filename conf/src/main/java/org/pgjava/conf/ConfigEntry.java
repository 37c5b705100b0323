package org.pgjava.conf;

import java.nio.file.Path;

/**
 * One {@code name = value} line of postgresql.conf (or of a file it includes), as {@link ConfigFile#parse}
 * returns it: the value is already unquoted and unescaped.
 *
 * @param name  the parameter name as written
 * @param value the value text
 * @param file  the file it was read from
 * @param line  1-based line number in that file
 */
public record ConfigEntry(String name, String value, Path file, int line) {
}
