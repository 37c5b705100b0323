package org.pgjava.tests.harness;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link PgJavaServer} for a whole test class: started before the class's first test (and before its
 * own {@code @BeforeAll} methods), stopped after its last, even when tests fail. Use as
 * <pre>@RegisterExtension static final PgJavaServerExtension db = new PgJavaServerExtension(PgJavaServer.options());</pre>
 * and reach the server with {@link #server()}.
 */
public final class PgJavaServerExtension implements BeforeAllCallback, AfterAllCallback {
    private final PgJavaServer.Options options;
    private PgJavaServer server;

    public PgJavaServerExtension(PgJavaServer.Options options) {
        this.options = options;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = PgJavaServer.start(options);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** The running server. Precondition: called from a test of the class that registered this extension. */
    public PgJavaServer server() {
        if (server == null) {
            throw new IllegalStateException("the server is not running (used outside its test class?)");
        }
        return server;
    }
}
