package io.runagents.ingress.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The path normaliser as a table: what each raw path becomes, and what is refused. */
class PathNormalizerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /                     | /
            /a                    | /a
            /a/b/c                | /a/b/c
            /a/                   | /a/
            //                    | /
            //a//b//              | /a/b/
            /a/./b                | /a/b
            /a/.                  | /a/
            /a/b/..               | /a/
            /a/../b               | /b
            /..                   | /
            /../../a              | /a
            /a/b/../../..         | /
            /a/%2e%2e/b           | /b
            /a/%2E%2E/b           | /b
            /a/.%2e/b             | /b
            /a/%2e/b              | /a/b
            /a/%7Euser            | /a/~user
            /%61%62               | /ab
            /a%2db                | /a-b
            /a/%c3%a9             | /a/%C3%A9
            /a/%25                | /a/%25
            /a/%252e%252e/b       | /a/%252e%252e/b
            /a/...                | /a/...
            /a/..b/c              | /a/..b/c
            /a/b.                 | /a/b.
            /a:b@c!$&'()*+,=      | /a:b@c!$&'()*+,=
            """)
    void normalises(String raw, String expected) throws Exception {
        assertThat(PathNormalizer.normalize(raw)).isEqualTo(expected);
        // normalising is idempotent: the agent and any second look see the same path
        assertThat(PathNormalizer.normalize(expected)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "", "a", "*", "x/y",
        "/a/%2f/b", "/a/%2F", "/a%2fb", "/a/%5c", "/a/%5C", "/a/%00", "/a/%2e%2e%2fb",
        "/a\\b", "/a/..\\b", "/a/%", "/a/%2", "/a/%g0", "/a/%0g",
        "/a b", "/a\tb", "/a\u0000b", "/a\u007fb", "/a/\u00e9", "/a#frag",
        "/a/..;/b", "/a/.;x/b", "/..;", "/a/..;x",
        // path parameters: a servlet agent reads /admin;x/users as /admin/users, routing would not
        "/a;p/b", "/admin;x/users", "/a/b;", "/;", "/admin%3Bx/users", "/a/%3b"})
    void refuses(String raw) {
        assertThatThrownBy(() -> PathNormalizer.normalize(raw)).isInstanceOf(PathNormalizer.InvalidPathException.class);
    }
}
