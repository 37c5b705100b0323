package org.pgjava.auth;

import org.pgjava.conf.errors.PgException;

/**
 * One password authentication conversation between the postmaster and a client, as a pure state
 * machine: bytes in, bytes out, no I/O, no clock, no threads. Created by {@link AuthExchanges#create}.
 *
 * <p>Call sequence (the postmaster owns the socket):
 * <pre>
 * AuthExchange x = AuthExchanges.create(rule.method(), user, role.passwordVerifier(), random);
 * send(x.start());                           // AuthenticationCleartextPassword / MD5Password / SASL; null for trust
 * Step s = x.startOutcome();                 // SUCCESS for trust, else CONTINUE
 * while (s.outcome() == CONTINUE) {
 *     read a message; it must be type 'p' (PasswordMessage / SASLInitialResponse / SASLResponse),
 *     else FATAL 08P01 ({@link AuthExchanges#unexpectedMessage})
 *     s = x.onClientMessage(body);           // body = the message after its type byte and length word
 *     if (s.reply() != null) send(s.reply());
 * }
 * SUCCESS: continue with role checks, then AuthenticationOk (the exchange never sends it);
 * FAILURE: s.reply() is the complete ErrorResponse already (FATAL 28P01 or 08P01), s.error() the same
 *          exception for the log; close the connection.
 * </pre>
 * An exchange is used by one thread at a time and is finished after SUCCESS or FAILURE (further calls
 * throw IllegalStateException).
 */
public interface AuthExchange {

    /** Where the exchange stands after a step. */
    enum Outcome { CONTINUE, SUCCESS, FAILURE }

    /**
     * The result of one step.
     *
     * @param reply   complete message(s) to send now (type byte, length, body), or null
     * @param outcome CONTINUE: wait for the next client message; SUCCESS; FAILURE
     * @param error   on FAILURE the error (also encoded in {@code reply}); otherwise null
     */
    record Step(byte[] reply, Outcome outcome, PgException error) {
    }

    /** The first message to send (the authentication request), or null when there is nothing to ask (trust). */
    byte[] start();

    /**
     * Whether this exchange speaks SASL (its client messages are SASLInitialResponse/SASLResponse): picks the
     * wording of {@link AuthExchanges#unexpectedMessage}.
     */
    default boolean usesSasl() {
        return false;
    }

    /** The outcome right after {@link #start()}: SUCCESS for trust, CONTINUE for everything else. */
    default Step startOutcome() {
        return new Step(null, Outcome.CONTINUE, null);
    }

    /**
     * Feeds the body of the client's next 'p' message (PasswordMessage, SASLInitialResponse or
     * SASLResponse: everything after the type byte and the length word).
     *
     * @return the step; never null
     * @throws IllegalStateException when called before {@link #start()} or after the exchange finished
     */
    Step onClientMessage(byte[] passwordMessageBody);
}
