package io.sluice.core.journal;

/** The journal is at its size limit: nothing of the refused append was stored. */
public class JournalFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JournalFullException(long bytes, long adding, long maxBytes) {
        super("journal is full: " + bytes + " bytes stored or being written, " + adding + " more refused, limit "
                + maxBytes);
    }
}
