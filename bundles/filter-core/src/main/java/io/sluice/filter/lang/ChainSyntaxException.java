package io.sluice.filter.lang;

/**
 * A chain file that cannot be loaded: names the file, line and column (from 1) and what was
 * expected or what is wrong. A chain with such an error is not loaded.
 */
public final class ChainSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final int column;
    private final String problem;
    private final String missingFilter;

    public ChainSyntaxException(String file, int line, int column, String problem) {
        this(file, line, column, problem, null);
    }

    ChainSyntaxException(String file, int line, int column, String problem, String missingFilter) {
        super(file + ":" + line + ":" + column + ": " + problem);
        this.file = file;
        this.line = line;
        this.column = column;
        this.problem = problem;
        this.missingFilter = missingFilter;
    }

    /** The filter the chain calls and no bundle provides, when that is the error; else null. */
    public String missingFilter() {
        return missingFilter;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The message without the position. */
    public String problem() {
        return problem;
    }
}
