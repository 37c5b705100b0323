package org.pgjava.auth;

import org.pgjava.auth.wire.BackendMessages;
import org.pgjava.conf.errors.PgException;

/**
 * pg_hba.conf method {@code password}: AuthenticationCleartextPassword, then one PasswordMessage whose
 * body is the password as a NUL-terminated string, checked with {@link PasswordVerifiers#verifyCleartext}.
 */
final class CleartextPasswordExchange implements AuthExchange {
    private final String user;
    private final String stored;
    private boolean started, done;

    CleartextPasswordExchange(String user, String stored) {
        this.user = user;
        this.stored = stored;
    }

    @Override
    public byte[] start() {
        started = true;
        return BackendMessages.authenticationCleartextPassword();
    }

    @Override
    public Step onClientMessage(byte[] body) {
        if (!started || done) throw new IllegalStateException("exchange not running");
        done = true;
        try {
            String password = AuthExchanges.passwordString(body);
            if (PasswordVerifiers.verifyCleartext(stored, user, password)) return new Step(null, Outcome.SUCCESS, null);
            return AuthExchanges.fail(AuthExchanges.authFailed(user));
        } catch (PgException e) {
            return AuthExchanges.fail(e);
        }
    }
}
