/**
 * A small OAuth 2.0 authorization server, in memory: the code grant with PKCE S256 (RFC 6749, RFC 7636),
 * refresh-token rotation, revocation (RFC 7009), the {@code iss} answer parameter (RFC 9207) and resource
 * indicators (RFC 8707). It stands in for Google, GitHub or Okta where no account may be used: the demo's
 * built-in tool and, with failure switches around it, the tests' stub. Loopback use only; nothing here is
 * meant to guard real accounts.
 */
package io.runagents.ingress.core.demo.authserver;
